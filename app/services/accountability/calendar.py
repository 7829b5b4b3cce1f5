"""Calendar-day arithmetic in a cohort's own time zone, exact across DST and date-line changes.

Every date the engine reasons about is a *local* calendar date in the cohort's zone; every
instant is an aware UTC datetime. The two meet only here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_date(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    return instant.astimezone(zone).date()


def local_day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The first instant (UTC) whose local date in ``zone`` is ``day`` or later.

    Midnight is looked up with ``fold=0``, which zoneinfo resolves to the offset before a
    transition: a midnight inside a spring-forward gap becomes the first instant after the
    gap, and a day that never existed (Pacific/Apia skipped 30 Dec 2011) starts when the next
    day does.
    """
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def days_between(first: dt.date, instant: dt.datetime, zone: ZoneInfo) -> int:
    """Whole calendar days from ``first`` to the local date of ``instant`` (0 on ``first``)."""
    return (local_date(instant, zone) - first).days


def week_monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.isoweekday() - 1)


def anniversary(start: dt.date, years: int) -> dt.date:
    """``start`` plus whole calendar years; 29 February falls on 28 February in common years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def short_date(day: dt.date) -> str:
    """``Mon 2 Mar``: weekday, day of the month, month."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {day.strftime('%b')}"


def when(day: dt.date, today: dt.date) -> str:
    """How a facilitator says ``day`` on ``today``: "today", "on Thursday", "on Mon 2 Mar"…"""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if 1 < delta < 7:
        return f"on {WEEKDAYS[day.weekday()]}"
    if -7 < delta < -1:
        return f"last {WEEKDAYS[day.weekday()]}"
    suffix = f" {day.year}" if day.year != today.year else ""
    return f"on {short_date(day)}{suffix}"
