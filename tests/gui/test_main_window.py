"""The main window: four pages, Ctrl+1..4, the cohort switcher, empty states, restored layout."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import LAST_COHORT, LAST_PAGE, Settings
from app.tasks import TaskRunner
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import all_pages
from views.attendance.attendance_page import AttendancePage
from views.checkins.checkins_page import CheckInsPage
from views.cohorts.new_cohort_dialog import NewCohortDialog
from views.goals.goals_page import GoalsPage
from views.roster.roster_page import RosterPage
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.desk_page import DeskPage
from views.shell.main_window import MainWindow

PAGE_TITLES = ["Roster", "Check-ins", "Goals", "Attendance"]

MakeWindow = Callable[[], MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner
) -> MakeWindow:
    """A window with its desk installed, as the composition root builds it after unlocking."""

    def make() -> MainWindow:
        window = MainWindow(settings, tasks)
        qtbot.addWidget(window)
        switcher = CohortSwitcher(services.cohorts, tasks, settings)
        window.install_desk(switcher, all_pages(services, tasks))
        switcher.reload()
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: switcher.loaded and window.isActiveWindow(), timeout=5000)
        return window

    return make


def switcher_of(window: MainWindow) -> CohortSwitcher:
    assert window.switcher is not None
    return window.switcher


def page(window: MainWindow, key: str) -> DeskPage:
    return next(p for p in window.pages if p.key == key)


def test_the_window_shows_its_four_pages_and_ctrl_digits_switch_them(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    assert window.windowTitle() == "Circlekeeper"
    names = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert names == PAGE_TITLES
    assert [p.title for p in window.pages] == PAGE_TITLES
    for digit, title in zip(
        (Qt.Key.Key_4, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_1),
        ["Attendance", "Check-ins", "Goals", "Roster"],
        strict=True,
    ):
        QTest.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
        current = window.current_page
        assert current is not None and current.title == title
        assert window.navigation.currentItem().text() == title
    assert unnamed_controls(window) == []


def test_with_no_cohort_every_page_teaches_the_first_step(make_window: MakeWindow) -> None:
    window = make_window()
    switcher = switcher_of(window)
    assert switcher.count() == 0 and not switcher.isEnabled()
    for desk_page in window.pages:
        state = desk_page.empty_state
        assert state.heading.text() == "Create your first cohort"
        assert state.button.isVisibleTo(desk_page)
        assert state.body.text()  # says why the page needs a cohort


def test_the_empty_state_button_opens_the_dialog_and_the_new_cohort_fills_the_switcher(
    qtbot: QtBot, make_window: MakeWindow, settings: Settings
) -> None:
    window = make_window()
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Goals
    goals = page(window, "goals")
    QTest.mouseClick(goals.empty_state.button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(NewCohortDialog)
    assert isinstance(dialog, NewCohortDialog)
    qtbot.waitExposed(dialog)
    assert dialog.isModal()
    assert unnamed_controls(dialog) == []
    assert dialog.timezone.currentText()  # the system's zone, filled in

    QTest.keyClicks(dialog.name, "Tuesday Evening")
    dialog.track.setCurrentIndex(dialog.track.findText("Substance use"))
    switcher = switcher_of(window)
    with qtbot.waitSignal(
        switcher.cohort_selected, check_params_cb=lambda row: row is not None, timeout=10_000
    ):
        QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert switcher.count() == 1 and switcher.isEnabled()
    assert switcher.currentText() == "Tuesday Evening"
    row = switcher.current_cohort
    assert row is not None and row.track.value == "substance_use"
    assert settings.get(LAST_COHORT) == str(row.id)
    roster = page(window, "roster")
    assert isinstance(roster, RosterPage)
    empty = roster.members_empty
    qtbot.waitUntil(
        lambda: empty.heading.text() == "No one is enrolled in Tuesday Evening yet", timeout=5000
    )
    assert empty.button.text() == "Add a person…"  # the roster's next step: enroll someone
    assert isinstance(goals, GoalsPage)  # its own state: the board needs sessions first
    qtbot.waitUntil(
        lambda: goals.board_state.heading.text().startswith("No sessions"), timeout=5000
    )


def test_ctrl_n_opens_the_new_cohort_dialog_once(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(NewCohortDialog) is not None, timeout=2000)
    switcher_of(window).open_new_cohort_dialog()  # a second request raises the same one
    assert len(window.findChildren(NewCohortDialog)) == 1


def test_a_refused_value_is_shown_beside_its_field(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    services.cohorts.create(CohortDraft(name="Monday Morning"))
    window = make_window()
    dialog = switcher_of(window).open_new_cohort_dialog()
    qtbot.waitExposed(dialog)
    QTest.keyClicks(dialog.name, "Monday Morning")
    QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.messages["name"].message != "", timeout=5000)
    assert "already a cohort named" in dialog.messages["name"].message
    assert dialog.name.accessibleDescription() == dialog.messages["name"].message
    assert QApplication.focusWidget() is dialog.name
    assert dialog.isVisible()
    # The dialog grew to make room: the field above the message is not squeezed.
    qtbot.waitUntil(lambda: dialog.name.height() >= dialog.name.sizeHint().height(), timeout=2000)

    dialog.name.setText("Monday Evening")
    for box in dialog.day_boxes:
        box.setChecked(False)
    QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.messages["meeting_days"].message != "", timeout=5000)
    assert dialog.messages["name"].message == ""
    assert "meeting day" in dialog.messages["meeting_days"].message
    assert [c.name for c in services.cohorts.list()] == ["Monday Morning"]


def test_the_last_page_cohort_and_geometry_come_back_at_the_next_start(
    qtbot: QtBot, make_window: MakeWindow, services: Services, settings: Settings
) -> None:
    services.cohorts.create(CohortDraft(name="Alpha"))
    beta = services.cohorts.create(CohortDraft(name="Beta"))
    window = make_window()
    switcher = switcher_of(window)
    assert switcher.currentText() == "Alpha"  # first start: the first cohort
    switcher.setCurrentIndex(1)
    window.show_page("attendance")
    window.resize(700, 520)  # within the offscreen screen (800×600), which clamps
    size = window.size()
    window.close()
    assert settings.get(LAST_PAGE) == "attendance"

    again = make_window()
    assert again.current_page is not None and again.current_page.key == "attendance"
    assert again.size() == size
    current = switcher_of(again).current_cohort
    assert current is not None and current.id == beta.id


def test_the_status_bar_shows_the_vault_and_background_work(
    qtbot: QtBot, make_window: MakeWindow, tasks: TaskRunner
) -> None:
    window = make_window()
    window.show_vault_unlocked(__import__("pathlib").Path("/somewhere"))
    assert window.vault_label.text() == "Vault unlocked"
    release = threading.Event()
    tasks.submit(lambda: release.wait(10))
    qtbot.waitUntil(lambda: window.busy_bar.isVisible(), timeout=5000)
    assert window.busy_label.text() == "Working…"
    release.set()
    qtbot.waitUntil(lambda: not window.busy_bar.isVisible(), timeout=5000)


def test_about_opens_without_a_nested_event_loop(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    box = window.show_about()  # open(): returns at once; a nested exec() would block here
    qtbot.waitExposed(box)
    assert "Circlekeeper" in box.text()
    box.close()


def test_the_first_cohort_can_be_created_from_the_keyboard_alone(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.navigation.hasFocus(), timeout=2000)
    QTest.keyClick(window.navigation, Qt.Key.Key_Down)  # arrows move between pages
    assert window.current_page is not None and window.current_page.key == "checkins"
    QTest.keyClick(window.navigation, Qt.Key.Key_Tab)  # then into the page
    button = page(window, "checkins").empty_state.button
    assert QApplication.focusWidget() is button
    QTest.keyClick(button, Qt.Key.Key_Space)
    dialog = window.findChild(NewCohortDialog)
    assert isinstance(dialog, NewCohortDialog)
    qtbot.waitUntil(lambda: dialog.name.hasFocus(), timeout=2000)
    QTest.keyClicks(dialog.name, "Thursday Afternoon")
    switcher = switcher_of(window)
    with qtbot.waitSignal(switcher.cohort_selected, timeout=10_000):
        QTest.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter: the default button
    assert switcher.currentText() == "Thursday Afternoon"


def test_with_sessions_the_pages_say_how_many_and_what_comes_next(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    cohort = services.cohorts.create(CohortDraft(name="Wednesday Group", meeting_days=(3,)))
    services.sessions.schedule_weeks(cohort.id, cohort.start_date, 2)
    window = make_window()
    checkins = page(window, "checkins")
    assert isinstance(checkins, CheckInsPage)  # the check-in log, with its own empty state
    heading = checkins.log_empty.heading
    qtbot.waitUntil(lambda: heading.text() == "No check-ins in Wednesday Group yet", timeout=5000)
    attendance = page(window, "attendance")
    assert isinstance(attendance, AttendancePage)  # its grid replaces the count (issue 3)
    assert not attendance.isVisible()  # loaded though hidden: no page waits to be shown
    qtbot.waitUntil(lambda: attendance.model.columnCount() == 1, timeout=5000)  # this week


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_a_mark_from_the_keyboard(
    qtbot: QtBot, services: Services, make_window: MakeWindow
) -> None:
    """The window owns the keys and the page does the undoing: one action per key, so Qt
    never finds the shortcut ambiguous (which would do nothing and print a warning)."""
    cohort = services.cohorts.create(CohortDraft(name="Keys"))
    person = services.participants.create(ParticipantDraft(display_name="Kai"))
    services.enrollments.enroll(person.id, cohort.id, start_date=cohort.start_date)
    services.sessions.schedule_weeks(cohort.id, cohort.start_date, 1)
    window = make_window()
    window.show_page("attendance")
    attendance = page(window, "attendance")
    assert isinstance(attendance, AttendancePage)
    qtbot.waitUntil(lambda: attendance.model.rowCount() == 1, timeout=5000)
    grid = attendance.grid
    grid.setFocus()
    grid.setCurrentIndex(attendance.model.index(0, 0))
    QTest.keyClick(grid, Qt.Key.Key_P)
    cell = attendance.model.index(0, 0)
    assert str(cell.data()).startswith("P")
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=5000)
    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell.data() == ""
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(grid, Qt.Key.Key_Z, redo)
    assert str(cell.data()).startswith("P")
    qtbot.waitUntil(lambda: not attendance.marker.writer.busy, timeout=5000)


def test_ctrl_z_on_the_roster_undoes_its_change_once(
    qtbot: QtBot, services: Services, make_window: MakeWindow
) -> None:
    cohort = services.cohorts.create(CohortDraft(name="Keys"))
    person = services.participants.create(ParticipantDraft(display_name="Kai"))
    services.enrollments.enroll(person.id, cohort.id, start_date=cohort.start_date)
    window = make_window()
    window.show_page("roster")
    roster = page(window, "roster")
    assert isinstance(roster, RosterPage)
    qtbot.waitUntil(lambda: roster.model.rowCount() == 1, timeout=5000)
    roster.table.setFocus()
    roster.table.selectRow(0)
    with qtbot.waitSignal(roster.roster_loaded, timeout=5000):
        roster.controls.waitlist_button.click()
    assert services.enrollments.for_cohort(cohort.id)[0].status.value == "waitlist"
    roster.table.setFocus()
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=5000)
    with qtbot.waitSignal(roster.roster_loaded, timeout=5000):
        QTest.keyClick(roster.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert services.enrollments.for_cohort(cohort.id)[0].status.value == "active"
