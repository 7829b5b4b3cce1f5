"""The profile service: every section from one read, clinician notes apart; waitlist and reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.errors import InvalidInput, NotFound
from app.services.participants import ParticipantDraft, ParticipantRow
from app.services.profile_timeline import TimelineKind
from app.services.sessions import SessionRow
from models import AttendanceStatus, EnrollmentStatus, ReviewOutcome, ShareScope, Track

NOTES = "CLINICIAN-NOTE-MARKER: history of trauma, see intake"


@dataclass
class World:
    services: Services
    cohort: CohortRow
    ana: ParticipantRow
    sessions: list[SessionRow]


@pytest.fixture
def world(services: Services) -> World:
    cohort = services.cohorts.create(
        CohortDraft(name="Tuesday Evening", track=Track.DUAL_DIAGNOSIS, timezone="America/Chicago")
    )
    ana = services.participants.create(ParticipantDraft("Ana R.", "she/her", dt.date(2025, 12, 1)))
    services.participants.set_clinician_notes(ana.id, NOTES)
    services.enrollments.enroll(ana.id, cohort.id, start_date=dt.date(2026, 2, 1))
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 2, 2), 2)
    return World(services, cohort, ana, sessions)


@pytest.fixture
def statements(services: Services) -> Iterator[list[str]]:
    engine = services.context.database.engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_every_section_comes_from_one_read(world: World, statements: list[str]) -> None:
    s, ana, first, second, third = world.services, world.ana, *world.sessions[:3]
    s.attendance.mark(first.id, ana.id, AttendanceStatus.PRESENT)
    s.attendance.mark(second.id, ana.id, AttendanceStatus.UNEXCUSED)
    s.attendance.mark(third.id, ana.id, AttendanceStatus.LATE, minutes=150)
    s.checkins.record(first.id, ana.id, CheckInDraft(mood=6, craving=3, emotion_words="tired"))
    s.checkins.record(
        third.id,
        ana.id,
        CheckInDraft(mood=3, challenges="a lapse", share_scope=ShareScope.CLINICIAN),
    )
    walk = s.goals.set_goal(ana.id, first.id, "Walk twice", "health")
    call = s.goals.set_goal(ana.id, first.id, "Call my sister", "family")
    sleep = s.goals.set_goal(ana.id, first.id, "Sleep by 11", "health")
    s.goals.review(walk.id, third.id, ReviewOutcome.DONE)
    s.goals.carry_forward(call.id, third.id, ReviewOutcome.PARTLY, barrier_note="busy week")
    s.goals.drop(sleep.id)

    statements.clear()
    profile = s.profiles.load(ana.id)
    # One read: six queries for the records, one for the sessions that counted for them.
    assert len([q for q in statements if q.startswith("SELECT")]) == 7

    assert (profile.display_name, profile.pronouns) == ("Ana R.", "she/her")
    assert (
        profile.current_stay is not None and profile.current_stay.cohort_name == "Tuesday Evening"
    )
    assert profile.tracks_cravings
    assert [m.status for m in profile.marks] == [
        AttendanceStatus.PRESENT,
        AttendanceStatus.UNEXCUSED,
        AttendanceStatus.LATE,
    ]
    assert profile.marks[0].at.tzinfo is not None and profile.marks[0].at.hour == 18  # local
    assert [(c.mood, c.craving, c.clinician_only) for c in profile.checkins] == [
        (6, 3, False),
        (3, None, True),
    ]
    domains = {d.domain: d for d in profile.domains}
    assert (domains["health"].goals, domains["health"].done) == (1, 1)  # the dropped one left out
    assert domains["health"].completion_rate == 1.0
    family = domains["family"]
    assert (family.goals, family.partly, family.open) == (2, 1, 1)  # carried forward: a new goal
    assert family.completion_rate == 0.5  # partly counts ½ (the definition every screen uses)

    kinds = [e.kind for e in profile.timeline]
    assert kinds[-1] is TimelineKind.JOINED
    assert profile.timeline == tuple(sorted(profile.timeline, key=lambda e: e.at, reverse=True))
    clinician_events = [e for e in profile.timeline if e.clinician_only]
    assert [e.kind for e in clinician_events] == [TimelineKind.CHECK_IN]
    reviewed = [e for e in profile.timeline if e.kind is TimelineKind.GOAL_REVIEWED]
    assert any("busy week" in e.detail for e in reviewed)

    # The clinician's notes are in the clinician part and nowhere else.
    assert profile.clinician.notes == NOTES
    shared = repr((profile.timeline, profile.goals, profile.stays, profile.checkins))
    assert "CLINICIAN-NOTE-MARKER" not in shared


def test_a_discharge_reason_is_clinician_only_and_the_stay_shows_how_it_ended(world: World) -> None:
    s = world.services
    enrollment = s.enrollments.for_participant(world.ana.id)[0]
    s.enrollments.end(
        enrollment.id, EnrollmentStatus.DISCHARGED, reason="REASON-MARKER", on=dt.date(2026, 2, 20)
    )
    profile = s.profiles.load(world.ana.id)
    assert profile.stays[0].status is EnrollmentStatus.DISCHARGED
    assert profile.clinician.stay_reasons == ((enrollment.id, "REASON-MARKER"),)
    assert "REASON-MARKER" not in repr((profile.timeline, profile.stays))
    left = [e for e in profile.timeline if e.kind is TimelineKind.LEFT]
    assert [e.summary for e in left] == ["Discharged from Tuesday Evening"]


def test_a_missing_participant_is_not_found(world: World) -> None:
    import uuid

    with pytest.raises(NotFound):
        world.services.profiles.load(uuid.uuid4())


def test_waitlist_and_activate_round_trip_keeps_the_start_date(world: World) -> None:
    s = world.services
    enrollment = s.enrollments.for_participant(world.ana.id)[0]
    waiting = s.enrollments.waitlist(enrollment.id, on=dt.date(2026, 2, 10))
    assert (waiting.status, waiting.start_date) == (EnrollmentStatus.WAITLIST, dt.date(2026, 2, 10))
    with pytest.raises(InvalidInput) as error:
        s.enrollments.waitlist(enrollment.id)
    assert error.value.field == "status"
    back = s.enrollments.activate(enrollment.id, on=dt.date(2026, 2, 1))
    assert (back.status, back.start_date) == (EnrollmentStatus.ACTIVE, dt.date(2026, 2, 1))


def test_reopen_undoes_an_end_and_refuses_a_second_open_stay(world: World) -> None:
    s = world.services
    enrollment = s.enrollments.for_participant(world.ana.id)[0]
    with pytest.raises(InvalidInput):
        s.enrollments.reopen(enrollment.id)  # not ended
    s.enrollments.end(enrollment.id, EnrollmentStatus.GRADUATED, reason="finished the program")
    reopened = s.enrollments.reopen(enrollment.id)
    assert (reopened.status, reopened.end_date, reopened.reason) == (
        EnrollmentStatus.ACTIVE,
        None,
        "",
    )
    s.enrollments.end(enrollment.id, EnrollmentStatus.WITHDREW)
    s.enrollments.enroll(world.ana.id, world.cohort.id)
    with pytest.raises(InvalidInput) as error:
        s.enrollments.reopen(enrollment.id)
    assert error.value.field == "cohort"
    with pytest.raises(InvalidInput):
        s.enrollments.reopen(enrollment.id, EnrollmentStatus.GRADUATED)
