"""Weekly hours against the IOP minimum, on hand-computed cases, as the roster shows them.

The definitions are ``app.services.figures.attendance``'s; the roster reads them as of now,
so each test sets now after the sessions it counts are over.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.progress import RosterRow
from models import AgeGroup, AttendanceStatus
from tests.conftest import FakeNow

CHICAGO = ZoneInfo("America/Chicago")


def _cohort_with(services: Services, draft: CohortDraft, *names: str) -> tuple:  # type: ignore[type-arg]
    cohort = services.cohorts.create(draft)
    people = []
    for name in names:
        person = services.participants.create(ParticipantDraft(name))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 23))
        people.append(person)
    return cohort, people


SUNDAY_NIGHT = dt.datetime(2026, 3, 8, 23, 50, tzinfo=CHICAGO)  # the week of 2 March is over


def _rows(services: Services, cohort_id: object) -> dict[str, RosterRow]:
    return {r.display_name: r for r in services.progress.roster(cohort_id).rows}  # type: ignore[arg-type]


def test_adult_week_below_and_exactly_at_nine_hours(services: Services, now: FakeNow) -> None:
    cohort, (ann, bo) = _cohort_with(
        services, CohortDraft(name="Evening", timezone="America/Chicago"), "Ann", "Bo"
    )
    mon, wed, fri = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)
    now.value = SUNDAY_NIGHT
    services.attendance.mark(mon.id, ann.id, AttendanceStatus.PRESENT)  # 180
    services.attendance.mark(wed.id, ann.id, AttendanceStatus.LATE)  # 180 - 15 = 165
    services.attendance.mark(fri.id, ann.id, AttendanceStatus.LEFT_EARLY)  # 180 - 30 = 150
    for session in (mon, wed, fri):
        services.attendance.mark(session.id, bo.id, AttendanceStatus.PRESENT)

    by_name = _rows(services, cohort.id)
    assert by_name["Ann"].minutes_this_week == 495
    assert by_name["Ann"].weekly_minimum_minutes == 540
    assert [f.kind.value for f in by_name["Ann"].flags] == ["hours below minimum"]
    assert by_name["Bo"].minutes_this_week == 540
    assert by_name["Bo"].flags == ()  # exactly nine hours meets the minimum


def test_adolescents_need_six_hours_and_a_cohort_may_set_its_own(
    services: Services, now: FakeNow
) -> None:
    teens, (cy,) = _cohort_with(
        services,
        CohortDraft(name="Teens", age_group=AgeGroup.ADOLESCENT, planned_minutes=120),
        "Cy",
    )
    custom, (di,) = _cohort_with(
        services, CohortDraft(name="Custom", weekly_minimum_minutes=600), "Di"
    )
    teen_sessions = services.sessions.schedule_weeks(teens.id, dt.date(2026, 3, 2), 1)
    custom_sessions = services.sessions.schedule_weeks(custom.id, dt.date(2026, 3, 2), 1)
    now.value = dt.datetime(2026, 3, 8, 23, 50, tzinfo=dt.UTC)
    for session in teen_sessions:
        services.attendance.mark(session.id, cy.id, AttendanceStatus.PRESENT)
    for session in custom_sessions:
        services.attendance.mark(session.id, di.id, AttendanceStatus.PRESENT)
    teen_week, custom_week = _rows(services, teens.id)["Cy"], _rows(services, custom.id)["Di"]
    assert (teen_week.minutes_this_week, teen_week.weekly_minimum_minutes) == (360, 360)
    assert teen_week.flags == ()
    assert (custom_week.minutes_this_week, custom_week.weekly_minimum_minutes) == (540, 600)
    assert [f.kind.value for f in custom_week.flags] == ["hours below minimum"]


def test_a_late_sunday_session_counts_in_its_local_week(services: Services, now: FakeNow) -> None:
    cohort, (eve,) = _cohort_with(
        services, CohortDraft(name="Late", timezone="America/Chicago"), "Eve"
    )
    # Sunday 8 March 2026, 23:00 in Chicago is Monday 05:00 UTC: it belongs to the week of 2 March.
    sunday = dt.datetime(2026, 3, 8, 23, 0, tzinfo=CHICAGO)
    session = services.sessions.schedule(cohort.id, sunday, planned_minutes=45)
    now.value = SUNDAY_NIGHT  # Monday 04:50 UTC, already the week of 9 March in UTC
    services.attendance.mark(session.id, eve.id, AttendanceStatus.PRESENT)
    assert _rows(services, cohort.id)["Eve"].minutes_this_week == 45
    now.value = SUNDAY_NIGHT + dt.timedelta(minutes=15)  # Monday in Chicago: a new week
    assert _rows(services, cohort.id)["Eve"].minutes_this_week == 0


def test_a_session_counts_once_it_is_over(services: Services, now: FakeNow) -> None:
    cohort, (flo,) = _cohort_with(services, CohortDraft(name="Gap"), "Flo")
    monday = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)[0]
    now.value = monday.scheduled_start + dt.timedelta(minutes=30)  # in progress, Flo marked
    services.attendance.mark(monday.id, flo.id, AttendanceStatus.PRESENT)
    during = _rows(services, cohort.id)["Flo"]
    assert (during.minutes_this_week, during.current_streak) == (0, 0)
    now.value = monday.scheduled_start + dt.timedelta(minutes=180)  # its planned end
    after = _rows(services, cohort.id)["Flo"]
    assert (after.minutes_this_week, after.current_streak) == (180, 1)


def test_streak_and_rate_over_four_weeks(services: Services, now: FakeNow) -> None:
    cohort, (gil,) = _cohort_with(services, CohortDraft(name="Streaks"), "Gil")
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 2)
    marks = [
        AttendanceStatus.PRESENT,
        AttendanceStatus.UNEXCUSED,
        AttendanceStatus.PRESENT,
        AttendanceStatus.LATE,
        AttendanceStatus.PRESENT,
        AttendanceStatus.EXCUSED,
    ]
    now.value = dt.datetime(2026, 3, 14, 12, tzinfo=dt.UTC)
    for session, status in zip(sessions, marks, strict=True):
        services.attendance.mark(session.id, gil.id, status)
    (row,) = services.progress.roster(cohort.id).rows
    # Present, late, present since the unexcused absence; the excused one neither counts nor breaks.
    assert row.current_streak == 3
    assert row.attendance_rate == 4 / 5


def test_a_day_the_zone_skipped_gets_no_session_and_no_duplicate(services: Services) -> None:
    # Samoa skipped Friday 30 December 2011 when it moved across the date line.
    cohort = services.cohorts.create(
        CohortDraft(name="Apia", timezone="Pacific/Apia", meeting_days=(4, 5, 6))
    )
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2011, 12, 26), 1)
    assert [s.local_date for s in sessions] == [dt.date(2011, 12, 29), dt.date(2011, 12, 31)]
    assert len({s.scheduled_start for s in sessions}) == len(sessions)
