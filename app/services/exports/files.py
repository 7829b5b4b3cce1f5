"""Writing an export's files so that a failure or an interruption leaves none of them half-written.

Every file is first written whole to a temporary file beside its destination and flushed to
disk; only then are they renamed into place, one after the other. If anything fails before
the last rename, the temporary files are removed and the files already renamed are taken
back, so the destination folder never holds part of an export. (A rename that fails after
another succeeded is rare, a full disk having struck before any rename; an older file that
the first rename had replaced is gone with it.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.services.errors import InvalidInput
from app.vault.atomic import fsync_directory

MODE = 0o600  # an export holds health information: readable by its owner only


def check_destination(path: Path) -> Path:
    """The absolute destination; one sentence when its folder is missing or it is a folder."""
    path = path.expanduser().absolute()
    if path.is_dir():
        raise InvalidInput("destination", f"{path} is a folder; give a file name.")
    if not path.parent.is_dir():
        raise InvalidInput("destination", f"The folder {path.parent} does not exist.")
    return path


def write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every ``(path, data)`` or, on any failure, none of them (then re-raise)."""
    staged: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for path, data in files:
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            temporary.replace(path)
            placed.append(path)
    except BaseException:
        for temporary, _path in staged:
            temporary.unlink(missing_ok=True)
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    for folder in {path.parent for _temporary, path in staged}:
        fsync_directory(folder)


def _stage(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(MODE)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def remove(paths: Sequence[Path]) -> None:
    """Take back files this export wrote (when recording the disclosure failed after them)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
