"""The goal board: what is due at a session, the week's goals, completion rates, history, undo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft, ParticipantRow
from app.services.sessions import SessionRow
from models import EnrollmentStatus, GoalStatus, ReviewOutcome
from tests.conftest import FakeNow


@dataclass
class Group:
    cohort: CohortRow
    ana: ParticipantRow
    ben: ParticipantRow
    sessions: list[SessionRow]  # Mon, Wed, Fri of two weeks from 2 March 2026


@pytest.fixture
def group(services: Services) -> Group:
    cohort = services.cohorts.create(
        CohortDraft(name="Evening Group", start_date=dt.date(2026, 3, 1))
    )
    ana = services.participants.create(ParticipantDraft(display_name="Ana R."))
    ben = services.participants.create(ParticipantDraft(display_name="Ben T."))
    for person in (ana, ben):
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 2)
    return Group(cohort, ana, ben, sessions)


def test_a_cohort_without_sessions_has_an_empty_board(services: Services) -> None:
    cohort = services.cohorts.create(CohortDraft(name="New Group"))
    board = services.goal_board.board(cohort.id)
    assert board.session is None and board.sessions == ()
    assert not board.has_goals


def test_the_board_opens_at_todays_session_and_lists_who_has_no_goal(
    services: Services, group: Group
) -> None:
    goal = services.goals.set_goal(group.ana.id, group.sessions[0].id, "Walk daily", "health")
    board = services.goal_board.board(group.cohort.id)  # "now" is Monday 2 March, 17:00 UTC
    assert board.session is not None and board.session.id == group.sessions[0].id
    assert [s.id for s in board.sessions] == [s.id for s in group.sessions]
    assert [g.id for g in board.this_week] == [goal.id]
    assert board.due == ()
    assert [m.name for m in board.without_goal] == ["Ben T."]
    assert [m.name for m in board.members] == ["Ana R.", "Ben T."]


def test_a_goal_is_due_at_the_next_session_and_stays_in_its_week(
    services: Services, group: Group
) -> None:
    monday, wednesday = group.sessions[0], group.sessions[1]
    goal = services.goals.set_goal(group.ana.id, monday.id, "Call my sister", "family")
    board = services.goal_board.board(group.cohort.id, wednesday.id)
    assert [g.id for g in board.due] == [goal.id]
    assert board.due[0].set_on == dt.date(2026, 3, 2) and board.due[0].times_carried == 0
    assert [g.id for g in board.this_week] == [goal.id]
    next_monday = services.goal_board.board(group.cohort.id, group.sessions[3].id)
    assert [g.id for g in next_monday.due] == [goal.id]
    assert next_monday.this_week == ()


def test_report_backs_feed_history_and_completion_rates(services: Services, group: Group) -> None:
    monday, wednesday = group.sessions[0], group.sessions[1]
    goals = services.goals
    walk = goals.set_goal(group.ana.id, monday.id, "Walk daily", "health")
    call = goals.set_goal(group.ana.id, monday.id, "Call my sister", "family")
    read = goals.set_goal(group.ben.id, monday.id, "Read a chapter", "health")
    goals.review(walk.id, wednesday.id, ReviewOutcome.DONE)
    goals.review(call.id, wednesday.id, ReviewOutcome.NOT_DONE, barrier_note="her phone was off")
    goals.carry_forward(read.id, wednesday.id, ReviewOutcome.PARTLY, barrier_note="late shifts")

    board = services.goal_board.board(group.cohort.id, wednesday.id)
    assert board.due == ()  # reported on at this session
    people = {row.label: row for row in board.by_participant}
    assert (people["Ana R."].done, people["Ana R."].not_done, people["Ana R."].rate) == (1, 1, 0.5)
    assert (people["Ben T."].partly, people["Ben T."].rate) == (1, 0.5)
    domains = {row.label: row for row in board.by_domain}
    assert domains["health"].reviewed == 2 and domains["health"].rate == 0.75
    assert domains["family"].rate == 0.0
    notes = {entry.goal_text: entry for entry in board.history}
    assert notes["Call my sister"].barrier_note == "her phone was off"
    assert notes["Read a chapter"].carried_forward
    assert notes["Read a chapter"].reviewed_on == dt.date(2026, 3, 4)
    carried = [g for g in board.this_week if g.set_in_session_id == wednesday.id]
    assert [(g.text, g.times_carried) for g in carried] == [("Read a chapter", 1)]


def test_carrying_twice_counts_the_chain(services: Services, group: Group) -> None:
    first = services.goals.set_goal(group.ben.id, group.sessions[0].id, "Sleep by 11", "health")
    second = services.goals.carry_forward(first.id, group.sessions[1].id)
    services.goals.carry_forward(second.id, group.sessions[2].id)
    board = services.goal_board.board(group.cohort.id, group.sessions[3].id)
    assert [(g.text, g.times_carried) for g in board.due] == [("Sleep by 11", 2)]


def test_undoing_a_report_back_reopens_the_goal(services: Services, group: Group) -> None:
    monday, wednesday = group.sessions[0], group.sessions[1]
    goal = services.goals.set_goal(group.ana.id, monday.id, "Walk daily", "health")
    services.goals.review(goal.id, wednesday.id, ReviewOutcome.PARTLY, barrier_note="rain")
    reopened = services.goals.undo_review(goal.id)
    assert reopened.status is GoalStatus.OPEN
    board = services.goal_board.board(group.cohort.id, wednesday.id)
    assert [g.id for g in board.due] == [goal.id]
    assert board.history == ()
    with pytest.raises(InvalidInput):
        services.goals.undo_review(goal.id)  # nothing left to take back


def test_undoing_a_carry_forward_removes_the_continuation(services: Services, group: Group) -> None:
    monday, wednesday, friday = group.sessions[:3]
    goal = services.goals.set_goal(group.ana.id, monday.id, "Walk daily", "health")
    carried = services.goals.carry_forward(goal.id, wednesday.id, barrier_note="sick")
    services.goals.undo_review(goal.id)
    board = services.goal_board.board(group.cohort.id, wednesday.id)
    assert [g.id for g in board.due] == [goal.id]
    assert carried.id not in {g.id for g in board.this_week}

    again = services.goals.carry_forward(goal.id, wednesday.id)
    services.goals.review(again.id, friday.id, ReviewOutcome.DONE)
    with pytest.raises(InvalidInput, match="reported on since"):
        services.goals.undo_review(goal.id)


def test_a_goal_set_by_mistake_can_be_taken_back_until_it_is_reviewed(
    services: Services, group: Group
) -> None:
    goal = services.goals.set_goal(group.ana.id, group.sessions[0].id, "Typo", "health")
    services.goals.retract(goal.id)
    assert services.goal_board.board(group.cohort.id).this_week == ()
    kept = services.goals.set_goal(group.ana.id, group.sessions[0].id, "Walk", "health")
    services.goals.review(kept.id, group.sessions[1].id, ReviewOutcome.DONE)
    with pytest.raises(InvalidInput):
        services.goals.retract(kept.id)


def test_only_current_members_are_due(services: Services, group: Group) -> None:
    goal = services.goals.set_goal(group.ben.id, group.sessions[0].id, "Journal", "recovery")
    enrollment = services.enrollments.for_cohort(group.cohort.id)
    bens = next(e for e in enrollment if e.participant_id == group.ben.id)
    services.enrollments.end(bens.id, EnrollmentStatus.GRADUATED)
    board = services.goal_board.board(group.cohort.id, group.sessions[1].id)
    assert goal.id not in {g.id for g in board.due}
    assert [m.name for m in board.members] == ["Ana R."]


def test_without_a_session_today_the_board_opens_at_the_latest_one(
    services: Services, group: Group, now: FakeNow
) -> None:
    now.value = dt.datetime(2026, 3, 7, 12, tzinfo=dt.UTC)  # Saturday: no group
    board = services.goal_board.board(group.cohort.id)
    assert board.session is not None and board.session.local_date == dt.date(2026, 3, 6)
    now.value = dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC)  # before the first session
    board = services.goal_board.board(group.cohort.id)
    assert board.session is not None and board.session.id == group.sessions[0].id
