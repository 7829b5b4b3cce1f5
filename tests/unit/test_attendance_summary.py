"""Attendance chart data and this week's projection against the minimum, on hand-computed cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from app.services.attendance.summary import AttendanceSummary, Outlook
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft
from app.services.sessions import SessionRow
from models import AttendanceStatus, SessionStatus
from tests.conftest import FakeNow

P, L, LEFT, E, U = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
)
TODAY = dt.date(2026, 3, 2)  # the fixture clock's Monday
LAST_MONDAY = dt.date(2026, 2, 23)


@dataclass
class Group:
    cohort_id: uuid.UUID
    people: dict[str, uuid.UUID]
    sessions: list[SessionRow]  # Feb 23, 25, 27, Mar 2, 4, 6 (Mon/Wed/Fri, 180 minutes)


def group(services: Services, *, minimum: int | None = None) -> Group:
    """Ana and Ben from last Monday, Cy from today, Dee on the waitlist (never counted)."""
    cohort = services.cohorts.create(CohortDraft(name="Evening", weekly_minimum_minutes=minimum))
    people = {}
    for name, start, waitlist in (
        ("Ana", LAST_MONDAY, False),
        ("Ben", LAST_MONDAY, False),
        ("Cy", TODAY, False),
        ("Dee", LAST_MONDAY, True),
    ):
        person = services.participants.create(ParticipantDraft(name))
        services.enrollments.enroll(person.id, cohort.id, start_date=start, waitlist=waitlist)
        people[name] = person.id
    sessions = services.sessions.schedule_weeks(cohort.id, LAST_MONDAY, 2)
    assert [s.local_date.day for s in sessions] == [23, 25, 27, 2, 4, 6]
    return Group(cohort.id, people, sessions)


def mark(services: Services, g: Group, index: int, name: str, status: AttendanceStatus) -> None:
    services.attendance.mark(g.sessions[index].id, g.people[name], status)


def last_week_and_today(services: Services, g: Group) -> AttendanceSummary:
    for index, name, status in (
        (0, "Ana", P),  # 180
        (0, "Ben", L),  # 165
        (1, "Ana", P),  # 180
        (1, "Ben", E),  # excused: not expected
        (2, "Ana", U),
        (2, "Ben", P),  # 180
        (3, "Ana", P),  # 180, today
        (3, "Ben", U),
        (3, "Cy", LEFT),  # 150
    ):
        mark(services, g, index, name, status)
    return services.attendance_summary.summary(g.cohort_id)


def test_weekly_and_daily_rates(services: Services) -> None:
    g = group(services)
    summary = last_week_and_today(services, g)
    assert (summary.today, summary.this_week, summary.minimum_minutes) == (TODAY, TODAY, 540)
    # Last week: 2 expected Mon (2 came), 1 Wed (Ben excused; Ana came), 2 Fri (Ben came).
    # This week so far: Ana, Ben and Cy expected Monday, Ana and Cy came.
    assert [(w.start, w.sessions, w.expected, w.attended) for w in summary.weekly] == [
        (LAST_MONDAY, 3, 5, 4),
        (TODAY, 1, 3, 2),
    ]
    assert summary.weekly[0].rate == pytest.approx(0.8)
    assert [(d.start.day, d.expected, d.attended) for d in summary.daily] == [
        (23, 2, 2),
        (25, 1, 1),
        (27, 2, 1),
        (2, 3, 2),
    ]


def test_weekly_hours_of_current_members(services: Services) -> None:
    g = group(services)
    summary = services.attendance_summary.summary(g.cohort_id, hours_weeks=2)
    assert summary.hours_weeks == [LAST_MONDAY, TODAY]
    summary = last_week_and_today(services, g)
    weeks = {
        (w.display_name, w.week_start.day): (w.minutes, w.remaining_minutes, w.enrolled)
        for w in services.attendance_summary.summary(g.cohort_id, hours_weeks=2).member_weeks
    }
    assert weeks == {
        ("Ana", 23): (360, 0, True),
        ("Ana", 2): (180, 360, True),
        ("Ben", 23): (345, 0, True),
        ("Ben", 2): (0, 360, True),
        ("Cy", 23): (0, 0, False),  # not yet a member: no bar, not "below"
        ("Cy", 2): (150, 360, True),
    }
    assert len(summary.member_weeks) == 3 * 6  # six weeks by default; Dee waits


def test_projection_of_who_can_still_reach_nine_hours(services: Services) -> None:
    g = group(services)
    below = last_week_and_today(services, g).below_minimum
    # Ben: 0 + 360 < 540, short by 180. Cy: 150 + 360 = 510, short by 30 (joined today).
    # Ana: 180 + 360 = 540 reaches it only by attending both remaining sessions.
    assert [
        (r.display_name, r.minutes, r.remaining_sessions, r.projected_minutes, r.sessions_needed)
        for r in below
    ] == [("Ben", 0, 2, 360, 0), ("Cy", 150, 2, 510, 0), ("Ana", 180, 2, 540, 2)]
    assert [r.outlook for r in below] == [
        Outlook.CANNOT_REACH,
        Outlook.CANNOT_REACH,
        Outlook.NEEDS_SESSIONS,
    ]
    assert [r.joined_on for r in below] == [None, TODAY, None]


def test_projection_with_the_cohorts_own_minimum_and_a_cancelled_session(
    services: Services,
) -> None:
    g = group(services, minimum=300)
    mark(services, g, 3, "Ana", P)
    mark(services, g, 4, "Ana", P)  # Wednesday marked early: 360 ≥ 300, not listed
    mark(services, g, 3, "Cy", LEFT)  # 150
    services.sessions.set_status(g.sessions[5].id, SessionStatus.CANCELLED)  # Friday is off
    below = services.attendance_summary.summary(g.cohort_id).below_minimum
    # Ben: only Wednesday remains for him (Ana's mark made it "held"): 0 + 0 < 300.
    # Wednesday is held, so nothing is scheduled: Ben and Cy cannot reach 300.
    assert [(r.display_name, r.remaining_sessions, r.outlook) for r in below] == [
        ("Ben", 0, Outlook.CANNOT_REACH),
        ("Cy", 0, Outlook.CANNOT_REACH),
    ]
    services.attendance.restore(
        g.sessions[4].id, g.people["Ana"], None, session_status=SessionStatus.SCHEDULED
    )
    below = services.attendance_summary.summary(g.cohort_id).below_minimum
    # Wednesday is scheduled again: Ana 180 + 180 = 360 needs it; Cy 150 + 180 = 330 too.
    assert [(r.display_name, r.projected_minutes, r.sessions_needed) for r in below] == [
        ("Ben", 180, 0),
        ("Cy", 330, 1),
        ("Ana", 360, 1),
    ]


def test_an_empty_cohort_has_empty_figures(services: Services) -> None:
    cohort = services.cohorts.create(CohortDraft(name="New"))
    summary = services.attendance_summary.summary(cohort.id)
    assert (summary.weekly, summary.daily, summary.member_weeks, summary.below_minimum) == (
        [],
        [],
        [],
        [],
    )


def test_undo_restores_the_previous_mark_exactly(services: Services) -> None:
    g = group(services)
    session, ana = g.sessions[3], g.people["Ana"]
    first = services.attendance.mark(session.id, ana, L, minutes=100, note="train delay")
    assert services.sessions.get(session.id).status is SessionStatus.HELD
    services.attendance.mark(session.id, ana, U)
    restored = services.attendance.restore(
        session.id, ana, first, session_status=SessionStatus.HELD
    )
    assert restored == first
    assert services.attendance.for_session(session.id) == [first]
    services.attendance.restore(session.id, ana, None, session_status=SessionStatus.SCHEDULED)
    assert services.attendance.for_session(session.id) == []  # a tombstone, not a row gone
    assert services.sessions.get(session.id).status is SessionStatus.SCHEDULED
    again = services.attendance.mark(session.id, ana, P)
    assert (again.id, again.minutes_attended) == (first.id, 180)
    services.attendance.clear(session.id, ana)
    services.attendance.clear(session.id, ana)  # clearing twice is harmless
    assert services.attendance.for_session(session.id) == []
    with pytest.raises(InvalidInput):
        services.attendance.restore(g.sessions[4].id, ana, first, session_status=SessionStatus.HELD)
    live_round = dataclasses.replace(first, arrived_minute=20)
    restored = services.attendance.restore(
        session.id, ana, live_round, session_status=SessionStatus.HELD
    )
    assert restored == live_round  # a live round's minute of arrival comes back too
    assert services.attendance.for_session(session.id) == [live_round]


def test_a_session_that_ended_unmarked_is_not_counted_as_still_to_come(
    services: Services, now: FakeNow
) -> None:
    g = group(services)
    mark(services, g, 3, "Ana", P)  # Monday, 180

    def ana() -> tuple[int, Outlook]:
        below = services.attendance_summary.summary(g.cohort_id).below_minimum
        (row,) = [r for r in below if r.display_name == "Ana"]
        return row.remaining_sessions, row.outlook

    now.advance(days=2, hours=3, minutes=30)  # Wednesday 20:30 UTC: its session is under way
    assert ana() == (2, Outlook.NEEDS_SESSIONS)
    now.advance(hours=1)  # 21:30: it ended, and nobody marked it
    assert ana() == (1, Outlook.CANNOT_REACH)


def test_the_grid_shows_a_fortnight_of_sessions_members_and_marks(services: Services) -> None:
    g = group(services)
    mark(services, g, 3, "Ana", P)
    grid = services.attendance.grid(g.cohort_id)
    assert (grid.first_day, grid.last_day, grid.today) == (LAST_MONDAY, dt.date(2026, 3, 8), TODAY)
    assert [s.id for s in grid.sessions] == [s.id for s in g.sessions]
    assert [m.display_name for m in grid.members] == ["Ana", "Ben", "Cy"]  # Dee waits
    cy = grid.members[2]
    assert not cy.enrolled_on(LAST_MONDAY) and cy.enrolled_on(TODAY)
    assert list(grid.marks) == [(g.sessions[3].id, g.people["Ana"])]
    assert grid.total_sessions == 6
    earlier = services.attendance.grid(g.cohort_id, weeks=1, ending=LAST_MONDAY)
    assert [s.local_date.day for s in earlier.sessions] == [23, 25, 27]
