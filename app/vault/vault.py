"""Creating, unlocking and maintaining a vault: the key file, the keychain and the database.

Every open is guarded the same way when ``OpenOptions`` are given (the window and the
command line always give them): a ``-wal`` left by a writer that died is kept and judged
before anything may replay it; the vault is compared with this device's anchor of its
last write; and a writer (one that holds the folder's ``WriterLock``) notes the anchor
again when it closes. Without options (tests, benchmarks) a vault opens as a plain file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.database.engine import Database, check_size, open_engine
from app.database.errors import DatabaseUnreadable
from app.database.migrate import backup_copy, upgrade
from app.database.storage import storage_error
from app.database.versions import highest_version
from app.vault import leftover
from app.vault.anchor import AnchorStore, fingerprint
from app.vault.errors import (
    KeychainError,
    KeyFileDamaged,
    VaultExists,
    VaultNotFound,
)
from app.vault.folders import claim, make_folders, remove_folders, remove_lock_files, wipe
from app.vault.keychain import Keychain
from app.vault.keyfile import (
    KdfParameters,
    KeyFile,
    check_passphrase_strength,
    new_recovery_identity,
    normalized,
)
from app.vault.lock import WriterLock
from app.vault.pending import resolve_key
from models import DeviceInfo

log = logging.getLogger(__name__)

DATABASE_NAME = "circlekeeper.db"
KEY_FILE_NAME = "circlekeeper.key"
PENDING_KEY_FILE_NAME = "circlekeeper.key.new"  # a rekey's new key file, until it is done

Key = bytes | bytearray


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

    @property
    def pending_key_file(self) -> Path:
        return self.folder / PENDING_KEY_FILE_NAME

    def exists(self) -> bool:
        return self.key_file.exists() or self.database.exists()


@dataclass(frozen=True, slots=True)
class OpenOptions:
    """How one open is guarded (see the module's docstring).

    ``lock``: held by this process, so this open may write and notes the anchor at close.
    ``anchors``: where this device keeps its anchors (None: neither checked nor noted).
    ``accept_older``: the user chose to open a vault older than its anchor, or one whose
    leftover ``-wal`` would lose changes.
    """

    lock: WriterLock | None = None
    anchors: AnchorStore | None = None
    accept_older: bool = False

    @property
    def writer(self) -> bool:
        return self.lock is not None and self.lock.held


@dataclass(frozen=True, slots=True)
class CreatedVault:
    vault: UnlockedVault
    recovery_key: str | None
    keychain_note: str | None


class UnlockedVault:
    """An open vault: the ``Database`` and the facts services need (device, clock start).

    The raw key is held in a ``bytearray`` of this object's own, the one the engine's
    connect hook reads; ``close()`` disposes the engine, then overwrites it with zeros.
    """

    def __init__(
        self,
        paths: VaultPaths,
        key_file: KeyFile,
        key: Key,
        options: OpenOptions | None = None,
    ) -> None:
        self.paths = paths
        self.vault_id = key_file.vault_id
        self.options = options or OpenOptions()
        self._key_file = key_file
        self._key: bytearray = bytearray(key)
        self.kept_journal: Path | None = None
        try:
            if options is not None:
                self.kept_journal = leftover.secure(
                    paths.database, self.options.lock, self.options.accept_older
                )
            engine = open_engine(paths.database, self._key)
        except BaseException:
            wipe(self._key)
            raise
        try:
            upgrade(engine, paths.database)
            self.database = Database(engine)
            self.device_id, self.device_name = self._device()
            anchors = self.options.anchors
            if anchors is not None and not self.options.accept_older:
                anchors.check(self.vault_id, paths.folder, self._key, fingerprint(self.database))
        except BaseException:
            engine.dispose()  # a refused or damaged vault keeps no connection (or -wal) open
            wipe(self._key)
            raise

    @property
    def key_file(self) -> KeyFile:
        return self._key_file

    def raw_key(self) -> bytearray:
        """The raw key buffer itself (zeros once closed); for a rekey, never for display."""
        return self._key

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
        """A complete encrypted copy (database and key file) in ``folder``, openable as a vault.

        ``folder`` must be new or empty; on failure nothing this call made is left in it
        (no database, no key file, no ``.partial``), and a folder it made is removed.
        """
        target = VaultPaths(folder)
        if target.exists() or (folder.exists() and any(folder.iterdir())):
            raise VaultExists(folder)
        made = make_folders(folder)
        try:
            backup_copy(self.database.engine, target.database)
            try:
                self._key_file.write(target.key_file)
            except OSError as error:
                raise storage_error(folder, error) from None
        except BaseException:
            target.database.unlink(missing_ok=True)
            remove_folders(made)
            raise
        return folder

    def change_passphrase(self, old_passphrase: str, new_passphrase: str) -> None:
        """Rewrap the key under ``new_passphrase``; the database itself is not re-encrypted."""
        current = KeyFile.read(self.paths.key_file)
        key = current.unwrap(old_passphrase)
        try:
            self._rewrap(current, key, new_passphrase)
        finally:
            wipe(key)

    def _rewrap(self, current: KeyFile, key: Key, new_passphrase: str) -> None:
        updated = current.rewrapped(key, new_passphrase)
        try:
            updated.write(self.paths.key_file)
        except OSError as error:
            raise storage_error(self.paths.key_file, error) from None
        self._key_file = updated

    def remember_in(self, keychain: Keychain) -> None:
        if any(self._key):
            keychain.store(str(self.vault_id), self._key)

    def note_anchor(self, extra_keys: tuple[Key, ...] = ()) -> None:
        """Note the vault's state as this device's last write (writers, at close)."""
        anchors = self.options.anchors
        if anchors is None or not any(self._key):
            return
        try:
            now = fingerprint(self.database)
        except Exception as error:  # a damaged vault: keep the anchor it had
            log.warning("no anchor noted: %s", type(error).__name__)
            return
        anchors.record(self.vault_id, self.paths.folder, (self._key, *extra_keys), now)

    def close(self) -> None:
        if self.options.writer:
            self.note_anchor()
        self.database.dispose()
        wipe(self._key)


def read_key_file(paths: VaultPaths) -> KeyFile:
    """The vault's key file, after checking that its database is there and long enough."""
    if not paths.key_file.exists():
        if paths.database.exists():
            raise KeyFileDamaged(paths.key_file, "it is missing")
        raise VaultNotFound(paths.folder)
    key_file = KeyFile.read(paths.key_file)
    check_size(paths.database)
    return key_file


def create_vault(
    paths: VaultPaths,
    passphrase: str,
    *,
    with_recovery: bool = False,
    keychain: Keychain | None = None,
    kdf: KdfParameters | None = None,
    lock: WriterLock | None = None,
    anchors: AnchorStore | None = None,
) -> CreatedVault:
    """A new, empty vault in ``paths.folder``; refuses to touch an existing one.

    Made under the folder's writer lock (``lock``, kept held for the caller when given,
    else one of its own), first under names of its own, then claimed by an exclusive
    create of the key file: of two processes creating the same vault, one succeeds and
    the other is refused with ``VaultExists``, and nothing of the winner's is removed.
    On any failure (a full disk) every file and folder this call made is removed again.
    ``kdf`` overrides the passphrase KDF's cost (tests use a cheap one; users never do).
    """
    check_passphrase_strength(normalized(passphrase))
    if paths.exists():
        raise VaultExists(paths.folder)
    made = make_folders(paths.folder)
    writer = lock or WriterLock(paths.folder, "a program creating the vault")
    took = not writer.held
    claimed: list[Path] = []
    try:
        writer.acquire()
        if paths.exists():
            raise VaultExists(paths.folder)  # another process won the race; all is its
        created = _create(paths, passphrase, with_recovery, kdf, writer, anchors, claimed)
    except BaseException:
        for path in claimed:  # only files this call gave their final name
            path.unlink(missing_ok=True)
        if took and writer.held and made and not paths.exists():
            remove_lock_files(paths.folder)  # the folder is ours and empty but for the lock
        if took:
            writer.release()
        if made and not paths.exists():
            remove_folders(made)  # only where empty: never another process's files
        raise
    if lock is None:
        writer.release()  # our own; a caller's lock stays held for the caller
    if keychain is not None:
        note = _remember(created.vault, keychain)
        return CreatedVault(created.vault, created.recovery_key, note)
    return created


def _create(
    paths: VaultPaths,
    passphrase: str,
    with_recovery: bool,
    kdf: KdfParameters | None,
    writer: WriterLock,
    anchors: AnchorStore | None,
    claimed: list[Path],
) -> CreatedVault:
    recovery_secret, recovery_recipient = new_recovery_identity() if with_recovery else (None, None)
    key = bytearray(os.urandom(32))
    key_file = KeyFile.wrap(
        key, passphrase, vault_id=uuid.uuid4(), kdf=kdf, recovery_recipient=recovery_recipient
    )
    tag = f".creating-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging_db = paths.folder / f"{DATABASE_NAME}{tag}"
    staging_key = paths.folder / f"{KEY_FILE_NAME}{tag}"
    staged = [staging_db, Path(f"{staging_db}-wal"), Path(f"{staging_db}-shm"), staging_key]
    try:
        try:
            engine = open_engine(staging_db, key, create=True)
            try:
                staging_db.chmod(0o600)  # SQLite gives -wal and -shm the database's mode
                upgrade(engine, staging_db)
            finally:
                engine.dispose()
            key_file.write(staging_key)
        except OSError as error:
            raise storage_error(paths.folder, error) from None
        claim(staging_key, paths.key_file, claimed)
        claim(staging_db, paths.database, claimed)
        options = OpenOptions(lock=writer if writer.held else None, anchors=anchors)
        vault = UnlockedVault(paths, key_file, key, options)
    finally:
        wipe(key)
        for path in staged:
            path.unlink(missing_ok=True)
    return CreatedVault(vault, recovery_secret, None)


def _remember(vault: UnlockedVault, keychain: Keychain) -> str | None:
    if not keychain.available:
        return "No secure system keychain here: the passphrase will be asked at each start."
    try:
        vault.remember_in(keychain)
    except KeychainError as error:
        return str(error)
    return None


def unlock_with_passphrase(
    paths: VaultPaths,
    passphrase: str,
    keychain: Keychain | None = None,
    options: OpenOptions | None = None,
) -> UnlockedVault:
    """Open the vault with its passphrase; caches the key in ``keychain`` when given."""
    key_file, key = resolve_key(
        paths, read_key_file(paths), lambda found: found.unwrap(passphrase), options
    )
    try:
        vault = UnlockedVault(paths, key_file, key, options)
    finally:
        wipe(key)
    if keychain is not None:
        note = _remember(vault, keychain)
        if note and keychain.available:
            log.warning("%s", note)
    return vault


def unlock_with_keychain(
    paths: VaultPaths, keychain: Keychain, options: OpenOptions | None = None
) -> UnlockedVault | None:
    """Open the vault with the key cached in ``keychain``; None when there is none.

    A cached key that no longer opens the database is forgotten (the passphrase still works).
    """
    key_file = read_key_file(paths)
    key = keychain.load(str(key_file.vault_id))
    if key is None:
        return None
    try:
        return UnlockedVault(paths, key_file, key, options)
    except DatabaseUnreadable:
        log.warning("the keychain's key did not open the vault; forgetting it")
        keychain.forget(str(key_file.vault_id))
        return None
    finally:
        wipe(key)


def reset_passphrase_with_recovery(
    paths: VaultPaths, recovery_key: str, new_passphrase: str, options: OpenOptions | None = None
) -> None:
    """Set a new passphrase using the recovery key shown when the vault was created."""
    key_file, key = resolve_key(
        paths,
        read_key_file(paths),
        lambda found: found.unwrap_with_recovery(recovery_key),
        options,
    )
    try:
        vault = UnlockedVault(paths, key_file, key, options)  # proves the key opens the database
        try:
            vault._rewrap(key_file, key, new_passphrase)
        finally:
            vault.close()
    finally:
        wipe(key)
