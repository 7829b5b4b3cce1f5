"""What can go wrong when opening a database, each with a sentence a user can act on."""

from __future__ import annotations

from pathlib import Path


class DatabaseError(Exception):
    """Base of the errors this layer raises; ``str()`` is a plain sentence for the user."""


class DatabaseNotFound(DatabaseError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"There is no Circlekeeper database at {path}.")
        self.path = path


class DatabaseUnreadable(DatabaseError):
    """The key does not open the file, or the file is damaged; the file was not changed."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The database {path} cannot be read with this key: it is damaged, or it belongs "
            "to another vault. It was left untouched."
        )
        self.path = path


class DatabaseTooShort(DatabaseError):
    """A file too short to be a database: SQLite would take it for a new, empty one."""

    def __init__(self, path: Path, size: int) -> None:
        what = "empty" if size == 0 else f"only {size} bytes long, shorter than one page"
        super().__init__(
            f"The database {path} is {what}: the vault is damaged. Nothing was created or "
            "changed; restore a backup copy to go on."
        )
        self.path = path


class DatabaseDamaged(DatabaseError):
    """The key is right but pages of the file fail their checks; nothing was written to it."""

    def __init__(self, path: Path, detail: str = "") -> None:
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"The database {path} is damaged{why}; it was left untouched, so restore a backup "
            "copy to go on."
        )
        self.path = path


class CipherSettingsMismatch(DatabaseError):
    def __init__(self, setting: str, found: str, expected: str) -> None:
        super().__init__(
            f"The encryption library reports {setting} = {found}, but Circlekeeper needs "
            f"{expected}; the database was not opened."
        )


class DatabaseTooNew(DatabaseError):
    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"The database {path} was written by a newer version of Circlekeeper "
            f"(schema {revision}); update the app to open it. It was left untouched."
        )
        self.path = path


class CannotWrite(DatabaseError):
    """The disk or the folder refuses writes (full, read-only, no permission); nothing changed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot write to {path}: {reason}; nothing was changed.")
        self.path = path
        self.reason = reason


class DatabaseBusy(DatabaseError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The database {path} stayed busy with another program's change; "
            "nothing was changed, try again in a moment."
        )
        self.path = path
