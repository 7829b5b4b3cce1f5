"""A facilitator's week through the services, on a real encrypted vault."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft
from models import AttendanceStatus, EnrollmentStatus, GoalStatus, ReviewOutcome, Track
from tests.conftest import FakeNow


def test_a_week_of_group(services: Services, now: FakeNow) -> None:
    cohort = services.cohorts.create(
        CohortDraft(name="Tuesday Evening", track=Track.SUBSTANCE_USE, timezone="America/Chicago")
    )
    ana = services.participants.create(ParticipantDraft(display_name="Ana R.", pronouns="she/her"))
    ben = services.participants.create(ParticipantDraft(display_name="Ben T."))
    services.enrollments.enroll(ana.id, cohort.id, start_date=dt.date(2026, 3, 1))
    services.enrollments.enroll(ben.id, cohort.id, start_date=dt.date(2026, 3, 1))
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 2)
    assert [s.local_date.isoweekday() for s in sessions] == [1, 3, 5, 1, 3, 5]

    first, second = sessions[0], sessions[1]
    services.attendance.mark(first.id, ana.id, AttendanceStatus.PRESENT)
    services.attendance.mark(first.id, ben.id, AttendanceStatus.LATE)
    services.checkins.record(
        first.id, ana.id, CheckInDraft(mood=6, emotion_words="tired", craving=3)
    )
    goal = services.goals.set_goal(ana.id, first.id, "Call my sponsor twice", "recovery")

    due = services.goal_board.board(cohort.id, second.id).due
    assert [g.id for g in due] == [goal.id]
    reviewed = services.goals.review(goal.id, second.id, ReviewOutcome.DONE)
    assert reviewed.status is GoalStatus.DONE
    assert services.goal_board.board(cohort.id, second.id).due == ()

    now.value = dt.datetime(2026, 3, 3, 17, 0, tzinfo=dt.UTC)  # Tuesday: Monday's group is over
    roster = {r.display_name: r for r in services.progress.roster(cohort.id).rows}
    assert roster["Ana R."].minutes_this_week == 180
    assert roster["Ben T."].minutes_this_week == 165
    assert roster["Ana R."].current_streak == 1
    assert roster["Ana R."].last_mood == 6
    assert roster["Ben T."].last_mood is None

    history = services.checkins.history(ana.id)
    assert [c.mood for c in history] == [6]


def test_craving_is_refused_for_a_mental_health_group(services: Services) -> None:
    cohort = services.cohorts.create(CohortDraft(name="MH", track=Track.MENTAL_HEALTH))
    person = services.participants.create(ParticipantDraft(display_name="Cy"))
    services.enrollments.enroll(person.id, cohort.id)
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC))
    with pytest.raises(InvalidInput) as error:
        services.checkins.record(session.id, person.id, CheckInDraft(mood=5, craving=4))
    assert error.value.field == "craving"


def test_discharge_needs_a_reason_and_keeps_the_row(services: Services) -> None:
    cohort = services.cohorts.create(CohortDraft(name="C"))
    person = services.participants.create(ParticipantDraft(display_name="Dee"))
    enrollment = services.enrollments.enroll(person.id, cohort.id).enrollment
    with pytest.raises(InvalidInput) as error:
        services.enrollments.end(enrollment.id, EnrollmentStatus.DISCHARGED)
    assert error.value.field == "reason"
    ended = services.enrollments.end(
        enrollment.id, EnrollmentStatus.DISCHARGED, reason="moved to residential care"
    )
    assert ended.status is EnrollmentStatus.DISCHARGED
    assert services.enrollments.for_cohort(cohort.id) == []
    assert len(services.enrollments.for_cohort(cohort.id, include_ended=True)) == 1
