"""The goal tracker: set a goal, see it due next session, record the outcome, carry it, undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.sessions import SessionRow
from app.tasks import TaskRunner
from models import GoalStatus, ReviewOutcome
from tests.gui.conftest import check_model, unnamed_controls
from tests.gui.desk_pages import goals_page
from views.goals.goal_models import HistoryColumn
from views.goals.goals_page import GoalsPage
from views.shell.desk_page import PagePlace

ANA, BEN = "Ana Rivaldi", "Ben Okafor"


@dataclass
class Seeded:
    cohort: CohortRow
    sessions: list[SessionRow]


@pytest.fixture
def seeded(services: Services) -> Seeded:
    cohort = services.cohorts.create(
        CohortDraft(name="Harbor Evening", start_date=dt.date(2026, 3, 1))
    )
    for name in (ANA, BEN):
        person = services.participants.create(ParticipantDraft(display_name=name))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 2)
    return Seeded(services.cohorts.get(cohort.id), sessions)


MakePage = Callable[..., GoalsPage]


@pytest.fixture
def make_page(qtbot: QtBot, services: Services, tasks: TaskRunner) -> MakePage:
    def make(cohort: CohortRow, place: PagePlace | None = None) -> GoalsPage:
        page = goals_page(services, tasks)
        if place is not None:
            page.go_to(place)
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        page.set_cohort(cohort)
        return page

    return make


def wait_for_board(qtbot: QtBot, page: GoalsPage) -> None:
    qtbot.waitUntil(lambda: page._stack.currentWidget() is page.view, timeout=10_000)


def choose_session(qtbot: QtBot, page: GoalsPage, row: int) -> None:
    """Pick the session in ``row`` from the keyboard, as a facilitator would."""
    combo = page.view.session
    combo.setFocus()
    while combo.currentIndex() != row:
        key = Qt.Key.Key_Down if combo.currentIndex() < row else Qt.Key.Key_Up
        QTest.keyClick(combo, key)
    wanted = combo.itemData(row)
    qtbot.waitUntil(
        lambda: (
            page.board is not None
            and page.board.session is not None
            and page.board.session.id == wanted
        ),
        timeout=10_000,
    )


def test_set_a_goal_see_it_due_record_it_carry_it_forward_and_undo(
    qtbot: QtBot, make_page: MakePage, seeded: Seeded, qtmodeltester: ModelTester
) -> None:
    page = make_page(seeded.cohort)
    wait_for_board(qtbot, page)
    view = page.view
    assert view.session.currentText().startswith("Mon 2 Mar")  # today's session
    assert "(today)" in view.session.currentText()
    assert view.due_model.rowCount() == 0
    assert "Nothing is due" in view.due_hint.text()
    assert "No goals set this week yet" in view.week_hint.text()
    assert unnamed_controls(page) == []

    form = view.new_goal
    form.person.setCurrentIndex(form.person.findText(ANA))
    QTest.keyClicks(form.text, "Call my sister on Sunday")
    form.domain.setCurrentIndex(form.domain.findText("family"))
    QTest.keyClick(form.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.week_model.rowCount() == 1, timeout=10_000)
    assert view.week_model.row_at(0).participant_name == ANA
    assert view.week_hint.text() == f"No goal yet this week: {BEN}"
    assert form.text.text() == ""

    choose_session(qtbot, page, 1)  # Wednesday: the goal set on Monday is due
    assert [g.text for g in view.due_model.rows] == ["Call my sister on Sunday"]

    view.due_view.setFocus()
    QTest.keyClick(view.due_view, Qt.Key.Key_Down)  # selects the first row
    qtbot.waitUntil(lambda: view.outcome.goal is not None, timeout=2000)
    assert ANA in view.outcome.goal_label.text()
    QTest.keyClick(view.due_view, Qt.Key.Key_Return)  # Enter: on to the outcome
    assert view.outcome.radios[ReviewOutcome.DONE].hasFocus()
    view.outcome.radios[ReviewOutcome.NOT_DONE].click()
    QTest.keyClicks(view.outcome.note, "her phone was off all week")
    assert view.outcome.carry_button.isEnabled()
    view.outcome.carry_button.setFocus()
    QTest.keyClick(view.outcome.carry_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.due_model.rowCount() == 0, timeout=10_000)
    assert view.due_view.hasFocus()  # back on the list: the round goes on from the keyboard

    week = {g.status: g for g in view.week_model.rows}
    assert week[GoalStatus.OPEN].times_carried == 1  # carried into Wednesday
    assert GoalStatus.CARRIED_FORWARD in week
    history = view.history_model.rows
    assert [(h.outcome, h.barrier_note, h.carried_forward) for h in history] == [
        (ReviewOutcome.NOT_DONE, "her phone was off all week", True)
    ]
    barrier = view.history_model.index(0, HistoryColumn.BARRIER).data()
    assert barrier == "her phone was off all week"
    people = {row.label: row for row in view.people_model.rows}
    assert people[ANA].not_done == 1 and people[ANA].rate == 0.0
    assert "Ctrl+Z" in view.feedback.text()
    for model in (view.due_model, view.week_model, view.people_model, view.history_model):
        check_model(qtmodeltester, model)
    check_model(qtmodeltester, view.due_view.model())

    assert page.undo_stack is not None
    assert page.undo_stack.undoText() == f"carry forward for {ANA}"
    page.undo_stack.undo()
    qtbot.waitUntil(lambda: view.due_model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: view.history_model.rowCount() == 0, timeout=10_000)
    assert [g.status for g in view.week_model.rows] == [GoalStatus.OPEN]

    page.undo_stack.redo()
    qtbot.waitUntil(lambda: view.due_model.rowCount() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: view.history_model.rowCount() == 1, timeout=10_000)


def test_undo_of_setting_a_goal_takes_it_back(
    qtbot: QtBot, make_page: MakePage, seeded: Seeded
) -> None:
    page = make_page(seeded.cohort)
    wait_for_board(qtbot, page)
    form = page.view.new_goal
    QTest.keyClicks(form.text, "Walk after lunch")
    QTest.mouseClick(form.set_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view.week_model.rowCount() == 1, timeout=10_000)
    assert page.undo_stack is not None
    page.undo_stack.undo()
    qtbot.waitUntil(lambda: page.view.week_model.rowCount() == 0, timeout=10_000)
    page.undo_stack.redo()
    qtbot.waitUntil(lambda: page.view.week_model.rowCount() == 1, timeout=10_000)


def test_a_refused_goal_says_why_beside_the_field(
    qtbot: QtBot, make_page: MakePage, seeded: Seeded
) -> None:
    page = make_page(seeded.cohort)
    wait_for_board(qtbot, page)
    form = page.view.new_goal
    QTest.mouseClick(form.set_button, Qt.MouseButton.LeftButton)  # no text
    qtbot.waitUntil(lambda: form.messages["text"].message != "", timeout=10_000)
    assert "goal cannot be empty" in form.messages["text"].message
    form.text.setText("Paint")
    form.domain.setEditText("art 2")  # the person's own word must be letters
    QTest.mouseClick(form.set_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.messages["value_domain"].message != "", timeout=10_000)
    assert page.undo_stack is not None and page.undo_stack.count() == 0


def test_without_sessions_the_page_offers_to_schedule_them_then_asks_for_people(
    qtbot: QtBot, make_page: MakePage, services: Services
) -> None:
    cohort = services.cohorts.create(CohortDraft(name="Dawn Group", meeting_days=(2, 4)))
    page = make_page(cohort)
    state = page.board_state
    qtbot.waitUntil(lambda: page._stack.currentWidget() is state, timeout=10_000)
    assert state.heading.text() == "No sessions in Dawn Group yet"
    assert "Tue, Thu at 18:00" in state.body.text()
    QTest.mouseClick(state.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No one is enrolled" in state.heading.text(), timeout=10_000)
    assert len(services.sessions.for_cohort(cohort.id)) == 8
    with qtbot.waitSignal(page.page_requested, timeout=2000) as asked:
        QTest.mouseClick(state.button, Qt.MouseButton.LeftButton)
    assert asked.args == ["roster"]


def test_a_page_built_after_an_unlock_returns_to_the_same_session_and_goal(
    qtbot: QtBot, make_page: MakePage, seeded: Seeded, services: Services
) -> None:
    first, second = seeded.sessions[:2]
    goal = services.goals.set_goal(
        services.participants.search("Ben")[0].id, first.id, "Finish the quilt", "creativity"
    )
    services.goals.review(goal.id, second.id, ReviewOutcome.PARTLY, barrier_note="no fabric")
    services.goals.set_goal(services.participants.search("Ana")[0].id, first.id, "Run", "health")
    page = make_page(seeded.cohort)
    wait_for_board(qtbot, page)
    choose_session(qtbot, page, 1)
    page.view.due_view.setFocus()
    QTest.keyClick(page.view.due_view, Qt.Key.Key_Down)
    place = page.place()
    assert place.session_id == second.id and place.record_id is not None  # ids only

    again = make_page(seeded.cohort, place)  # what the composition root builds at the unlock
    qtbot.waitUntil(lambda: again.view.due_model.rowCount() == 1, timeout=10_000)
    assert again.board is not None and again.board.session is not None
    assert again.board.session.id == second.id  # the same session as before the lock
    assert again.view.outcome.goal is not None and again.view.outcome.goal.text == "Run"
