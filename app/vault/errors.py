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
