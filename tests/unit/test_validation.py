"""Every validation rule of the services: a clear message, the right field, and nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from app.services import integrity
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft, ParticipantRow
from app.services.sessions import SessionRow
from models import (
    AttendanceStatus,
    CohortStatus,
    EnrollmentStatus,
    ReviewOutcome,
    SessionStatus,
    ShareScope,
    Track,
)


@dataclass
class World:
    services: Services
    cohort: CohortRow
    mh_cohort: CohortRow
    person: ParticipantRow
    stranger: ParticipantRow
    first: SessionRow
    second: SessionRow


@pytest.fixture
def world(services: Services) -> World:
    cohort = services.cohorts.create(CohortDraft(name="Dual A", track=Track.DUAL_DIAGNOSIS))
    mh = services.cohorts.create(CohortDraft(name="Mood B", track=Track.MENTAL_HEALTH))
    person = services.participants.create(ParticipantDraft(display_name="Eli"))
    stranger = services.participants.create(ParticipantDraft(display_name="Fay"))
    services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
    services.enrollments.enroll(person.id, mh.id, start_date=dt.date(2026, 3, 1))
    first, second = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)[:2]
    return World(services, cohort, mh, person, stranger, first, second)


def _mh_session(w: World) -> SessionRow:
    return w.services.sessions.schedule(w.mh_cohort.id, dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC))


def _goal(w: World) -> object:
    return w.services.goals.set_goal(w.person.id, w.first.id, "Walk daily", "health")


BASE = CohortDraft(name="New group")

CASES: dict[str, tuple[str, Callable[[World], object]]] = {
    # cohorts
    "cohort name empty": ("name", lambda w: w.services.cohorts.create(replace(BASE, name="  "))),
    "cohort name too long": (
        "name",
        lambda w: w.services.cohorts.create(replace(BASE, name="x" * 81)),
    ),
    "cohort name taken": (
        "name",
        lambda w: w.services.cohorts.create(replace(BASE, name="Dual A")),
    ),
    "capacity zero": ("capacity", lambda w: w.services.cohorts.create(replace(BASE, capacity=0))),
    "capacity huge": ("capacity", lambda w: w.services.cohorts.create(replace(BASE, capacity=51))),
    "capacity not a number": (
        "capacity",
        lambda w: w.services.cohorts.create(replace(BASE, capacity=True)),
    ),
    "no meeting days": (
        "meeting_days",
        lambda w: w.services.cohorts.create(replace(BASE, meeting_days=())),
    ),
    "day eight": (
        "meeting_days",
        lambda w: w.services.cohorts.create(replace(BASE, meeting_days=(1, 8))),
    ),
    "session too short": (
        "planned_minutes",
        lambda w: w.services.cohorts.create(replace(BASE, planned_minutes=5)),
    ),
    "unknown zone": (
        "timezone",
        lambda w: w.services.cohorts.create(replace(BASE, timezone="Mars/Olympus")),
    ),
    "weekly minimum tiny": (
        "weekly_minimum_minutes",
        lambda w: w.services.cohorts.create(replace(BASE, weekly_minimum_minutes=10)),
    ),
    "cohort ends before it starts": (
        "end_date",
        lambda w: w.services.cohorts.create(
            replace(BASE, start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 2, 1))
        ),
    ),
    "bad track": ("track", lambda w: w.services.cohorts.create(replace(BASE, track="astrology"))),  # type: ignore[arg-type]
    # participants
    "participant name blank": (
        "display_name",
        lambda w: w.services.participants.create(ParticipantDraft(display_name="")),
    ),
    "pronouns too long": (
        "pronouns",
        lambda w: w.services.participants.create(ParticipantDraft("Gus", pronouns="x" * 41)),
    ),
    "recovery starts tomorrow": (
        "recovery_start",
        lambda w: w.services.participants.create(
            ParticipantDraft("Gus", recovery_start=dt.date(2026, 3, 3))
        ),
    ),
    "name with a NUL": (
        "display_name",
        lambda w: w.services.participants.create(ParticipantDraft("Gu\x00s")),
    ),
    # enrollments
    "enrolled twice": ("cohort", lambda w: w.services.enrollments.enroll(w.person.id, w.cohort.id)),
    "finished cohort takes no one": (
        "cohort",
        lambda w: (
            w.services.cohorts.set_status(w.cohort.id, CohortStatus.FINISHED),
            w.services.enrollments.enroll(w.stranger.id, w.cohort.id),
        ),
    ),
    "discharge without reason": (
        "reason",
        lambda w: w.services.enrollments.end(
            w.services.enrollments.for_cohort(w.cohort.id)[0].id, EnrollmentStatus.DISCHARGED
        ),
    ),
    "end as active": (
        "status",
        lambda w: w.services.enrollments.end(
            w.services.enrollments.for_cohort(w.cohort.id)[0].id, EnrollmentStatus.ACTIVE
        ),
    ),
    "end before start": (
        "end_date",
        lambda w: w.services.enrollments.end(
            w.services.enrollments.for_cohort(w.cohort.id)[0].id,
            EnrollmentStatus.GRADUATED,
            on=dt.date(2026, 2, 1),
        ),
    ),
    "move into the same cohort": (
        "cohort",
        lambda w: w.services.enrollments.transfer(
            w.services.enrollments.for_cohort(w.cohort.id)[0].id, w.cohort.id
        ),
    ),
    "activate someone not waiting": (
        "status",
        lambda w: w.services.enrollments.activate(
            w.services.enrollments.for_cohort(w.cohort.id)[0].id
        ),
    ),
    # sessions
    "naive start": (
        "start",
        lambda w: w.services.sessions.schedule(w.cohort.id, dt.datetime(2026, 3, 2, 18)),
    ),
    "schedule 60 weeks": (
        "weeks",
        lambda w: w.services.sessions.schedule_weeks(w.cohort.id, dt.date(2026, 3, 2), 60),
    ),
    "nine-hour session": (
        "planned_minutes",
        lambda w: w.services.sessions.schedule(
            w.cohort.id, dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC), planned_minutes=540
        ),
    ),
    # attendance
    "attendance for a stranger": (
        "participant",
        lambda w: w.services.attendance.mark(w.first.id, w.stranger.id, AttendanceStatus.PRESENT),
    ),
    "attendance at a cancelled session": (
        "status",
        lambda w: (
            w.services.sessions.set_status(w.first.id, SessionStatus.CANCELLED),
            w.services.attendance.mark(w.first.id, w.person.id, AttendanceStatus.PRESENT),
        ),
    ),
    "more minutes than possible": (
        "minutes",
        lambda w: w.services.attendance.mark(
            w.first.id, w.person.id, AttendanceStatus.PRESENT, minutes=181 + 60
        ),
    ),
    "absent with minutes": (
        "minutes",
        lambda w: w.services.attendance.mark(
            w.first.id, w.person.id, AttendanceStatus.UNEXCUSED, minutes=30
        ),
    ),
    "negative minutes": (
        "minutes",
        lambda w: w.services.attendance.mark(
            w.first.id, w.person.id, AttendanceStatus.LATE, minutes=-1
        ),
    ),
    "unknown attendance status": (
        "status",
        lambda w: w.services.attendance.mark(w.first.id, w.person.id, "asleep"),  # type: ignore[arg-type]
    ),
    # check-ins
    "mood eleven": (
        "mood",
        lambda w: w.services.checkins.record(w.first.id, w.person.id, CheckInDraft(mood=11)),
    ),
    "mood below zero": (
        "mood",
        lambda w: w.services.checkins.record(w.first.id, w.person.id, CheckInDraft(mood=-1)),
    ),
    "craving eleven": (
        "craving",
        lambda w: w.services.checkins.record(w.first.id, w.person.id, CheckInDraft(craving=11)),
    ),
    "craving in a mental health group": (
        "craving",
        lambda w: w.services.checkins.record(
            _mh_session(w).id, w.person.id, CheckInDraft(craving=2)
        ),
    ),
    "challenges too long": (
        "challenges",
        lambda w: w.services.checkins.record(
            w.first.id, w.person.id, CheckInDraft(challenges="x" * 4001)
        ),
    ),
    "unknown share scope": (
        "share_scope",
        lambda w: w.services.checkins.record(
            w.first.id,
            w.person.id,
            CheckInDraft(share_scope="everyone"),  # type: ignore[arg-type]
        ),
    ),
    "check-in of a stranger": (
        "participant",
        lambda w: w.services.checkins.record(w.first.id, w.stranger.id, CheckInDraft(mood=5)),
    ),
    # goals
    "empty goal": (
        "text",
        lambda w: w.services.goals.set_goal(w.person.id, w.first.id, " ", "health"),
    ),
    "value domain with digits": (
        "value_domain",
        lambda w: w.services.goals.set_goal(w.person.id, w.first.id, "Rest", "h3alth"),
    ),
    "goal reviewed in the session that set it": (
        "session",
        lambda w: w.services.goals.review(
            w.services.goals.set_goal(w.person.id, w.first.id, "Rest", "health").id,
            w.first.id,
            ReviewOutcome.DONE,
        ),
    ),
    "goal reviewed twice": (
        "status",
        lambda w: [
            w.services.goals.review(goal_id, w.second.id, ReviewOutcome.DONE)
            for goal_id in [w.services.goals.set_goal(w.person.id, w.first.id, "Rest", "health").id]
            * 2
        ],
    ),
    "done goal carried forward": (
        "outcome",
        lambda w: w.services.goals.carry_forward(
            w.services.goals.set_goal(w.person.id, w.first.id, "Rest", "health").id,
            w.second.id,
            ReviewOutcome.DONE,
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule(world: World, case: str) -> None:
    field, action = CASES[case]
    with pytest.raises(InvalidInput) as error:
        action(world)
    assert error.value.field == field
    assert error.value.message.endswith(".")
    assert "Traceback" not in str(error.value)


def test_a_refused_change_writes_nothing(world: World) -> None:
    before = integrity.check(world.services.context.database).digest
    with pytest.raises(InvalidInput):
        world.services.checkins.record(
            world.first.id,
            world.person.id,
            CheckInDraft(mood=4, craving=12, share_scope=ShareScope.GROUP),
        )
    assert integrity.check(world.services.context.database).digest == before


def test_own_value_word_is_kept_and_standard_ones_normalised(world: World) -> None:
    own = world.services.goals.set_goal(world.person.id, world.first.id, "Paint", "Self-respect")
    standard = world.services.goals.set_goal(world.person.id, world.first.id, "Run", "HEALTH")
    assert own.value_domain == "Self-respect"
    assert standard.value_domain == "health"


def test_capacity_warns_but_enrolls(services: Services) -> None:
    cohort = services.cohorts.create(CohortDraft(name="Small", capacity=1))
    first = services.participants.create(ParticipantDraft("Ida"))
    second = services.participants.create(ParticipantDraft("Jon"))
    assert services.enrollments.enroll(first.id, cohort.id).capacity_warning is None
    result = services.enrollments.enroll(second.id, cohort.id)
    assert result.capacity_warning is not None
    assert "over its capacity of 1" in result.capacity_warning
    assert services.cohorts.get(cohort.id).active_members == 2
