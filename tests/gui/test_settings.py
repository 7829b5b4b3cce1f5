"""Typed settings: defaults, round trips, bounds, unreadable values and the version stamp."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.settings import (
    ALL_SETTINGS,
    AUTO_LOCK_MINUTES,
    LAST_COHORT,
    LAST_PAGE,
    SETTINGS_VERSION,
    THEME,
    VERSION_KEY,
    WINDOW_GEOMETRY,
    Settings,
    Theme,
)


def reopened(tmp_path: Path) -> Settings:
    """A new Settings over the same file, as the next start of the app would see it."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def test_every_setting_reads_its_default_from_an_empty_store(settings: Settings) -> None:
    for setting in ALL_SETTINGS:
        assert settings.get(setting) == setting.default
    assert settings.get(AUTO_LOCK_MINUTES) == 5
    assert settings.get(THEME) is Theme.SYSTEM


def test_keys_are_unique() -> None:
    keys = [setting.key for setting in ALL_SETTINGS]
    assert len(keys) == len(set(keys))


def test_values_survive_a_restart_with_their_types(settings: Settings, tmp_path: Path) -> None:
    settings.set(WINDOW_GEOMETRY, b"\x01\x02\x00geometry")
    settings.set(LAST_PAGE, "goals")
    settings.set(LAST_COHORT, "5f0c1f6e-8a53-4f55-9d8c-2b7a3c0d9e11")
    settings.set(THEME, Theme.DARK)
    settings.set(AUTO_LOCK_MINUTES, 12)
    settings.sync()

    again = reopened(tmp_path)
    assert again.get(WINDOW_GEOMETRY) == b"\x01\x02\x00geometry"
    assert again.get(LAST_PAGE) == "goals"
    assert again.get(THEME) is Theme.DARK
    assert again.get(AUTO_LOCK_MINUTES) == 12
    assert isinstance(again.get(AUTO_LOCK_MINUTES), int)


@pytest.mark.parametrize("minutes", [0, 31, -5])
def test_out_of_bounds_auto_lock_is_refused(settings: Settings, minutes: int) -> None:
    with pytest.raises(ValueError):
        settings.set(AUTO_LOCK_MINUTES, minutes)


def test_hand_edited_values_are_clamped_or_replaced_by_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text(
        "[security]\nauto_lock_minutes=90\n[appearance]\ntheme=purple\n[window]\nlast_page=3\n"
    )
    settings = reopened(tmp_path)
    assert settings.get(AUTO_LOCK_MINUTES) == 30
    assert settings.get(THEME) is Theme.SYSTEM  # unreadable: the default


def test_the_store_is_stamped_with_the_settings_version(tmp_path: Path) -> None:
    reopened(tmp_path).sync()
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert int(str(store.value(VERSION_KEY))) == SETTINGS_VERSION


def test_a_newer_store_is_read_but_not_restamped(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue(VERSION_KEY, SETTINGS_VERSION + 1)
    store.sync()
    reopened(tmp_path).sync()
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert int(str(store.value(VERSION_KEY))) == SETTINGS_VERSION + 1
