"""One unit of work per use case: compound writes are one transaction; screens read one snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.errors import InvalidInput, NotFound
from app.services.participants import ParticipantDraft
from app.services.round.commit import CheckInCommit, ClosingCommit, GoalLine, ReportBack
from models import AttendanceStatus, CohortStatus, EnrollmentStatus, ReviewOutcome, RoundKind
from tests.conftest import FakeNow
from tests.unit.engine_world import World


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now, start=dt.date(2026, 2, 23))


@pytest.fixture
def transactions(services: Services) -> Iterator[Callable[[], int]]:
    """How many transactions began since the last call (each read or write is one)."""
    engine = services.context.database.engine
    began: list[int] = []

    def count(*_args: Any) -> None:
        began.append(1)

    event.listen(engine, "begin", count)

    def taken() -> int:
        seen = len(began)
        began.clear()
        return seen

    yield taken
    event.remove(engine, "begin", count)


def test_enroll_new_creates_and_enrolls_in_one_step_and_leaves_no_orphan(
    services: Services, world: World
) -> None:
    done = services.enrollments.enroll_new(
        ParticipantDraft("Ana R.", "she/her"), world.cohort.id, start_date=dt.date(2026, 3, 2)
    )
    assert done.enrollment.participant_name == "Ana R."
    assert [p.display_name for p in services.participants.search("Ana")] == ["Ana R."]

    services.cohorts.set_status(world.cohort.id, CohortStatus.FINISHED)
    with pytest.raises(InvalidInput) as refused:
        services.enrollments.enroll_new(ParticipantDraft("Zed Q."), world.cohort.id)
    assert refused.value.field == "cohort" and "takes no one new" in refused.value.message
    assert services.participants.search("Zed") == []  # never a person on no roster


def test_commit_and_advance_is_one_transaction(
    services: Services, world: World, now: FakeNow, transactions: Callable[[], int]
) -> None:
    ana, ben = world.person("Ana R."), world.person("Ben T.")
    monday, wednesday = world.weeks(1)[:2]
    goal = services.goals.set_goal(ben.id, monday.id, "Call my sister", "family")
    now.value = wednesday.scheduled_start + dt.timedelta(minutes=10)
    view = services.rounds.start(wednesday.id)
    assert view.current is not None and view.current.participant_id == ana.id

    # A card that cannot be stored whole stores nothing and does not move the round.
    bad = CheckInCommit(CheckInDraft(mood=5), (ReportBack(goal.id, ReviewOutcome.DONE),))
    with pytest.raises(InvalidInput, match="belongs to someone else"):
        services.rounds.commit_and_advance(view.id, ana.id, bad)
    assert services.checkins.for_session(wednesday.id) == []
    assert services.rounds.get(view.id).current_participant_id == ana.id
    with pytest.raises(InvalidInput, match="moved on"):  # Ben is not speaking yet
        services.rounds.commit_and_advance(view.id, ben.id, CheckInCommit(CheckInDraft(mood=4)))
    closing = ClosingCommit((GoalLine("Walk", "health"),))
    with pytest.raises(InvalidInput, match="for the closing round"):
        services.rounds.commit_and_advance(view.id, ana.id, closing)

    transactions()
    moved = services.rounds.commit_and_advance(view.id, ana.id, CheckInCommit(CheckInDraft(6)))
    assert transactions() == 1
    assert moved.view.current_participant_id == ben.id
    assert moved.check_in is not None and moved.check_in.check_in is not None
    assert moved.check_in.presence.status is AttendanceStatus.PRESENT
    report = CheckInCommit(CheckInDraft(mood=7), (ReportBack(goal.id, ReviewOutcome.PARTLY),))
    last = services.rounds.commit_and_advance(view.id, ben.id, report)
    assert last.view.current_participant_id is None and last.check_in is not None
    assert [r.outcome for r in last.check_in.reviews] == [ReviewOutcome.PARTLY]

    closing_round = services.rounds.start(wednesday.id, RoundKind.CLOSING)
    goals = services.rounds.commit_and_advance(closing_round.id, ana.id, closing).goals
    assert [g.text for g in goals] == ["Walk"]


def test_a_transfer_is_labelled_so_and_can_be_taken_back(
    services: Services, world: World, now: FakeNow
) -> None:
    ana = world.person("Ana R.")
    other = services.cohorts.create(CohortDraft(name="Thursday Morning", meeting_days=(4,)))
    [stay] = services.enrollments.for_participant(ana.id)
    moved = services.enrollments.transfer(stay.id, other.id, on=dt.date(2026, 3, 2))
    assert moved.ended.status is EnrollmentStatus.TRANSFERRED
    assert moved.ended.end_date == moved.enrollment.start_date == dt.date(2026, 3, 2)
    assert moved.enrollment.status is EnrollmentStatus.ACTIVE
    with pytest.raises(InvalidInput, match="take the transfer back"):
        services.enrollments.reopen(stay.id)

    back = services.enrollments.undo_transfer(stay.id, moved.enrollment.id)
    assert (back.status, back.end_date, back.reason) == (EnrollmentStatus.ACTIVE, None, "")
    assert services.enrollments.for_cohort(other.id) == []
    assert services.progress.roster(world.cohort.id).rows[0].display_name == "Ana R."
    with pytest.raises(NotFound):  # taken back already: that stay is gone
        services.enrollments.undo_transfer(stay.id, moved.enrollment.id)

    # Once something is recorded for them there, the transfer stays; nothing is changed.
    again = services.enrollments.transfer(stay.id, other.id, on=dt.date(2026, 3, 2))
    [thursday] = services.sessions.schedule_weeks(other.id, dt.date(2026, 3, 2), 1)
    now.value = thursday.scheduled_start + dt.timedelta(hours=4)
    services.attendance.mark(thursday.id, ana.id, AttendanceStatus.PRESENT)
    with pytest.raises(InvalidInput, match="recorded for them in Thursday Morning"):
        services.enrollments.undo_transfer(stay.id, again.enrollment.id)
    assert [e.status for e in services.enrollments.for_participant(ana.id)] == [
        EnrollmentStatus.TRANSFERRED,
        EnrollmentStatus.ACTIVE,
    ]


def test_each_screen_reads_one_snapshot_in_one_transaction(
    services: Services, world: World, now: FakeNow, transactions: Callable[[], int]
) -> None:
    ana = world.person("Ana R.")
    monday = world.weeks(1)[0]
    now.value = monday.scheduled_start + dt.timedelta(hours=4)
    world.present([monday], ana)
    services.goals.set_goal(ana.id, monday.id, "Walk daily", "health")

    transactions()
    roster = services.progress.roster(world.cohort.id)
    assert transactions() == 1
    assert roster.cohort.active_members == 1 and roster.rows[0].current_streak == 1
    profile = services.profiles.load(ana.id)
    assert transactions() == 1
    assert profile.attendance.text == "Attended 1 of 1 sessions"
    board = services.goal_board.board(world.cohort.id, monday.id)
    assert transactions() == 1
    assert [g.text for g in board.this_week] == ["Walk daily"]
