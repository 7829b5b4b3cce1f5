"""The Check-ins page: record through the form, refusals beside fields, filters, sorts, undo."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.checkin_log.service import CheckInLogQuery, CheckInLogRow
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.sessions import SessionRow
from app.tasks import TaskRunner
from models import ShareScope, Track
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import checkins_page
from views.checkins.checkin_log_filters import index_of
from views.checkins.checkin_log_table_model import LogColumn
from views.checkins.checkins_page import CheckInsPage
from views.roles import ROW_ROLE

WAIT_MS = 10_000


@dataclass
class Program:
    cohort: CohortRow
    quiet: CohortRow  # a mental health cohort: no cravings
    sessions: list[SessionRow]
    people: dict[str, uuid.UUID]


@pytest.fixture
def program(services: Services) -> Program:
    cohort = services.cohorts.create(
        CohortDraft(name="Evening Recovery", track=Track.SUBSTANCE_USE, timezone="America/Chicago")
    )
    quiet = services.cohorts.create(CohortDraft(name="Morning Calm", track=Track.MENTAL_HEALTH))
    people: dict[str, uuid.UUID] = {}
    for name in ("Ana R.", "Ben T.", "Cleo M."):
        person = services.participants.create(ParticipantDraft(display_name=name))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 1))
        people[name] = person.id
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 2, 2), 1)
    services.checkins.record(sessions[0].id, people["Ana R."], CheckInDraft(mood=6, craving=2))
    services.checkins.record(
        sessions[1].id, people["Ben T."],
        CheckInDraft(mood=2, emotion_words="restless", challenges="Urges after work",
                     share_scope=ShareScope.CLINICIAN),
    )  # fmt: skip
    return Program(
        services.cohorts.get(cohort.id), services.cohorts.get(quiet.id), sessions, people
    )


@pytest.fixture
def page(qtbot: QtBot, services: Services, tasks: TaskRunner, program: Program) -> CheckInsPage:
    shown = checkins_page(services, tasks)
    qtbot.addWidget(shown)
    shown.resize(1200, 760)
    shown.show()
    shown.set_cohort(program.cohort)
    settle(qtbot, tasks, shown)
    return shown


def settle(qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage) -> None:
    """Wait until every request is answered (there are no sleeps in these tests)."""
    qtbot.waitUntil(
        lambda: tasks.active_count == 0 and page.model.count is not None, timeout=WAIT_MS
    )


def log_rows(page: CheckInsPage) -> list[CheckInLogRow]:
    return [page.model.index(r, 0).data(ROW_ROLE) for r in range(page.model.rowCount())]


def choose(qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, session: int, person: str) -> None:
    form = page.form
    form.session.setCurrentIndex(index_of(form.session, page_session(page, session).id))
    settle(qtbot, tasks, page)
    form.participant.setCurrentIndex(
        form.participant.findText(person, Qt.MatchFlag.MatchStartsWith)
    )
    settle(qtbot, tasks, page)


def page_session(page: CheckInsPage, number: int) -> SessionRow:
    return sorted(page.form._sessions, key=lambda s: s.scheduled_start)[number]


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def test_a_check_in_recorded_in_the_form_appears_in_the_log(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, services: Services
) -> None:
    assert page.model.count == 2
    choose(qtbot, tasks, page, 2, "Cleo M.")
    form = page.form
    assert form.heading.text() == "Record a check-in"
    type_into(form.mood, "7")
    type_into(form.emotion_words, "hopeful, tired")
    type_into(form.accomplishments, "Went to a meeting")
    type_into(form.craving, "3")
    form.share_scope.setCurrentIndex(1)
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(r.participant_name == "Cleo M." for r in log_rows(page)), timeout=WAIT_MS
    )
    settle(qtbot, tasks, page)
    row = next(r for r in log_rows(page) if r.participant_name == "Cleo M.")
    assert (row.mood, row.craving, row.emotion_words) == (7, 3, "hopeful, tired")
    assert row.share_scope is ShareScope.CLINICIAN
    assert page.model.count == 3 and "3 check-ins in Evening Recovery" in page.status.text()
    assert page.table.currentIndex().row() == page.model.position(row.id)  # shown, selected
    assert form.heading.text() == "Edit Cleo M.’s check-in"
    assert form.participant.currentText() == "Cleo M. ✓"
    stored = services.checkins.for_session(page_session(page, 2).id)
    assert [(c.participant_name, c.mood) for c in stored] == [("Cleo M.", 7)]


def test_an_invalid_value_is_shown_beside_its_field_and_nothing_changes(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, services: Services
) -> None:
    choose(qtbot, tasks, page, 2, "Cleo M.")
    form = page.form
    type_into(form.mood, "5")
    form.accomplishments.setPlainText("x" * 4001)  # the service allows 4,000 characters
    QTest.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    message = form.messages["accomplishments"]
    qtbot.waitUntil(message.isVisible, timeout=WAIT_MS)
    assert message.text() == "The accomplishments can be at most 4000 characters."
    assert form.accomplishments.hasFocus()
    assert form.accomplishments.accessibleDescription() == message.text()
    shown = [key for key, m in form.messages.items() if m.isVisible()]
    assert shown == ["accomplishments"]
    settle(qtbot, tasks, page)
    assert services.checkin_log.count(CheckInLogQuery()) == 2
    assert page.model.count == 2 and not page.undo_action.isEnabled()  # nothing to undo
    form.accomplishments.setPlainText("Went to a meeting")
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not message.isVisible() and page.model.count == 3, timeout=WAIT_MS)


def test_cravings_are_asked_only_where_the_track_has_them(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, program: Program
) -> None:
    assert page.form.craving.isVisible()
    assert not page.table.isColumnHidden(LogColumn.CRAVING)
    page.set_cohort(program.quiet)
    settle(qtbot, tasks, page)
    assert not page.form.craving.isVisible()
    assert page.table.isColumnHidden(LogColumn.CRAVING)
    assert page.log_stack.currentWidget() is page.log_empty
    assert page.log_empty.heading.text() == "No check-ins in Morning Calm yet"
    assert "no sessions yet" in page.form.note.text()
    assert not page.form.save_button.isEnabled()


def test_filters_narrow_the_log_and_clearing_them_restores_it(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, program: Program
) -> None:
    filters = page.filters
    type_into(filters.search, "URGES")
    qtbot.waitUntil(
        lambda: page.model.query is not None and page.model.query.text == "URGES", timeout=WAIT_MS
    )
    settle(qtbot, tasks, page)
    assert [r.participant_name for r in log_rows(page)] == ["Ben T."]
    assert "1 check-in in Evening Recovery matching these filters" in page.status.text()
    filters.scope.setCurrentIndex(1)  # shared with the group: Ben's was clinician only
    settle(qtbot, tasks, page)
    assert log_rows(page) == []
    assert page.log_empty.heading.text() == "No check-ins match these filters"
    QTest.mouseClick(page.log_empty.button, Qt.MouseButton.LeftButton)  # "Clear filters"
    settle(qtbot, tasks, page)
    assert len(log_rows(page)) == 2 and filters.search.text() == ""
    filters.person.setCurrentIndex(filters.person.findText("Ana R."))
    settle(qtbot, tasks, page)
    assert [r.participant_name for r in log_rows(page)] == ["Ana R."]
    filters.person.setCurrentIndex(0)
    day = page_session(page, 1).local_date
    filters.first_day.setDate(QDate(day.year, day.month, day.day))
    filters.last_day.setDate(QDate(day.year, day.month, day.day))
    settle(qtbot, tasks, page)
    assert [r.participant_name for r in log_rows(page)] == ["Ben T."]
    filters.clear()
    assert page.table.isColumnHidden(LogColumn.COHORT)
    filters.cohort.setCurrentIndex(filters.cohort.findText("All cohorts"))
    settle(qtbot, tasks, page)
    assert not page.table.isColumnHidden(LogColumn.COHORT)
    assert "in all cohorts" in page.status.text()


def test_a_header_click_sorts_in_sql_and_the_status_says_how(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage
) -> None:
    assert [r.participant_name for r in log_rows(page)] == ["Ben T.", "Ana R."]  # newest first
    assert page.status.text().endswith("newest sessions first")
    header = page.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(LogColumn.MOOD) + 5, 5)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    settle(qtbot, tasks, page)
    assert [r.mood for r in log_rows(page)] == [2, 6]
    assert page.status.text().endswith("lowest moods first")
    assert header.sortIndicatorSection() == LogColumn.MOOD


def test_saving_and_editing_are_undone_and_redone(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage, services: Services
) -> None:
    # Edit Ana's check-in from the log: Enter on her row fills the form.
    page.table.setFocus()
    ana = next(i for i, r in enumerate(log_rows(page)) if r.participant_name == "Ana R.")
    page.table.setCurrentIndex(page.model.index(ana, 0))
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    settle(qtbot, tasks, page)
    form = page.form
    assert form.heading.text() == "Edit Ana R.’s check-in" and form.mood.value() == 6
    type_into(form.mood, "9")
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.undo_action.isEnabled, timeout=WAIT_MS)
    assert log_rows(page)[ana].mood == 9  # changed in place
    assert page.undo_action.text() == "Undo edit of Ana R.’s check-in"

    page.undo_button.setFocus()
    QTest.keyClick(page.undo_button, Qt.Key.Key_Space)  # the Undo button, from the keyboard
    qtbot.waitUntil(lambda: log_rows(page)[ana].mood == 6, timeout=WAIT_MS)
    settle(qtbot, tasks, page)
    assert services.checkins.history(log_rows(page)[ana].participant_id)[0].mood == 6
    page.redo_action.trigger()
    qtbot.waitUntil(lambda: log_rows(page)[ana].mood == 9, timeout=WAIT_MS)

    # A new check-in, undone, is gone again (a tombstone), and back on redo.
    choose(qtbot, tasks, page, 0, "Cleo M.")
    type_into(form.mood, "4")
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.count == 3, timeout=WAIT_MS)
    settle(qtbot, tasks, page)
    QTest.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.count == 2, timeout=WAIT_MS)
    settle(qtbot, tasks, page)
    assert "Cleo M." not in [r.participant_name for r in log_rows(page)]
    assert form.participant.currentText() == "Cleo M."  # no longer marked as checked in
    page.redo_action.trigger()
    qtbot.waitUntil(lambda: page.model.count == 3, timeout=WAIT_MS)


def test_every_control_is_named_and_tab_follows_the_eye(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage
) -> None:
    assert unnamed_controls(page) == []
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=WAIT_MS)
    page.filters.cohort.setFocus()
    seen: list[QWidget] = []
    for _ in range(40):
        widget = QApplication.focusWidget()
        assert widget is not None
        seen.append(widget)
        QTest.keyClick(widget, Qt.Key.Key_Tab)
    expected = [
        *page.filters.focus_chain(),
        page.undo_button,
        page.form_toggle,
        page.table,
        *page.form.focus_chain(),
    ]
    visible = [w for w in expected if w.isVisible() and w.isEnabled()]
    reached: list[QWidget] = []
    for widget in seen:  # a date edit's Tab first steps through its day, month and year
        if widget in visible and (not reached or reached[-1] is not widget):
            reached.append(widget)
    assert [w.accessibleName() for w in reached[: len(visible)]] == [
        w.accessibleName() for w in visible
    ]


def test_the_form_steps_aside_for_reviewing_and_comes_back_to_edit(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage
) -> None:
    log_width = page.log_stack.width()
    QTest.mouseClick(page.form_toggle, Qt.MouseButton.LeftButton)
    assert not page.form_area.isVisible() and page.form_toggle.text() == "Show form"
    qtbot.waitUntil(lambda: page.log_stack.width() > log_width, timeout=WAIT_MS)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    QTest.keyClick(page.table, Qt.Key.Key_Return)  # editing a row brings the form back
    assert page.form_area.isVisible()
    settle(qtbot, tasks, page)
    assert page.form.heading.text().startswith("Edit ")


def test_without_a_cohort_the_page_teaches_the_next_step_and_keeps_nothing(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage
) -> None:
    assert page.model.rowCount() == 2
    page.table.setCurrentIndex(page.model.index(0, 0))
    QTest.keyClick(page.table, Qt.Key.Key_Return)  # Ben's words in the form
    settle(qtbot, tasks, page)
    page.filters.search.setText("urges")
    assert page.form.challenges.toPlainText() == "Urges after work"
    page.set_cohort(None)  # no cohort, as after the vault locks
    assert page.model.rowCount() == 0 and page.model.query is None
    assert page.empty_state.isVisible()
    assert page.empty_state.heading.text() == "Create your first cohort"
    texts = [w.text() for w in page.findChildren(QLineEdit) if not w.isReadOnly()]
    texts += [w.toPlainText() for w in page.findChildren(QPlainTextEdit)]
    texts += [c.itemText(i) for c in page.findChildren(QComboBox) for i in range(c.count())]
    texts += [label.text() for label in page.findChildren(QLabel)]
    for name in ("Ana", "Ben", "Cleo", "Evening Recovery", "Urges", "urges", "restless"):
        assert not any(name in text for text in texts), name
    assert page.form.sparkline.moods == ()
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=WAIT_MS)
    assert page.model.rowCount() == 0  # nothing late slipped back in


def test_new_goes_to_the_next_person_in_the_round_who_has_not_checked_in(
    qtbot: QtBot, tasks: TaskRunner, page: CheckInsPage
) -> None:
    form = page.form
    form.session.setCurrentIndex(index_of(form.session, page_session(page, 0).id))
    settle(qtbot, tasks, page)
    assert form.current_person is not None
    assert form.participant.currentText() == "Ben T."  # Ana has checked in at this session
    assert form.heading.text() == "Record a check-in"
    type_into(form.mood, "5")
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.heading.text() == "Edit Ben T.’s check-in", timeout=WAIT_MS)
    QTest.keyClick(form.new_button, Qt.Key.Key_Space)
    assert form.participant.currentText() == "Cleo M."
    assert form.heading.text() == "Record a check-in" and form.mood.value() == -1
    assert form.mood.hasFocus()
