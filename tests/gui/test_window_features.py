"""The menus carry the platform's standard keys; Undo follows the page; Tab follows the eye."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import LAST_PAGE, Settings
from app.tasks import TaskRunner
from models import ReviewOutcome
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import all_pages
from views.goals.goals_page import GoalsPage
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.main_window import MainWindow

StandardKey = QKeySequence.StandardKey


@pytest.fixture
def window(qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner) -> MainWindow:
    cohort = services.cohorts.create(CohortDraft(name="Lantern Group"))
    person = services.participants.create(ParticipantDraft(display_name="Rowan Ellery"))
    services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
    first, second = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)[:2]
    services.goals.set_goal(person.id, first.id, "Cook dinner twice", "health")
    del second
    settings.set(LAST_PAGE, "goals")
    main = MainWindow(settings, tasks)
    qtbot.addWidget(main)
    switcher = CohortSwitcher(services.cohorts, tasks, settings)
    main.install_desk(switcher, all_pages(services, tasks))
    switcher.reload()
    main.show()
    main.activateWindow()
    page = main.current_page
    assert isinstance(page, GoalsPage)
    qtbot.waitUntil(lambda: page.board is not None and main.isActiveWindow(), timeout=10_000)
    return main


def menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            found = action.menu()
            assert isinstance(found, QMenu)
            return found
    raise AssertionError(f"no {title} menu")


def texts(menu_: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu_.actions() if not a.isSeparator()]


def test_menus_carry_the_platforms_standard_shortcuts(window: MainWindow) -> None:
    assert texts(menu(window, "File")) == [
        "New cohort…",
        "Back up…",
        "Settings…",
        "Lock",
        "Quit",
    ]
    assert texts(menu(window, "Edit"))[-1] == "Find…"
    for action, key in (
        (window.new_cohort_action, StandardKey.New),
        (window.find_action, StandardKey.Find),
        (window.undo_action, StandardKey.Undo),
        (window.redo_action, StandardKey.Redo),
        (window.quit_action, StandardKey.Quit),
    ):
        assert action.shortcut() == QKeySequence(key), action.text()
    assert not window.settings_action.shortcut().isEmpty()
    assert window.settings_action.menuRole() == window.settings_action.MenuRole.PreferencesRole


def test_edit_undo_follows_the_page_on_show(qtbot: QtBot, window: MainWindow) -> None:
    page = window.current_page
    assert isinstance(page, GoalsPage)
    assert not window.undo_action.isEnabled()
    page.view.session.setFocus()
    QTest.keyClick(page.view.session, Qt.Key.Key_Down)  # Wednesday: the goal is due
    qtbot.waitUntil(lambda: page.view.outcome.goal is not None, timeout=10_000)
    page.view.outcome.radios[ReviewOutcome.DONE].click()
    QTest.mouseClick(page.view.outcome.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=10_000)
    assert window.undo_action.text() == "&Undo record “done” for Rowan Ellery"
    window.show_page("roster")
    assert not window.undo_action.isEnabled()  # the roster keeps no history (yet)
    window.show_page("goals")
    assert window.undo_action.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.view.due_model.rowCount() == 1, timeout=10_000)
    assert window.redo_action.isEnabled()


def test_every_control_is_named_and_tab_follows_the_eye(qtbot: QtBot, window: MainWindow) -> None:
    assert unnamed_controls(window) == []
    page = window.current_page
    assert isinstance(page, GoalsPage)
    view = page.view
    view.session.setFocus()
    QTest.keyClick(view.session, Qt.Key.Key_Down)  # Wednesday: a goal is due, and selected
    qtbot.waitUntil(lambda: view.outcome.goal is not None, timeout=10_000)
    window.navigation.setFocus()
    expected = [
        view.session,
        view.tabs.tabBar(),
        view.due_view,
        view.outcome.radios[ReviewOutcome.DONE],
        view.outcome.note,  # Record waits for an outcome: it is skipped while disabled
        view.week_view,
        view.new_goal.person,
        view.new_goal.text,
        view.new_goal.domain,
        view.new_goal.set_button,
    ]
    for widget in expected:
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is widget, (QApplication.focusWidget(), widget)
