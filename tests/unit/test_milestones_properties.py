"""Milestone dates are exact in every zone, across DST transitions and the date line.

Hypothesis picks a zone and one of its real offset changes (spring forward, fall back,
Lord Howe's half hour, Samoa's skipped day), and recovery start dates that put a milestone
on, just before or just after that day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.accountability.calendar import anniversary
from app.services.accountability.milestones import RECOVERY_DAYS, recovery_dates
from app.services.figures.today import local_date, local_day_start
from tests.unit.engine_facts import ZONES

TICK = dt.timedelta(microseconds=1)


@cache
def transitions(zone_name: str) -> tuple[dt.date, ...]:
    """Local dates (2011–2030) on which the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)
    found = []
    instant = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
    offset = instant.astimezone(zone).utcoffset()
    while instant.year < 2031:
        instant += dt.timedelta(hours=6)
        now = instant.astimezone(zone).utcoffset()
        if now != offset:
            found.append(local_date(instant, zone))
            offset = now
    return tuple(found) or (dt.date(2020, 3, 8),)


@st.composite
def zone_and_special_day(draw: st.DrawFn) -> tuple[ZoneInfo, dt.date]:
    name = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(transitions(name)))
    return ZoneInfo(name), day + dt.timedelta(days=draw(st.integers(-1, 1)))


@settings(max_examples=300, deadline=None)
@given(zone_and_special_day())
def test_a_local_day_starts_at_its_first_instant(case: tuple[ZoneInfo, dt.date]) -> None:
    zone, day = case
    start = local_day_start(day, zone)
    assert start.tzinfo is dt.UTC
    assert local_date(start, zone) >= day  # later only for a day that never happened
    assert local_date(start - TICK, zone) < day


@settings(max_examples=300, deadline=None)
@given(zone_and_special_day(), st.sampled_from(RECOVERY_DAYS))
def test_day_n_is_reached_at_the_first_instant_of_its_local_date(
    case: tuple[ZoneInfo, dt.date], days: int
) -> None:
    zone, milestone_day = case
    start = milestone_day - dt.timedelta(days=days)
    [(count, _, day)] = [
        m for m in recovery_dates(start, milestone_day, milestone_day) if m[0] == days
    ]
    assert day == milestone_day and count == days
    reached = local_day_start(day, zone)
    assert (local_date(reached, zone) - start).days >= days
    assert (local_date(reached - TICK, zone) - start).days < days
    # The same instant, seen from UTC, may be another date: the zone decides, not UTC.
    assert local_date(reached, zone) in (day, day + dt.timedelta(days=1))


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)), st.integers(1, 40))
def test_anniversaries_keep_the_month_and_day(start: dt.date, years: int) -> None:
    day = anniversary(start, years)
    assert day.year == start.year + years
    if (start.month, start.day) == (2, 29) and day.day != 29:
        assert (day.month, day.day) == (2, 28)
    else:
        assert (day.month, day.day) == (start.month, start.day)
    labels = [label for _, label, d in recovery_dates(start, day, day)]
    assert f"{years} year{'s' if years > 1 else ''} in recovery" in labels


def test_the_transitions_cover_the_interesting_zones() -> None:
    assert dt.date(2026, 3, 8) in transitions("America/New_York")
    assert dt.date(2026, 10, 4) in transitions("Australia/Lord_Howe")
    assert dt.date(2011, 12, 31) in transitions("Pacific/Apia")  # the day after the skipped one
