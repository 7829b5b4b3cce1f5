"""What sync refuses; each ``str()`` is one plain sentence, and the vault was not changed."""

from __future__ import annotations


class SyncError(Exception):
    """Base of every refusal of this package; nothing was written."""


class BundleRejected(SyncError):
    """A bundle failed a check before or while it was applied; the vault is unchanged."""


class UnknownSigner(BundleRejected):
    """The bundle is genuine but signed by a device this vault does not trust (yet)."""

    def __init__(self, fingerprint: str, name: str) -> None:
        super().__init__(
            f"This bundle was signed by {name!r} (fingerprint {fingerprint}), a device this "
            "vault does not trust; check the fingerprint with its owner, then import again "
            f"with --trust {fingerprint}."
        )
        self.fingerprint = fingerprint
        self.name = name


class ImportCancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was changed.")


class CardInvalid(SyncError):
    """A contact card that cannot be read or whose fingerprint does not match its keys."""


class PeerNotFound(SyncError):
    def __init__(self, query: str) -> None:
        super().__init__(f"No trusted peer matches {query!r}; see `peers` for the list.")
        self.query = query


class ExportRefused(SyncError):
    """An export that cannot be made as asked (no recipient, unknown cohort, …)."""
