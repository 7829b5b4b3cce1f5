"""What a writer that did not finish leaves beside the database: keep its -wal, then judge it.

A writer killed mid-session leaves its ``-wal`` (and ``-shm``) behind, and the next open
replays the log and, when it closes, checkpoints and deletes it. Before anything may do
that, a copy is kept beside the vault; then the log is inspected, and a log that would
lose committed changes (damaged, cut short, from another copy) is reported with the copy's
path instead of being opened, unless the user has chosen to go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from pathlib import Path

from app.database import wal
from app.database.storage import storage_error
from app.vault.atomic import fsync_directory
from app.vault.errors import JournalDamaged
from app.vault.lock import Holder, WriterLock

log = logging.getLogger(__name__)

KEPT_MARK = ".kept-"


def journal_of(database: Path) -> Path:
    return Path(f"{database}-wal")


def previous_writer_died(folder: Path, lock: WriterLock | None) -> bool:
    """True when the last writer of the vault in ``folder`` left without finishing.

    ``lock``, when this process holds it, already knows (its ``stale`` note); otherwise
    the lock is probed: held by a live writer means its log is live, not left behind.
    """
    if lock is not None and lock.held:
        return lock.stale is not None
    probed: Holder | bool | None = WriterLock(folder, "a reader").probe()
    return isinstance(probed, Holder)


def secure(database: Path, lock: WriterLock | None, accept_loss: bool) -> Path | None:
    """Keep a copy of a leftover ``-wal`` and refuse one that would lose saved changes.

    Returns the copy's path (None when nothing was left behind). Raises ``JournalDamaged``
    for a damaged log unless ``accept_loss``; ``CannotWrite`` when no copy can be kept
    (then nothing may open the database, or the log would go).
    """
    journal = journal_of(database)
    try:
        if journal.stat().st_size == 0:
            return None
    except FileNotFoundError:
        return None
    if not previous_writer_died(database.parent, lock):
        return None
    kept = keep_copy(journal)
    findings = wal.inspect(database)
    if findings is not None and findings.problem is not None:
        log.info("the leftover journal %s: %s (copy %s)", journal, findings.problem, kept)
        if not accept_loss:
            raise JournalDamaged(journal, findings.problem, kept)
    else:
        log.info("a writer did not finish; its journal was kept at %s", kept)
    return kept


def keep_copy(journal: Path) -> Path:
    """A durable copy of ``journal`` beside it, named by time and content (kept once)."""
    data = journal.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    for existing in journal.parent.glob(f"{journal.name}{KEPT_MARK}*-{digest}"):
        return existing
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    copy = journal.with_name(f"{journal.name}{KEPT_MARK}{stamp}-{digest}")
    partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
    created = False
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        created = True
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(copy)
    except OSError as error:
        if created:
            partial.unlink(missing_ok=True)
        raise storage_error(journal.parent, error) from None
    fsync_directory(journal.parent)
    return copy
