"""Typed settings declared once (key, type, default, bounds) over QSettings, with a version."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when a key changes meaning or form, and add the step to ``Settings._migrate``.
SETTINGS_VERSION: Final = 1
VERSION_KEY: Final = "meta/version"


class Theme(enum.StrEnum):
    SYSTEM = "system"  # follow the desktop's light or dark scheme; light when it says nothing
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One setting: where it is stored, its Python type, its default and, for ints, bounds.

    Only plain values are stored (text, numbers, booleans, bytes): never pickled Qt objects,
    so that a settings file written by one Qt version reads in another.
    """

    key: str
    type: type[T]
    default: T
    minimum: int | None = None
    maximum: int | None = None

    def convert(self, raw: object) -> T:
        """``raw`` as read from QSettings (often text) turned into ``T``; ValueError if it can't."""
        wanted: type[Any] = self.type
        value: Any
        if wanted is bool:
            value = _to_bool(raw)
        elif wanted is int:
            value = int(str(raw)) if not isinstance(raw, int) or isinstance(raw, bool) else raw
            if self.minimum is not None:
                value = max(self.minimum, value)
            if self.maximum is not None:
                value = min(self.maximum, value)
        elif wanted is bytes:
            if isinstance(raw, QByteArray):
                value = raw.data()
            elif isinstance(raw, bytes | bytearray):
                value = bytes(raw)
            else:
                raise ValueError("not bytes")
        elif wanted is str:
            if not isinstance(raw, str):
                raise ValueError("not text")
            value = raw
        elif issubclass(wanted, enum.Enum):
            value = wanted(str(raw))
        else:  # pragma: no cover - a declaration error, caught by the settings tests
            raise TypeError(f"unsupported setting type {wanted!r}")
        return cast(T, value)

    def stored(self, value: T) -> object:
        """The plain value written to QSettings."""
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, bytes):
            return QByteArray(value)
        return value


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ValueError("not a boolean")


# Every setting of the app, declared once; code refers to these objects, never to key strings.
WINDOW_GEOMETRY: Final = Setting("window/geometry", bytes, b"")
LAST_PAGE: Final = Setting("window/last_page", str, "roster")
LAST_COHORT: Final = Setting("cohort/last_id", str, "")  # a UUID, or "" for none
THEME: Final = Setting("appearance/theme", Theme, Theme.SYSTEM)
AUTO_LOCK_MINUTES: Final = Setting("security/auto_lock_minutes", int, 5, minimum=1, maximum=30)
# Lock as well when the system reports its screen locking or the computer going to sleep.
LOCK_WITH_SYSTEM: Final = Setting("security/lock_with_system", bool, True)
# After a lock, may the keychain's cached key unlock without the passphrase? Off: anyone at
# an unattended, logged-in computer could otherwise undo the lock with one click.
KEYCHAIN_AFTER_LOCK: Final = Setting("security/keychain_after_lock", bool, False)
LAST_BACKUP_AT: Final = Setting("backup/last_at", str, "")  # ISO 8601 (UTC), "" for never
LAST_BACKUP_FOLDER: Final = Setting("backup/last_folder", str, "")

ALL_SETTINGS: Final[tuple[Setting[Any], ...]] = (
    WINDOW_GEOMETRY,
    LAST_PAGE,
    LAST_COHORT,
    THEME,
    AUTO_LOCK_MINUTES,
    LOCK_WITH_SYSTEM,
    KEYCHAIN_AFTER_LOCK,
    LAST_BACKUP_AT,
    LAST_BACKUP_FOLDER,
)


class Settings:
    """Typed reads and writes over one QSettings store.

    ``get`` never fails: a missing or unreadable value gives the default (and an unreadable
    one is logged); integers are clamped to their bounds. The store is stamped with
    ``SETTINGS_VERSION``; a store from a newer version is read but left as it is.
    """

    def __init__(self, store: QSettings) -> None:
        self._store = store
        self._migrate()

    @classmethod
    def for_user(cls) -> Settings:
        """The user's settings file (an INI file in the platform's configuration folder)."""
        return cls(
            QSettings(
                QSettings.Format.IniFormat,
                QSettings.Scope.UserScope,
                "Circlekeeper",
                "Circlekeeper",
            )
        )

    @property
    def location(self) -> str:
        return self._store.fileName()

    def get(self, setting: Setting[T]) -> T:
        raw = self._store.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return setting.convert(raw)
        except (ValueError, TypeError):
            log.warning("setting %s holds an unreadable value; using its default", setting.key)
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        """Store ``value``; ValueError when it would not read back as itself (out of bounds)."""
        stored = setting.stored(value)
        if setting.convert(stored) != value:
            raise ValueError(f"{value!r} is not a valid value for {setting.key}")
        self._store.setValue(setting.key, stored)

    def reset(self, setting: Setting[Any]) -> None:
        self._store.remove(setting.key)

    def sync(self) -> None:
        self._store.sync()

    def _migrate(self) -> None:
        try:
            found = int(str(self._store.value(VERSION_KEY, 0)))
        except ValueError:
            found = 0
        if found > SETTINGS_VERSION:
            log.info("settings written by a newer version (%s); not rewriting them", found)
            return
        # Version 1 is the first; later versions add their steps here, oldest first.
        if found != SETTINGS_VERSION:
            self._store.setValue(VERSION_KEY, SETTINGS_VERSION)
