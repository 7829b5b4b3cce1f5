"""The roster page: enroll and see the row, sort, filter, leave with a confirmation, move, undo."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.progress import RosterRow
from app.tasks import TaskRunner
from models import AttendanceStatus, EnrollmentStatus, Track
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import profile_window, roster_page
from views.profile.profile_windows import ProfileWindows
from views.roles import ROW_ROLE, SORT_ROLE
from views.roster.roster_page import RosterPage
from views.roster.roster_person_dialog import AddPersonDialog, EditPersonDialog
from views.roster.roster_stay_dialogs import EndStayDialog, MoveDialog
from views.roster.roster_table_model import (
    NO_FLAGS,
    Column,
    RosterEntry,
    RosterFilterProxy,
    RosterTableModel,
)

MakePage = Callable[..., RosterPage]
WAIT = 10_000


@pytest.fixture
def cohort(services: Services) -> CohortRow:
    return services.cohorts.create(
        CohortDraft(name="Tuesday Evening", track=Track.SUBSTANCE_USE, capacity=3)
    )


@pytest.fixture
def make_page(qtbot: QtBot, services: Services, tasks: TaskRunner, cohort: CohortRow) -> MakePage:
    def make(**options: object) -> RosterPage:
        page = roster_page(services, tasks, **options)
        qtbot.addWidget(page)
        page.resize(1100, 600)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow, timeout=WAIT)
        with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
            page.set_cohort(services.cohorts.get(cohort.id))
        return page

    return make


def enroll(services: Services, cohort: CohortRow, name: str, **draft: object) -> uuid.UUID:
    person = services.participants.create(ParticipantDraft(name, **draft))  # type: ignore[arg-type]
    services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 2))
    return person.id


def names(page: RosterPage) -> list[str]:
    proxy = page.proxy
    return [proxy.index(row, Column.NAME).data() for row in range(proxy.rowCount())]


def cell(page: RosterPage, name: str, column: Column) -> str:
    row = names(page).index(name)
    value = page.proxy.index(row, column).data()
    assert isinstance(value, str)
    return value


def select(page: RosterPage, name: str) -> None:
    page.table.setCurrentIndex(page.proxy.index(names(page).index(name), 0))


def click(widget: object) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[call-overload]


def test_enroll_a_new_person_and_see_their_row(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow, qtmodeltester: object
) -> None:
    page = make_page()
    assert page.members_empty.heading.text() == "No one is enrolled in Tuesday Evening yet"
    assert page.inner.currentWidget() is page.members_empty
    click(page.members_empty.button)  # "Add a person…"
    dialog = page.changes.dialog
    assert isinstance(dialog, AddPersonDialog)
    qtbot.waitExposed(dialog)
    assert unnamed_controls(dialog) == []
    assert "0 of 3 seats" in dialog.intro.text()
    QTest.keyClicks(dialog.person.name, "Ana R.")
    dialog.person.pronouns.setCurrentText("she/her")
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(dialog.accept_button)
    assert names(page) == ["Ana R."]
    assert cell(page, "Ana R.", Column.PRONOUNS) == "she/her"
    assert cell(page, "Ana R.", Column.STATUS) == "Active"
    assert cell(page, "Ana R.", Column.HOURS) == "0 of 9 h"
    assert cell(page, "Ana R.", Column.ATTENDANCE) == "—"
    assert "Ana R. is enrolled." in page.controls.notice.text()
    assert page.selected_entry() is not None  # the new person is selected
    assert "1 of 3 seats taken" in page.controls.summary.text()
    assert unnamed_controls(page) == []
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.proxy)  # type: ignore[attr-defined]


def test_enrolling_past_capacity_warns_and_suggests_the_waitlist(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    for name in ("Ana R.", "Ben T.", "Cy M."):
        enroll(services, cohort, name)
    existing = services.participants.create(ParticipantDraft("Dee K."))
    page = make_page()
    click(page.controls.add_button)
    dialog = page.changes.dialog
    assert isinstance(dialog, AddPersonDialog)
    assert "is full (3 of 3 seats taken)" in dialog.intro.text()
    assert dialog.waitlist.isChecked()  # the safe default when full
    dialog.waitlist.setChecked(False)
    assert dialog.accept_button.text() == "&Enroll"
    dialog.is_existing.setChecked(True)
    QTest.keyClicks(dialog.search, "Dee")
    qtbot.waitUntil(lambda: dialog.matches.count() == 1, timeout=WAIT)
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(dialog.accept_button)
    assert "over its capacity of 3" in page.controls.notice.text()
    assert page.controls.capacity_warning.isVisibleTo(page)
    assert "4 active members for 3 seats" in page.controls.capacity_warning.text()
    assert "Dee K." in names(page)
    assert existing.id in {e.participant_id for e in page.model.entries}


def test_sorting_uses_raw_values_and_filters_narrow_the_rows(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    ana = enroll(services, cohort, "ana R.", pronouns="she/her")
    ben = enroll(services, cohort, "Ben T.", pronouns="he/him")
    cy = enroll(services, cohort, "Cy M.", pronouns="they/them")
    # Over by now (17:00): a session counts for the streak once it has ended.
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 3, 2, 13, tzinfo=dt.UTC))
    services.attendance.mark(session.id, ana, AttendanceStatus.PRESENT)
    services.attendance.mark(session.id, ben, AttendanceStatus.UNEXCUSED)
    services.checkins.record(session.id, ana, CheckInDraft(mood=10))
    services.checkins.record(session.id, cy, CheckInDraft(mood=2))
    page = make_page()
    assert names(page) == ["ana R.", "Ben T.", "Cy M."]  # by name, case-insensitive
    page.table.sortByColumn(Column.MOOD, Qt.SortOrder.DescendingOrder)
    assert names(page) == ["ana R.", "Cy M.", "Ben T."]  # 10 before 2 (not "2" > "10")
    assert cell(page, "ana R.", Column.MOOD) == "10/10"
    assert cell(page, "ana R.", Column.STREAK) == "1"
    page.table.sortByColumn(Column.HOURS, Qt.SortOrder.DescendingOrder)
    assert names(page)[0] == "ana R."
    assert cell(page, "ana R.", Column.HOURS) == "3 of 9 h"

    QTest.keyClicks(page.controls.filter, "THEY")
    assert names(page) == ["Cy M."]
    page.controls.filter.clear()
    services.enrollments.end(
        services.enrollments.for_participant(ben)[0].id, EnrollmentStatus.GRADUATED
    )
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        page.controls.show_choice.setCurrentText("Graduated")  # loads the people who left
    assert names(page) == ["Ben T."]
    assert cell(page, "Ben T.", Column.ATTENDANCE) == "—"  # "now" figures are blank for them
    page.controls.show_choice.setCurrentText("Waitlist")
    assert names(page) == []
    assert page.members_empty.heading.text() == "No one matches"
    click(page.members_empty.button)  # "Clear the filter"
    assert page.controls.show_choice.currentText() == "Current members"
    assert sorted(names(page)) == ["Cy M.", "ana R."]


def test_discharge_asks_for_a_reason_confirms_and_can_be_undone(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    ana = enroll(services, cohort, "Ana R.")
    enroll(services, cohort, "Ben T.")
    page = make_page()
    select(page, "Ana R.")
    click(page.controls.end_button)
    dialog = page.changes.dialog
    assert isinstance(dialog, EndStayDialog)
    qtbot.waitExposed(dialog)
    assert unnamed_controls(dialog) == []
    assert "Nothing is deleted" in dialog.intro.text()
    dialog.outcomes[EnrollmentStatus.DISCHARGED].setChecked(True)
    assert dialog.accept_button.text() == "Discharge Ana R."
    click(dialog.accept_button)
    qtbot.waitUntil(lambda: dialog.messages["reason"].message != "", timeout=WAIT)
    assert "needs a reason" in dialog.messages["reason"].message
    assert QApplication.focusWidget() is dialog.reason
    assert names(page) == ["Ana R.", "Ben T."]  # nothing changed yet
    QTest.keyClicks(dialog.reason, "referred to residential care")
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(dialog.accept_button)
    assert names(page) == ["Ben T."]
    stay = services.enrollments.for_participant(ana)[0]
    assert (stay.status, stay.reason) == (
        EnrollmentStatus.DISCHARGED,
        "referred to residential care",
    )
    assert "Ctrl+Z" in page.controls.notice.text()

    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        page.undo()  # Edit ▸ Undo: the window's Ctrl+Z (test_main_window presses the keys)
    assert names(page) == ["Ana R.", "Ben T."]
    stay = services.enrollments.for_participant(ana)[0]
    assert (stay.status, stay.end_date, stay.reason) == (EnrollmentStatus.ACTIVE, None, "")
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(page.controls.redo_button)
    assert names(page) == ["Ben T."]


def test_move_to_another_cohort_after_confirming(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    other = services.cohorts.create(CohortDraft(name="Thursday Morning"))
    services.cohorts.create(CohortDraft(name="Finished Group"))
    finished = services.cohorts.find("Finished Group")
    from models import CohortStatus

    services.cohorts.set_status(finished.id, CohortStatus.FINISHED)
    ana = enroll(services, cohort, "Ana R.")
    page = make_page()
    select(page, "Ana R.")
    click(page.controls.move_button)
    dialog = page.changes.dialog
    assert isinstance(dialog, MoveDialog)
    qtbot.waitUntil(lambda: dialog.target.count() > 0, timeout=WAIT)
    targets = [dialog.target.itemText(i) for i in range(dialog.target.count())]
    assert targets == ["Thursday Morning (0 of 12 seats)"]  # not this one, not a finished one
    assert dialog.accept_button.text() == "Move Ana R."
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(dialog.accept_button)
    assert names(page) == []
    assert "moved to another cohort (a transfer)" in page.controls.notice.text()
    assert [r.display_name for r in services.progress.roster(other.id).rows] == ["Ana R."]
    old = services.enrollments.for_participant(ana)[0]
    assert old.status is EnrollmentStatus.TRANSFERRED
    assert old.reason == "Transferred to Thursday Morning."
    page.table.setFocus()
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        page.undo()  # the transfer is taken back: here again, gone from there
    assert names(page) == ["Ana R."]
    assert services.progress.roster(other.id).rows == ()


def test_edit_undo_and_redo(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    ana = enroll(services, cohort, "Ana R.", pronouns="she/her")
    page = make_page()
    select(page, "Ana R.")
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.changes.dialog, EditPersonDialog), timeout=WAIT)
    dialog = page.changes.dialog
    assert isinstance(dialog, EditPersonDialog)
    assert dialog.person.name.text() == "Ana R."
    dialog.person.name.setText("Ana Rose")
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(dialog.accept_button)
    assert names(page) == ["Ana Rose"]
    assert (
        page.controls.undo_button.isEnabled()
        and "edit Ana R." in page.controls.undo_button.toolTip()
    )
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(page.controls.undo_button)
    assert names(page) == ["Ana R."]
    assert services.participants.get(ana).display_name == "Ana R."
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(page.controls.redo_button)
    assert names(page) == ["Ana Rose"]


def test_a_read_from_before_an_undo_is_not_shown_after_it(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow, tasks: TaskRunner
) -> None:
    # A change-bus reload read just before a quick undo or redo must not show the roster as
    # it was before that write; the write's end reloads it.
    ana = enroll(services, cohort, "Ana R.")
    page = make_page()
    page.reload()
    assert tasks.wait()  # read; its result waits in the event queue, not yet shown
    renamed = ParticipantDraft("Ana Rose")
    page.changes.run_change(lambda: services.participants.update(ana, renamed), "rename Ana R.")
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        pass  # the early read arrives first, then the rename's own reload
    assert names(page) == ["Ana Rose"]


def test_waitlist_and_activate_are_undoable(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    ana = enroll(services, cohort, "Ana R.")
    page = make_page()
    select(page, "Ana R.")
    assert page.controls.waitlist_button.text() == "Put on &waitlist"
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(page.controls.waitlist_button)
    assert cell(page, "Ana R.", Column.STATUS) == "Waitlist"
    assert page.controls.waitlist_button.text() == "Ac&tivate"
    with qtbot.waitSignal(page.roster_loaded, timeout=WAIT):
        click(page.controls.undo_button)
    assert cell(page, "Ana R.", Column.STATUS) == "Active"
    stay = services.enrollments.for_participant(ana)[0]
    assert stay.start_date == dt.date(2026, 2, 2)  # the old start date came back


def test_enter_opens_the_profile(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow, tasks: TaskRunner
) -> None:
    ana = enroll(services, cohort, "Ana R.")
    page = make_page()
    windows = ProfileWindows(lambda person: profile_window(services, tasks, person), page)
    page.participant_opened.connect(windows.open)  # as the composition root connects them
    select(page, "Ana R.")
    page.table.setFocus()
    with qtbot.waitSignal(page.participant_opened, timeout=WAIT) as opened:
        QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [ana]
    window = windows.windows[ana]
    qtbot.waitUntil(lambda: window.profile is not None, timeout=WAIT)
    assert window.windowTitle().startswith("Ana R. — ")
    assert windows.open(ana) is window  # a second open raises the same window
    assert windows.open_ids == (ana,)
    windows.destroy_all()
    assert windows.windows == {} and not shiboken6.isValid(window)


def test_flags_come_from_the_engine_with_their_reasons(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    ana = enroll(services, cohort, "Ana R.")
    ben = enroll(services, cohort, "Ben T.")
    for day in (25, 27):
        start = dt.datetime(2026, 2, day, 18, tzinfo=dt.UTC)
        session = services.sessions.schedule(cohort.id, start)
        services.attendance.mark(session.id, ana, AttendanceStatus.UNEXCUSED)
        services.attendance.mark(session.id, ben, AttendanceStatus.PRESENT)
    page = make_page()
    assert cell(page, "Ana R.", Column.FLAGS) == "Absent in a row"
    assert cell(page, "Ben T.", Column.FLAGS) == ""
    row = names(page).index("Ana R.")
    tip = page.proxy.index(row, Column.FLAGS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("• ") and "2" in tip  # the engine's reason, in words
    page.table.sortByColumn(Column.FLAGS, Qt.SortOrder.DescendingOrder)
    assert names(page)[0] == "Ana R."

    # Flags come with the roster's one read; an entry whose flags are unknown is not "none".
    entry = page.model.entries[page.model.row_of(ana)]
    page.model.set_entries([RosterEntry(entry.row, None)])
    assert page.model.index(0, Column.FLAGS).data() == "?"
    assert page.model.index(0, Column.FLAGS).data(Qt.ItemDataRole.ToolTipRole) == NO_FLAGS


def test_the_models_pass_qt_model_tester(qtmodeltester: object) -> None:
    rows = [
        RosterRow(uuid.uuid4(), uuid.uuid4(), f"P{n}", "", status, dt.date(2026, 1, n + 1),
                  None, None if n == 0 else n / 10, n, 60 * n, 540, None if n == 1 else n, n)
        for n, status in enumerate(EnrollmentStatus)
    ]  # fmt: skip
    model = RosterTableModel()
    model.set_entries([RosterEntry(row, () if n else None) for n, row in enumerate(rows)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    proxy = RosterFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_statuses(frozenset(EnrollmentStatus))
    proxy.sort(Column.ATTENDANCE)
    qtmodeltester.check(proxy)  # type: ignore[attr-defined]
    assert proxy.rowCount() == len(rows)
    assert proxy.index(0, 0).data(ROW_ROLE).row.attendance_rate is None  # None sorts first
    assert model.index(0, Column.MOOD).data(SORT_ROLE) == 0.0
    assert model.data(QModelIndex()) is None


def test_the_keyboard_alone_finds_someone_and_tab_follows_the_eye(
    qtbot: QtBot, make_page: MakePage, services: Services, cohort: CohortRow
) -> None:
    enroll(services, cohort, "Ana R.")
    ben = enroll(services, cohort, "Ben T.")
    page = make_page()
    controls = page.controls
    QTest.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # "Fi&lter:"
    assert QApplication.focusWidget() is controls.filter
    QTest.keyClicks(controls.filter, "ben")
    assert names(page) == ["Ben T."]
    with qtbot.waitSignal(page.participant_opened, timeout=WAIT) as opened:
        QTest.keyClick(controls.filter, Qt.Key.Key_Return)  # the first match's profile
    assert opened.args == [ben]
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=WAIT)
    controls.filter.setFocus()
    QTest.keyClick(controls.filter, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    # Tab order: the actions by the heading, then the filter row, then the table.
    controls.add_button.setFocus()
    seen: list[QWidget] = []
    for _ in range(10):
        focused = QApplication.focusWidget()
        assert focused is not None
        seen.append(focused)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    expected: list[QWidget] = [controls.add_button, controls.edit_button, controls.move_button]
    expected += [controls.waitlist_button, controls.end_button, controls.filter]
    expected += [controls.show_choice, controls.open_button, page.table]
    assert seen[: len(expected)] == expected  # Undo and Redo are disabled: skipped
