"""Files and folders a vault operation makes, and removing exactly those when it fails."""

from __future__ import annotations

import errno
from pathlib import Path

from app.database.storage import storage_error
from app.vault.errors import VaultExists
from app.vault.lock import HOLDER_NAME, LOCK_NAME

# Where hard links are refused (FAT, some network shares): EPERM, EXDEV, ENOSYS, EOPNOTSUPP.
_NO_LINKS = frozenset({errno.EPERM, errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP})


def wipe(buffer: bytearray | None) -> None:
    """Overwrite a key buffer in place (the engine reads the same buffer at each connect)."""
    if buffer is not None:
        buffer[:] = bytes(len(buffer))


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` (0700) and missing parents; returns those made, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir(mode=0o700)
            made.append(path)
    except FileExistsError:
        pass  # another process made it meanwhile: not ours to remove
    except OSError as error:
        remove_folders(made)
        raise storage_error(folder, error) from None
    return made


def remove_folders(made: list[Path]) -> None:
    """Remove the folders this process made (innermost first), where they are empty."""
    for path in reversed(made):
        try:
            path.rmdir()
        except OSError:
            return


def remove_lock_files(folder: Path) -> None:
    """The lock's own files, in a folder this process made and is about to remove."""
    for name in (HOLDER_NAME, LOCK_NAME):
        (folder / name).unlink(missing_ok=True)


def claim(staged: Path, final: Path, claimed: list[Path]) -> None:
    """Give ``staged`` the name ``final`` only if no such file exists (an exclusive create)."""
    try:
        final.hardlink_to(staged)
    except FileExistsError:
        raise VaultExists(final.parent) from None
    except OSError as error:
        if error.errno in _NO_LINKS and not final.exists():
            staged.replace(final)  # no hard links here; the writer lock keeps others out
        else:
            raise storage_error(final.parent, error) from None
    claimed.append(final)
