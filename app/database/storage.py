"""Telling a full disk and a read-only folder or mount apart from a damaged vault."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from app.database.errors import CannotWrite

DISK_FULL = "the disk is full"
READ_ONLY_DISK = "the disk is mounted read-only"
READ_ONLY_FOLDER = "the folder is read-only (no permission to write there)"

_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_PERMISSION_ERRNOS = frozenset({errno.EACCES, errno.EPERM})

# SQLite's primary result codes (extended codes keep them in the low byte).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (statvfs needs something that exists)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def is_read_only_mount(path: Path) -> bool:
    with contextlib.suppress(OSError, AttributeError):
        return bool(os.statvfs(_existing(path)).f_flag & os.ST_RDONLY)
    return False


def is_full(path: Path) -> bool:
    with contextlib.suppress(OSError, AttributeError):
        return os.statvfs(_existing(path)).f_bavail == 0
    return False


def _folder_of(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def reason_from_state(path: Path) -> str | None:
    """Why writes to ``path`` fail, judged from the file system itself (None: no sign)."""
    folder = _folder_of(path)
    if is_read_only_mount(folder):
        return READ_ONLY_DISK
    if folder.exists() and not os.access(folder, os.W_OK):
        return READ_ONLY_FOLDER
    if is_full(folder):
        return DISK_FULL
    return None


def storage_error(path: Path, error: OSError) -> CannotWrite | OSError:
    """``CannotWrite`` for a full disk, a read-only mount or folder; else ``error`` itself."""
    if error.errno in _FULL_ERRNOS:
        return CannotWrite(path, DISK_FULL)
    if error.errno == errno.EROFS:
        return CannotWrite(path, READ_ONLY_DISK)
    if error.errno in _PERMISSION_ERRNOS:
        return CannotWrite(path, reason_from_state(path) or READ_ONLY_FOLDER)
    return error


def sqlite_storage_error(path: Path, error: BaseException) -> CannotWrite | None:
    """``CannotWrite`` when the driver's ``error`` comes from the disk or folder, else None."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return CannotWrite(path, DISK_FULL)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR):
        reason = reason_from_state(path)
        if reason is not None:
            return CannotWrite(path, reason)
        if primary == SQLITE_READONLY:
            return CannotWrite(path, READ_ONLY_FOLDER)
    return None
