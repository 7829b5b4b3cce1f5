"""The settings dialog applies at once: the theme repaints every widget, the idle limit moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.settings import (
    AUTO_LOCK_MINUTES,
    KEYCHAIN_AFTER_LOCK,
    LOCK_WITH_SYSTEM,
    THEME,
    Settings,
    Theme,
)
from app.tasks import TaskRunner
from tests.gui.conftest import unnamed_controls
from views.shell.desk_controller import DeskController
from views.shell.idle_watch import IdleWatch
from views.shell.main_window import MainWindow
from views.theme import ThemeController


class PaletteSpy(QWidget):
    """A stand-in for a chart: counts the palette changes Qt tells it about."""

    def __init__(self) -> None:
        super().__init__()
        self.changes = 0

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.changes += 1
        super().changeEvent(event)


@pytest.fixture
def application(qapp: QApplication) -> Iterator[QApplication]:
    before = qapp.palette()
    yield qapp
    qapp.setPalette(before)


@pytest.fixture
def desk(
    qtbot: QtBot, application: QApplication, settings: Settings, tasks: TaskRunner
) -> DeskController:
    window = MainWindow(settings, tasks)
    qtbot.addWidget(window)
    controller = DeskController(
        window, tasks, settings, ThemeController(application, settings), lock_sources=list
    )
    controller.idle = IdleWatch(application, settings.get(AUTO_LOCK_MINUTES), parent=window)
    return controller


def test_the_theme_applies_live_and_charts_hear_of_it(
    qtbot: QtBot, desk: DeskController, application: QApplication, settings: Settings
) -> None:
    spy = PaletteSpy()
    qtbot.addWidget(spy)
    dialog = desk.open_settings()
    qtbot.waitExposed(dialog)
    assert unnamed_controls(dialog) == []
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK.value))
    assert settings.get(THEME) is Theme.DARK
    assert application.palette().color(QPalette.ColorRole.Window).lightness() < 80
    qtbot.waitUntil(lambda: spy.changes >= 1, timeout=2000)
    before = spy.changes
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.LIGHT.value))
    assert application.palette().color(QPalette.ColorRole.Window).lightness() > 200
    qtbot.waitUntil(lambda: spy.changes > before, timeout=2000)


def test_the_controller_signals_each_palette_change(
    qtbot: QtBot, application: QApplication, settings: Settings
) -> None:
    controller = ThemeController(application, settings)
    with qtbot.waitSignal(controller.palette_changed, timeout=1000) as changed:
        controller.apply(Theme.DARK)
    assert changed.args == [True]


def test_auto_lock_minutes_stay_within_1_to_30_and_reach_the_idle_watch(
    qtbot: QtBot, desk: DeskController, settings: Settings
) -> None:
    dialog = desk.open_settings()
    qtbot.waitExposed(dialog)
    spin = dialog.auto_lock
    assert (spin.minimum(), spin.maximum(), spin.value()) == (1, 30, 5)
    spin.selectAll()
    QTest.keyClicks(spin, "45")
    assert spin.value() <= 30
    spin.setValue(12)
    assert settings.get(AUTO_LOCK_MINUTES) == 12
    assert desk.idle is not None and desk.idle.minutes == 12


def test_lock_options_are_stored_and_the_dialog_says_what_the_system_reports(
    qtbot: QtBot, desk: DeskController, settings: Settings
) -> None:
    dialog = desk.open_settings()
    qtbot.waitExposed(dialog)
    assert dialog.with_system.isChecked() and not dialog.keychain.isChecked()
    dialog.with_system.setChecked(False)
    dialog.keychain.setChecked(True)
    assert settings.get(LOCK_WITH_SYSTEM) is False
    assert settings.get(KEYCHAIN_AFTER_LOCK) is True
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "reports neither" in texts  # no sources were given
    assert desk.open_settings() is dialog  # a second request raises the same one
