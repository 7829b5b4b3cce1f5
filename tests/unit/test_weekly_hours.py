"""Weekly hours against the IOP minimum, on hand-computed cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from models import AgeGroup, AttendanceStatus

CHICAGO = ZoneInfo("America/Chicago")


def _cohort_with(services: Services, draft: CohortDraft, *names: str) -> tuple:  # type: ignore[type-arg]
    cohort = services.cohorts.create(draft)
    people = []
    for name in names:
        person = services.participants.create(ParticipantDraft(name))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 23))
        people.append(person)
    return cohort, people


def test_adult_week_below_and_exactly_at_nine_hours(services: Services) -> None:
    cohort, (ann, bo) = _cohort_with(
        services, CohortDraft(name="Evening", timezone="America/Chicago"), "Ann", "Bo"
    )
    mon, wed, fri = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)
    services.attendance.mark(mon.id, ann.id, AttendanceStatus.PRESENT)  # 180
    services.attendance.mark(wed.id, ann.id, AttendanceStatus.LATE)  # 180 - 15 = 165
    services.attendance.mark(fri.id, ann.id, AttendanceStatus.LEFT_EARLY)  # 180 - 30 = 150
    for session in (mon, wed, fri):
        services.attendance.mark(session.id, bo.id, AttendanceStatus.PRESENT)

    rows = services.progress.weekly_hours(cohort.id, dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    by_name = {r.display_name: r for r in rows}
    assert by_name["Ann"].minutes == 495
    assert by_name["Ann"].minimum_minutes == 540
    assert not by_name["Ann"].meets_minimum
    assert by_name["Bo"].minutes == 540
    assert by_name["Bo"].meets_minimum  # exactly nine hours meets the minimum
    assert {r.week_start for r in rows} == {dt.date(2026, 3, 2)}


def test_adolescents_need_six_hours_and_a_cohort_may_set_its_own(services: Services) -> None:
    teens, (cy,) = _cohort_with(
        services,
        CohortDraft(name="Teens", age_group=AgeGroup.ADOLESCENT, planned_minutes=120),
        "Cy",
    )
    custom, (di,) = _cohort_with(
        services, CohortDraft(name="Custom", weekly_minimum_minutes=600), "Di"
    )
    for session in services.sessions.schedule_weeks(teens.id, dt.date(2026, 3, 2), 1):
        services.attendance.mark(session.id, cy.id, AttendanceStatus.PRESENT)
    for session in services.sessions.schedule_weeks(custom.id, dt.date(2026, 3, 2), 1):
        services.attendance.mark(session.id, di.id, AttendanceStatus.PRESENT)
    (teen_week,) = services.progress.weekly_hours(
        teens.id, dt.date(2026, 3, 2), dt.date(2026, 3, 2)
    )
    (custom_week,) = services.progress.weekly_hours(
        custom.id, dt.date(2026, 3, 2), dt.date(2026, 3, 2)
    )
    assert (teen_week.minutes, teen_week.minimum_minutes, teen_week.meets_minimum) == (
        360,
        360,
        True,
    )
    assert (custom_week.minutes, custom_week.minimum_minutes, custom_week.meets_minimum) == (
        540,
        600,
        False,
    )


def test_a_late_sunday_session_counts_in_its_local_week(services: Services) -> None:
    cohort, (eve,) = _cohort_with(
        services, CohortDraft(name="Late", timezone="America/Chicago"), "Eve"
    )
    # Sunday 8 March 2026, 23:00 in Chicago is Monday 05:00 UTC: it belongs to the week of 2 March.
    sunday = dt.datetime(2026, 3, 8, 23, 0, tzinfo=CHICAGO)
    session = services.sessions.schedule(cohort.id, sunday, planned_minutes=60)
    services.attendance.mark(session.id, eve.id, AttendanceStatus.PRESENT)
    rows = services.progress.weekly_hours(cohort.id, dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    assert [(r.week_start, r.minutes) for r in rows] == [
        (dt.date(2026, 3, 2), 60),
        (dt.date(2026, 3, 9), 0),
    ]


def test_absent_weeks_show_as_zero_not_missing(services: Services) -> None:
    cohort, _ = _cohort_with(services, CohortDraft(name="Gap"), "Flo")
    services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 2)
    rows = services.progress.weekly_hours(cohort.id, dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    assert [(r.week_start, r.minutes, r.meets_minimum) for r in rows] == [
        (dt.date(2026, 3, 2), 0, False),
        (dt.date(2026, 3, 9), 0, False),
    ]


def test_streak_and_rate_over_four_weeks(services: Services) -> None:
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
    for session, status in zip(sessions, marks, strict=True):
        services.attendance.mark(session.id, gil.id, status)
    (row,) = services.progress.roster(cohort.id, on=dt.date(2026, 3, 14))
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
