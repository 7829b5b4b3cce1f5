"""Vault errors: each ``str()`` is one plain sentence a user can act on, never a secret."""

from __future__ import annotations

from pathlib import Path

from app.database.errors import DatabaseError


class VaultError(DatabaseError):
    """Base of everything the vault refuses; the vault and its files are unchanged."""


class VaultNotFound(VaultError):
    def __init__(self, folder: Path) -> None:
        super().__init__(
            f"There is no Circlekeeper vault in {folder}; create one with 'init' first."
        )
        self.folder = folder


class VaultExists(VaultError):
    def __init__(self, folder: Path) -> None:
        super().__init__(f"A Circlekeeper vault already exists in {folder}; it was left as it is.")
        self.folder = folder


class WrongPassphrase(VaultError):
    def __init__(self) -> None:
        super().__init__("Wrong passphrase: the vault was not unlocked and nothing was changed.")


class WrongRecoveryKey(VaultError):
    def __init__(self) -> None:
        super().__init__("That recovery key does not unlock this vault; nothing was changed.")


class NoRecoveryKey(VaultError):
    def __init__(self) -> None:
        super().__init__("This vault was created without a recovery key.")


class WeakPassphrase(VaultError):
    pass


class KeyFileDamaged(VaultError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"The vault's key file {path} is damaged ({why}); it was left untouched.")
        self.path = path


class KeychainError(VaultError):
    """The OS keychain failed or is not trustworthy; the passphrase still works."""


class VaultBusy(VaultError):
    """Another program holds the vault's writer lock; nothing was changed."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(
            f"The vault in {folder} is in use by {holder}; nothing was changed, so close it "
            "or let it finish, then try again."
        )
        self.folder = folder


class NeedsConsent(VaultError):
    """The vault opens, but with less than this device last saw; only the user may go on.

    The command line says how (``--accept-older``); the window asks.
    """


class VaultOlder(NeedsConsent):
    def __init__(self, anchor_changed: str, found_changed: str, *, older: bool) -> None:
        if older:
            text = (
                "This vault is older than the last time this device used it: last change "
                f"{anchor_changed}, this file's last change {found_changed} (an older copy put "
                "back?); nothing was changed."
            )
        else:
            text = (
                "This vault differs from the last time this device used it: same last change "
                f"{anchor_changed}, but other content (another copy put back?); nothing was "
                "changed."
            )
        super().__init__(text)
        self.older = older


class JournalDamaged(NeedsConsent):
    def __init__(self, journal: Path, problem: str, kept: Path) -> None:
        super().__init__(
            f"The vault's journal {journal}, left by a program that did not finish, would lose "
            f"saved changes: {problem}. A copy was kept at {kept}; nothing was changed."
        )
        self.journal = journal
        self.kept = kept


class SecretRefused(VaultError):
    """A passphrase (or recovery key) given in a file or the environment can't be used as is."""
