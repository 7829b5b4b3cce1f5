"""``rekey``: the database re-encrypted under a new raw key, so old key files open nothing.

``passwd`` only rewraps the key, so a key file kept in any backup (with the passphrase of
its day) still opens the live database. A rekey replaces the key itself. Its steps, each
of which leaves a vault that opens with the old key or with the new one:

1. the new key, wrapped by the same passphrase (and to the same recovery recipient), is
   written as ``circlekeeper.key.new`` beside the key file;
2. the anchor is signed with both keys;
3. the database is re-encrypted in one SQLite transaction (``PRAGMA rekey``);
4. the new key file replaces the old one; the keychain and the anchor follow.

Killed between 1 and 3 the old key still opens the database and the pending file is
dropped at the next writer's open; killed after 3, opening finds that the old key fails
and the pending one works, and puts it in place (``app.vault.pending``).
"""

from __future__ import annotations

import logging
import os

from app.database.engine import rekey_database
from app.database.storage import storage_error
from app.vault.anchor import fingerprint
from app.vault.atomic import fsync_directory
from app.vault.errors import KeychainError
from app.vault.folders import wipe
from app.vault.keychain import Keychain
from app.vault.keyfile import KdfParameters, KeyFile
from app.vault.vault import OpenOptions, VaultPaths, unlock_with_passphrase

log = logging.getLogger(__name__)


def rekey_vault(
    paths: VaultPaths,
    passphrase: str,
    *,
    options: OpenOptions,
    keychain: Keychain | None = None,
    kdf: KdfParameters | None = None,
) -> str | None:
    """Re-encrypt the vault under a new raw key; returns a note about the keychain, if any.

    ``options.lock`` must be held (one writer), and the vault must not be open elsewhere
    in this process. ``kdf`` overrides the passphrase KDF's cost (tests only).
    """
    if not options.writer:
        raise RuntimeError("a rekey needs the vault's writer lock")
    vault = unlock_with_passphrase(paths, passphrase, options=options)
    old_key = bytearray(vault.raw_key())
    current = vault.key_file
    state = fingerprint(vault.database)
    vault.close()
    new_key = bytearray(os.urandom(32))
    switched = False
    try:
        replacement = KeyFile.wrap(
            new_key,
            passphrase,
            vault_id=current.vault_id,
            kdf=kdf,
            recovery_recipient=current.recovery_recipient,
        )
        try:
            replacement.write(paths.pending_key_file)
        except OSError as error:
            raise storage_error(paths.pending_key_file, error) from None
        if options.anchors is not None:
            options.anchors.record(current.vault_id, paths.folder, (old_key, new_key), state)
        rekey_database(paths.database, old_key, new_key)
        switched = True
        paths.pending_key_file.replace(paths.key_file)
        fsync_directory(paths.folder)
        if options.anchors is not None:
            options.anchors.record(current.vault_id, paths.folder, (new_key,), state)
        return _remember(keychain, str(current.vault_id), new_key)
    except BaseException:
        if not switched:
            paths.pending_key_file.unlink(missing_ok=True)  # ours; the old key holds
        raise
    finally:
        wipe(old_key)
        wipe(new_key)


def _remember(keychain: Keychain | None, vault_id: str, key: bytearray) -> str | None:
    if keychain is None or not keychain.available:
        return None
    try:
        keychain.store(vault_id, key)
    except KeychainError as error:
        return str(error)
    return None
