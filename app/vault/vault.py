"""Creating, unlocking and maintaining a vault: the key file, the keychain and the database."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.database.engine import Database, open_engine
from app.database.errors import DatabaseUnreadable
from app.database.migrate import backup_copy, upgrade
from app.database.versions import highest_version
from app.vault.errors import (
    KeychainError,
    KeyFileDamaged,
    VaultExists,
    VaultNotFound,
)
from app.vault.keychain import Keychain
from app.vault.keyfile import (
    KdfParameters,
    KeyFile,
    check_passphrase_strength,
    new_recovery_identity,
)
from models import DeviceInfo

log = logging.getLogger(__name__)

DATABASE_NAME = "circlekeeper.db"
KEY_FILE_NAME = "circlekeeper.key"


@dataclass(frozen=True, slots=True)
class VaultPaths:
    """Where one vault's files live: the database, its key file, and migration backups."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def key_file(self) -> Path:
        return self.folder / KEY_FILE_NAME

    def exists(self) -> bool:
        return self.key_file.exists() or self.database.exists()


@dataclass(frozen=True, slots=True)
class CreatedVault:
    vault: UnlockedVault
    recovery_key: str | None
    keychain_note: str | None


class UnlockedVault:
    """An open vault: the ``Database`` and the facts services need (device, clock start).

    The raw key stays inside; ``close()`` disposes the engine and drops the reference.
    """

    def __init__(self, paths: VaultPaths, key_file: KeyFile, key: bytes) -> None:
        self.paths = paths
        self.vault_id = key_file.vault_id
        self._key_file = key_file
        self._key: bytes | None = key
        engine = open_engine(paths.database, key)
        try:
            upgrade(engine, paths.database)
            self.database = Database(engine)
            self.device_id, self.device_name = self._device()
        except BaseException:
            engine.dispose()  # a refused or damaged vault keeps no connection (or -wal) open
            raise

    def _device(self) -> tuple[str, str]:
        with self.database.engine.connect() as connection:
            # Plain SQL: it runs at every unlock, and an ORM query compiles on a fresh engine.
            found = connection.exec_driver_sql("SELECT device_id, name FROM device_info").first()
            if found is not None:
                return str(found[0]), str(found[1])
        with self.database.write() as session:
            device = DeviceInfo(
                device_id=str(uuid.uuid4()),
                name=socket.gethostname()[:80] or "this device",
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(device)
            return device.device_id, device.name

    def highest_version(self) -> int:
        """The greatest version stored in any synced table (where the clock starts)."""
        with self.database.read() as session:
            return highest_version(session)

    def backup(self, folder: Path) -> Path:
        """A complete encrypted copy (database and key file) in ``folder``, openable as a vault."""
        target = VaultPaths(folder)
        if target.exists() or (folder.exists() and any(folder.iterdir())):
            raise VaultExists(folder)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        backup_copy(self.database.engine, target.database)
        self._key_file.write(target.key_file)
        return folder

    def change_passphrase(self, old_passphrase: str, new_passphrase: str) -> None:
        """Rewrap the key under ``new_passphrase``; the database itself is not re-encrypted."""
        current = KeyFile.read(self.paths.key_file)
        key = current.unwrap(old_passphrase)
        self._rewrap(current, key, new_passphrase)

    def _rewrap(self, current: KeyFile, key: bytes, new_passphrase: str) -> None:
        updated = current.rewrapped(key, new_passphrase)
        updated.write(self.paths.key_file)
        self._key_file = updated

    def remember_in(self, keychain: Keychain) -> None:
        if self._key is not None:
            keychain.store(str(self.vault_id), self._key)

    def close(self) -> None:
        self.database.dispose()
        self._key = None


def read_key_file(paths: VaultPaths) -> KeyFile:
    if not paths.key_file.exists():
        if paths.database.exists():
            raise KeyFileDamaged(paths.key_file, "it is missing")
        raise VaultNotFound(paths.folder)
    return KeyFile.read(paths.key_file)


def create_vault(
    paths: VaultPaths,
    passphrase: str,
    *,
    with_recovery: bool = False,
    keychain: Keychain | None = None,
    kdf: KdfParameters | None = None,
) -> CreatedVault:
    """A new, empty vault in ``paths.folder``; refuses to touch an existing one.

    ``kdf`` overrides the passphrase KDF's cost (tests use a cheap one; users never do).
    """
    check_passphrase_strength(passphrase)
    if paths.exists():
        raise VaultExists(paths.folder)
    recovery_secret, recovery_recipient = new_recovery_identity() if with_recovery else (None, None)
    key = os.urandom(32)
    key_file = KeyFile.wrap(
        key, passphrase, vault_id=uuid.uuid4(), kdf=kdf, recovery_recipient=recovery_recipient
    )
    paths.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        open_engine(paths.database, key, create=True).dispose()
        paths.database.chmod(0o600)  # SQLite gives -wal and -shm the database's mode
        key_file.write(paths.key_file)
        vault = UnlockedVault(paths, key_file, key)
    except BaseException:
        for leftover in (paths.database, paths.key_file):
            leftover.unlink(missing_ok=True)
            Path(f"{leftover}-wal").unlink(missing_ok=True)
            Path(f"{leftover}-shm").unlink(missing_ok=True)
        raise
    note = None
    if keychain is not None:
        note = _remember(vault, keychain)
    return CreatedVault(vault, recovery_secret, note)


def _remember(vault: UnlockedVault, keychain: Keychain) -> str | None:
    if not keychain.available:
        return "No secure system keychain here: the passphrase will be asked at each start."
    try:
        vault.remember_in(keychain)
    except KeychainError as error:
        return str(error)
    return None


def unlock_with_passphrase(
    paths: VaultPaths, passphrase: str, keychain: Keychain | None = None
) -> UnlockedVault:
    """Open the vault with its passphrase; caches the key in ``keychain`` when given."""
    key_file = read_key_file(paths)
    key = key_file.unwrap(passphrase)
    vault = UnlockedVault(paths, key_file, key)
    if keychain is not None:
        note = _remember(vault, keychain)
        if note and keychain.available:
            log.warning("%s", note)
    return vault


def unlock_with_keychain(paths: VaultPaths, keychain: Keychain) -> UnlockedVault | None:
    """Open the vault with the key cached in ``keychain``; None when there is none.

    A cached key that no longer opens the database is forgotten (the passphrase still works).
    """
    key_file = read_key_file(paths)
    key = keychain.load(str(key_file.vault_id))
    if key is None:
        return None
    try:
        return UnlockedVault(paths, key_file, key)
    except DatabaseUnreadable:
        log.warning("the keychain's key did not open the vault; forgetting it")
        keychain.forget(str(key_file.vault_id))
        return None


def reset_passphrase_with_recovery(
    paths: VaultPaths, recovery_key: str, new_passphrase: str
) -> None:
    """Set a new passphrase using the recovery key shown when the vault was created."""
    key_file = read_key_file(paths)
    key = key_file.unwrap_with_recovery(recovery_key)
    vault = UnlockedVault(paths, key_file, key)  # proves the key opens the database
    try:
        vault._rewrap(key_file, key, new_passphrase)
    finally:
        vault.close()
