"""The attendance page: keyboard marking with undo and redo, charts that follow, saving charts."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from matplotlib.dates import date2num
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.sessions import SessionRow
from app.tasks import TaskRunner
from models import AttendanceStatus, SessionStatus
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import attendance_page
from views.attendance.attendance_below_minimum_model import BelowColumn
from views.attendance.attendance_page import AttendancePage
from views.roles import ROW_ROLE

PNG_HEADER = b"\x89PNG\r\n\x1a\n"
MONDAY = dt.date(2026, 3, 2)  # the fixture clock's day, 17:00 UTC; sessions start at 18:00
P, L, LEFT, E, U = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
)


@dataclass
class Setup:
    page: AttendancePage
    cohort: CohortRow
    people: dict[str, uuid.UUID]
    sessions: list[SessionRow]  # Feb 23, 25, 27, Mar 2, 4, 6


@pytest.fixture
def setup(qtbot: QtBot, services: Services, tasks: TaskRunner) -> Setup:
    cohort = services.cohorts.create(CohortDraft(name="Evening"))
    people = {}
    for name, start in (("Ana", MONDAY - dt.timedelta(7)), ("Ben", MONDAY), ("Cy", MONDAY)):
        person = services.participants.create(ParticipantDraft(name))
        services.enrollments.enroll(person.id, cohort.id, start_date=start)
        people[name] = person.id
    sessions = services.sessions.schedule_weeks(cohort.id, MONDAY - dt.timedelta(7), 2)
    page = attendance_page(services, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    page.set_cohort(services.cohorts.get(cohort.id))
    qtbot.waitUntil(lambda: page.model.columnCount() == 6 and page.summary is not None)
    return Setup(page, cohort, people, sessions)


def marks(services: Services, session: SessionRow) -> dict[str, tuple[str, int]]:
    names = {
        e.participant_id: e.participant_name
        for e in services.enrollments.for_cohort(session.cohort_id, include_ended=True)
    }
    return {
        names[m.participant_id]: (m.status.value, m.minutes_attended)
        for m in services.attendance.for_session(session.id)
    }


def settle(qtbot: QtBot, page: AttendancePage) -> None:
    """Wait until every write is in the vault and the summary read after it has arrived."""
    qtbot.waitUntil(lambda: not page.marker.writer.busy)
    qtbot.waitUntil(lambda: page._tasks.active_count == 0)


def press(widget: QWidget, *keys: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    for key in keys:
        if modifier is None:
            QTest.keyClick(widget, key)
        else:
            QTest.keyClick(widget, key, modifier)


def type_into_focus(text: str) -> None:
    """Each character to whichever widget has the focus then, as a keyboard would."""
    for character in text:
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClicks(focused, character)


def test_the_grid_opens_on_todays_session(setup: Setup) -> None:
    page = setup.page
    assert page._stack.currentWidget() is page.content
    current = page.grid.currentIndex()
    assert (current.row(), current.column()) == (0, 3)  # Ana, Monday 2 March
    assert page.model.headerData(3, Qt.Orientation.Horizontal) == "Mon 2 Mar"
    assert [page.model.headerData(r, Qt.Orientation.Vertical) for r in range(3)] == [
        "Ana",
        "Ben",
        "Cy",
    ]
    cell = page.model.index(1, 0).data(ROW_ROLE)
    assert not cell.enrolled and page.model.index(1, 0).data() == "–"  # Ben joined today
    assert page.span_label.text() == "23 Feb – 8 Mar"
    assert unnamed_controls(page) == []


def test_marking_from_the_keyboard_with_undo_and_redo(
    qtbot: QtBot, setup: Setup, services: Services
) -> None:
    page, today = setup.page, setup.sessions[3]
    grid = page.grid
    grid.setFocus()
    press(grid, Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_O)  # down the column: Ana, Ben, Cy
    assert [page.model.index(r, 3).data() for r in range(3)] == ["P 180", "L 165", "O 150"]
    settle(qtbot, page)
    assert marks(services, today) == {
        "Ana": ("present", 180),
        "Ben": ("late", 165),
        "Cy": ("left_early", 150),
    }
    assert services.sessions.get(today.id).status is SessionStatus.HELD

    press(grid, Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Up)  # back to Ana (stops at the top)
    type_into_focus("120")  # digits open the minutes editor
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not grid
    press(editor, Qt.Key.Key_Return)  # the delegate commits once the event loop turns
    qtbot.waitUntil(lambda: page.model.index(0, 3).data() == "P 120")
    assert QApplication.focusWidget() is grid
    press(grid, Qt.Key.Key_Right, Qt.Key.Key_E)  # Ana, Wednesday: excused
    press(grid, Qt.Key.Key_Left, Qt.Key.Key_Delete)  # Ben, Monday: no mark after all
    assert page.model.index(0, 3).data() == "P 120"
    assert page.model.index(0, 4).data() == "E"
    assert page.model.index(1, 3).data() == ""
    settle(qtbot, page)
    assert marks(services, today) == {"Ana": ("present", 120), "Cy": ("left_early", 150)}

    page.undo()  # Edit ▸ Undo: the window's Ctrl+Z (test_main_window presses the keys); Ben
    assert page.model.index(1, 3).data() == "L 165"
    assert page.grid.currentIndex().row() == 1  # the undone cell is selected
    page.undo()  # Wednesday unmarked
    settle(qtbot, page)
    assert marks(services, setup.sessions[4]) == {}
    assert services.sessions.get(setup.sessions[4].id).status is SessionStatus.SCHEDULED
    assert "Ana: excused absence on Wed 4 Mar" in page.redo_button.toolTip()
    page.redo()
    settle(qtbot, page)
    assert marks(services, setup.sessions[4]) == {"Ana": ("excused", 0)}

    while page.marker.stack.canUndo():  # everything back to how it was: no marks at all
        page.undo_button.click()
    settle(qtbot, page)
    assert marks(services, today) == {} and marks(services, setup.sessions[4]) == {}
    assert services.sessions.get(today.id).status is SessionStatus.SCHEDULED
    assert all(page.model.index(r, 3).data() == "" for r in range(3))


def test_the_charts_data_follows_the_marks(qtbot: QtBot, setup: Setup) -> None:
    page = setup.page
    assert page.summary is not None and page.summary.weekly == []  # nothing held yet
    assert page.charts.rate.canvas is None  # a message, and matplotlib not needed yet
    assert page.below.model.rowCount() == 3
    page.grid.setFocus()
    with qtbot.waitSignal(page.charts.rate.drawn, timeout=10_000):
        press(page.grid, Qt.Key.Key_P, Qt.Key.Key_U, Qt.Key.Key_P)  # Ana and Cy came
        settle(qtbot, page)
    assert page.summary is not None
    week = page.summary.weekly[-1]
    assert (week.start, week.expected, week.attended) == (MONDAY, 3, 2)
    assert page.charts.rate.weeks[-1].rate == pytest.approx(2 / 3)
    members = {
        w.display_name: w.minutes for w in page.summary.member_weeks if w.week_start == MONDAY
    }
    assert members == {"Ana": 180, "Ben": 0, "Cy": 180}
    # Nine hours: Ana and Cy need both remaining sessions; Ben cannot reach it any more.
    rows = [page.below.model.row(n) for n in range(page.below.model.rowCount())]
    assert [(r.display_name, r.sessions_needed) for r in rows] == [
        ("Ben", 0),
        ("Ana", 2),
        ("Cy", 2),
    ]
    assert (
        page.below.model.index(0, BelowColumn.TAKES).data() == "can't reach: 3 h short · joined Mon"
    )
    assert page.below.model.index(1, BelowColumn.TAKES).data() == "needs both"
    assert "Weekly attendance rate" in page.charts.rate.accessibleDescription()


def test_charts_save_as_png_and_svg(qtbot: QtBot, setup: Setup, tmp_path: Path) -> None:
    page = setup.page
    page.grid.setFocus()
    press(page.grid, Qt.Key.Key_P)
    settle(qtbot, page)
    panels = [page.charts.rate_panel, page.charts.hours_panel, page.charts.heat_panel]
    for number, panel in enumerate(panels):
        page.charts.setCurrentIndex(number)
        qtbot.waitUntil(partial(getattr, panel.chart, "has_content"))
        for suffix in ("png", "svg"):
            dialog = panel.open_save_dialog()
            target = tmp_path / f"{panel.suggested_name}.{suffix}"
            dialog.selectFile(str(target))
            with qtbot.waitSignal(panel.saved):
                dialog.accept()
            data = target.read_bytes()
            assert len(data) > 2000
            if suffix == "png":
                assert data.startswith(PNG_HEADER)
            else:
                assert data.startswith(b"<?xml") and b"<svg" in data


def test_cells_that_cannot_be_marked_say_why(qtbot: QtBot, setup: Setup) -> None:
    page = setup.page
    page.grid.setCurrentIndex(page.model.index(1, 0))  # Ben, 23 Feb: not yet a member
    page.grid.setFocus()
    press(page.grid, Qt.Key.Key_P)
    assert page.notice.text() == "Ben was not enrolled on Mon 23 Feb."
    assert not page.marker.stack.canUndo()


def test_a_refused_write_reloads_the_grid_and_says_so(
    qtbot: QtBot, setup: Setup, services: Services
) -> None:
    page = setup.page
    services.sessions.set_status(setup.sessions[3].id, SessionStatus.CANCELLED)  # elsewhere
    page.grid.setFocus()
    press(page.grid, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: "was not saved" in page.notice.text())
    assert "cancelled" in page.notice.text()
    qtbot.waitUntil(lambda: page.model.index(0, 3).data() == "✕")  # reloaded: cancelled
    assert not page.marker.stack.canUndo()


def test_a_cohort_without_sessions_offers_to_schedule_them(
    qtbot: QtBot, services: Services, tasks: TaskRunner
) -> None:
    cohort = services.cohorts.create(CohortDraft(name="New group", meeting_days=(2, 4)))
    page = attendance_page(services, tasks)
    qtbot.addWidget(page)
    page.show()
    page.set_cohort(services.cohorts.get(cohort.id))
    qtbot.waitUntil(lambda: page._stack.currentWidget() is page.no_sessions)
    assert "Tue, Thu at 18:00" in page.no_sessions.body.text()
    assert page.no_sessions.button.text() == "Schedule the next 4 weeks"
    page.no_sessions.button.click()
    qtbot.waitUntil(lambda: page._stack.currentWidget() is page.content)
    assert len(services.sessions.for_cohort(cohort.id)) == 8
    assert page.notice.text() == "Scheduled 8 sessions from the cohort's weekly pattern."
    qtbot.waitUntil(lambda: page.model.columnCount() == 2)  # Tue 3 and Thu 5 March
    settle(qtbot, page)


def test_the_models_pass_qtmodeltester(
    qtbot: QtBot, setup: Setup, qtmodeltester: ModelTester
) -> None:
    page = setup.page
    page.grid.setFocus()
    press(page.grid, Qt.Key.Key_P, Qt.Key.Key_L)
    settle(qtbot, page)
    qtmodeltester.check(page.model, force_py=True)  # type: ignore[no-untyped-call]
    qtmodeltester.check(page.below.model, force_py=True)  # type: ignore[no-untyped-call]


def test_chart_tooltips_name_the_week_and_the_person(qtbot: QtBot, setup: Setup) -> None:
    page = setup.page
    page.grid.setFocus()
    with qtbot.waitSignal(page.charts.rate.drawn, timeout=10_000):
        press(page.grid, Qt.Key.Key_P, Qt.Key.Key_U, Qt.Key.Key_P)
        settle(qtbot, page)
    rate = page.charts.rate
    axes = rate.figure.axes[0]
    point = rate.canvas_position(axes, float(date2num(MONDAY)), 66.7)  # type: ignore[no-untyped-call]
    assert rate.tooltip_at_position(point) == (
        "Week of Mon 2 Mar 2026: 67% so far (2 of 3 expected, 1 session)"
    )
    hours = page.charts.hours
    with qtbot.waitSignal(hours.drawn, timeout=10_000):
        page.charts.setCurrentWidget(page.charts.hours_panel)
    bars = hours.figure.axes[0]
    # Ana is the first group; this week is the last of its six bars.
    point = hours.canvas_position(bars, 5, 1)
    assert hours.tooltip_at_position(point) == (
        "Ana, week of 2 Mar: 3 h so far, 6 h still scheduled (minimum 9 h)"
    )
    point = hours.canvas_position(bars, 4, 1)
    assert hours.tooltip_at_position(point) == "Ana, week of 23 Feb: 0 min (minimum 9 h; below)"
    point = hours.canvas_position(bars, hours.stride + 4, 1)
    assert hours.tooltip_at_position(point) == "Ben, week of 23 Feb: not yet a member"
