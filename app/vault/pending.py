"""Finishing a ``rekey`` that was interrupted: which of two key files opens the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.database.engine import verify_key
from app.database.errors import DatabaseUnreadable
from app.vault import leftover
from app.vault.folders import wipe
from app.vault.keyfile import KeyFile

if TYPE_CHECKING:
    from app.vault.vault import OpenOptions, VaultPaths

log = logging.getLogger(__name__)

Unwrap = Callable[[KeyFile], bytearray]


def resolve_key(
    paths: VaultPaths, key_file: KeyFile, unwrap: Unwrap, options: OpenOptions | None
) -> tuple[KeyFile, bytearray]:
    """The key file and key that open the database, finishing an interrupted ``rekey``.

    A rekey writes the new key file beside the old one (``circlekeeper.key.new``), then
    re-encrypts the database in one transaction, then puts the new key file in place. A
    rekey killed before its transaction committed leaves the old key working; one killed
    after leaves the new one working, and this finds it (a writer then puts it in place).
    """
    key = unwrap(key_file)
    pending = paths.pending_key_file
    if not pending.exists():
        return key_file, key
    if options is not None:  # before any connection may replay a leftover -wal
        leftover.secure(paths.database, options.lock, options.accept_older)
    try:
        verify_key(paths.database, key)
    except DatabaseUnreadable:
        pass
    else:
        if options is not None and options.writer:
            pending.unlink(missing_ok=True)  # a rekey that never switched: the old key holds
        return key_file, key
    try:
        new_file = KeyFile.read(pending)
        new_key = unwrap(new_file)
    finally:
        wipe(key)
    try:
        verify_key(paths.database, new_key)
    except BaseException:
        wipe(new_key)
        raise
    if options is not None and options.writer:
        pending.replace(paths.key_file)
        log.warning("finished a rekey that was interrupted after the database switched keys")
    return new_file, new_key
