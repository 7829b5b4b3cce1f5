"""Milestones on hand-made histories: recovery days and years, streaks, goals, program dates,
the celebration window, and sessions on daylight-saving and date-line days."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.accountability.milestones import Milestone, MilestoneKind, recovery_dates
from app.services.container import Services
from app.services.participants import ParticipantRow
from models import CohortType, ReviewOutcome
from tests.conftest import FakeNow
from tests.unit.engine_world import World

D = dt.date


def labels(found: list[Milestone], person: ParticipantRow) -> list[str]:
    return [m.label for m in found if m.participant_id == person.id]


def test_recovery_days_and_years() -> None:
    found = {
        label: day
        for _, label, day in recovery_dates(D(2026, 1, 1), D(2026, 1, 1), D(2028, 12, 31))
    }
    assert found == {
        "1 day in recovery": D(2026, 1, 2),
        "7 days in recovery": D(2026, 1, 8),
        "14 days in recovery": D(2026, 1, 15),
        "30 days in recovery": D(2026, 1, 31),
        "60 days in recovery": D(2026, 3, 2),
        "90 days in recovery": D(2026, 4, 1),
        "180 days in recovery": D(2026, 6, 30),
        "270 days in recovery": D(2026, 9, 28),
        "1 year in recovery": D(2027, 1, 1),
        "2 years in recovery": D(2028, 1, 1),
    }
    assert list(recovery_dates(D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 1))) == []  # day 0


def test_years_fall_on_the_anniversary_and_29_february_on_the_28th() -> None:
    def years(start: D) -> dict[int, D]:
        return {
            count: day
            for count, label, day in recovery_dates(start, start, D(start.year + 4, 12, 31))
            if "year" in label
        }

    leap = years(D(2024, 2, 29))
    assert list(leap.values()) == [D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29)]
    across_leap = years(D(2027, 3, 1))
    assert across_leap[366] == D(2028, 3, 1)  # "1 year" is 366 days when a 29 February falls in it


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now)


def test_celebrated_from_the_session_day_to_the_day_before_the_next(world: World) -> None:
    # Sessions on Mon 5, Wed 7, Fri 9 Jan. 14 days falls on Thursday 8 January.
    ana = world.person("Ana", recovery=D(2025, 12, 25))
    mon, wed, fri = world.weeks(1)
    assert labels(world.services.accountability.celebrations(mon.id), ana) == []
    [thursday] = world.services.accountability.celebrations(wed.id)
    assert thursday.date == D(2026, 1, 8)
    assert thursday.phrase(wed.local_date) == "14 days in recovery tomorrow"
    assert thursday.source.entity == "participant"
    assert labels(world.services.accountability.celebrations(fri.id), ana) == []


def test_the_wording_of_when(world: World) -> None:
    ana = world.person(
        "Ana", recovery=D(2025, 12, 5), joined=D(2025, 12, 1)
    )  # 30 days on Sunday 4 January
    _, _, fri = world.weeks(1, first=D(2025, 12, 29))
    [milestone] = world.services.accountability.celebrations(fri.id)
    assert milestone.phrase(fri.local_date) == "30 days in recovery on Sunday"
    assert milestone.phrase(D(2026, 1, 6)) == "30 days in recovery last Sunday"
    assert milestone.phrase(D(2026, 2, 6)) == "30 days in recovery on Sun 4 Jan"
    assert milestone.participant_id == ana.id


def test_attendance_streaks_at_4_8_12_celebrated_at_the_next_session(world: World) -> None:
    ana, ben = world.person("Ana"), world.person("Ben")
    s = world.weeks(5)
    world.present(s[:13], ben)
    world.present(s[:4], ana)
    celebrate = world.services.accountability.celebrations
    assert "4 sessions in a row" not in labels(celebrate(s[3].id), ana)
    [four] = [m for m in celebrate(s[4].id) if m.participant_id == ana.id]
    assert four.label == "4 sessions in a row" and four.source.id == s[3].id
    assert four.date == s[3].local_date
    assert labels(celebrate(s[5].id), ana) == []  # once only
    assert labels(celebrate(s[8].id), ben) == ["8 sessions in a row"]
    assert labels(celebrate(s[12].id), ben) == ["12 sessions in a row"]
    assert labels(celebrate(s[13].id), ben) == []  # 13 is not a milestone


def test_a_streak_counts_again_after_a_break(world: World) -> None:
    ana, ben = world.person("Ana"), world.person("Ben")
    s = world.weeks(4)
    world.present(s[:10], ben)
    world.present(s[:2] + s[3:7], ana)  # two, a gap at s[2], then four
    assert labels(world.services.accountability.celebrations(s[7].id), ana) == [
        "4 sessions in a row"
    ]


def test_goals_completed_five(world: World) -> None:
    ana = world.person("Ana")
    s = world.weeks(3)
    world.present(s[:7], ana)
    for k in range(5):
        goal = world.services.goals.set_goal(ana.id, s[k].id, f"Goal {k}", "health")
        world.services.goals.review(goal.id, s[k + 1].id, ReviewOutcome.DONE)
    not_done = world.services.goals.set_goal(ana.id, s[5].id, "Another", "health")
    world.services.goals.review(not_done.id, s[6].id, ReviewOutcome.PARTLY)
    goals = MilestoneKind.GOALS_COMPLETED
    [five] = [m for m in world.services.accountability.celebrations(s[6].id) if m.kind is goals]
    assert five.label == "5 goals completed" and five.source.entity == "goal_review"
    assert [m for m in world.services.accountability.celebrations(s[7].id) if m.kind is goals] == []


def test_program_halfway_and_graduation_of_a_closed_cohort(
    services: Services, now: FakeNow
) -> None:
    world = World(services, now, cohort_type=CohortType.CLOSED, end=D(2026, 3, 30))
    ana = world.person("Ana")
    found = services.accountability.milestones_between(
        world.cohort.id, D(2026, 1, 1), D(2026, 4, 30)
    )
    assert [(m.label, m.date) for m in found if m.participant_id == ana.id] == [
        ("Halfway through the program", D(2026, 2, 16)),
        ("Graduation", D(2026, 3, 30)),
    ]


def test_program_of_a_rolling_cohort_from_program_weeks(world: World) -> None:
    ana = world.person("Ana", joined=D(2026, 1, 12))
    services = world.services
    first, last = D(2026, 1, 1), D(2026, 4, 30)
    assert services.accountability.milestones_between(world.cohort.id, first, last) == []
    services.program_settings.update(world.cohort.id, partner_contact_days=None, program_weeks=8)
    found = services.accountability.milestones_between(world.cohort.id, first, last)
    assert [(m.label, m.date) for m in found if m.participant_id == ana.id] == [
        ("Halfway through the program", D(2026, 2, 9)),
        ("Graduation", D(2026, 3, 9)),
    ]


@pytest.mark.parametrize(
    ("zone", "day", "at", "days_in"),
    [
        (
            "America/New_York",
            D(2026, 3, 8),
            dt.time(20, 0),
            14,
        ),  # spring forward; 00:00 UTC next day
        ("America/New_York", D(2026, 11, 1), dt.time(20, 0), 30),  # fall back
        ("Australia/Lord_Howe", D(2026, 10, 4), dt.time(8, 0), 30),  # half-hour DST; UTC day before
        ("Pacific/Chatham", D(2026, 4, 5), dt.time(7, 0), 7),  # +13:45 → +12:45
        ("Pacific/Apia", D(2026, 1, 1), dt.time(9, 0), 60),  # +13: the UTC date is the day before
    ],
)
def test_milestones_fall_on_the_cohort_local_date(
    services: Services, now: FakeNow, zone: str, day: D, at: dt.time, days_in: int
) -> None:
    now.value = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    world = World(
        services, now, timezone=zone, days=(day.isoweekday(),), at=at, start=D(2025, 12, 1)
    )
    ana = world.person("Ana", recovery=day - dt.timedelta(days=days_in))
    [session] = world.weeks(1, first=day)
    assert session.local_date == day
    assert session.scheduled_start.date() != day  # a UTC date would be wrong
    [milestone] = services.accountability.celebrations(session.id)
    assert (milestone.date, milestone.count) == (day, days_in)
    assert milestone.phrase(session.local_date) == f"{days_in} days in recovery today"
    assert milestone.participant_id == ana.id


def test_the_day_apia_skipped(services: Services, now: FakeNow) -> None:
    # Samoa moved across the date line: Friday 30 December 2011 never happened there.
    world = World(services, now, timezone="Pacific/Apia", days=(4, 6), start=D(2011, 12, 26))
    ana = world.person("Ana", recovery=D(2011, 12, 29))
    thursday = services.sessions.schedule(
        world.cohort.id, dt.datetime(2011, 12, 29, 9, tzinfo=dt.timezone(dt.timedelta(hours=-10)))
    )
    saturday = services.sessions.schedule(
        world.cohort.id, dt.datetime(2011, 12, 31, 9, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    )
    assert (thursday.local_date, saturday.local_date) == (D(2011, 12, 29), D(2011, 12, 31))
    assert saturday.scheduled_start - thursday.scheduled_start == dt.timedelta(hours=24)
    [day_one] = services.accountability.celebrations(thursday.id)
    assert (day_one.label, day_one.date) == ("1 day in recovery", D(2011, 12, 30))
    # Calendar days in the cohort's zone: 7 days in recovery on 5 January, as the calendar
    # on the wall in Apia says, though only 6 days of time passed.
    assert [m.label for m in services.accountability.celebrations(saturday.id)] == [
        "7 days in recovery"
    ]
    assert ana.id == day_one.participant_id
