"""The cohort's "today" and "this week": local calendar days in the cohort's own time zone.

Every date the program shows or reasons about is a *local* date in the zone of the cohort it
belongs to; every instant is an aware datetime (stored in UTC). They meet only here. The
instant every screen's figures are read at is *now*: nothing can be recorded in the future,
so a read as of now sees every record.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def zone_of(zone: dt.tzinfo | str) -> dt.tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def local_date(instant: dt.datetime, zone: dt.tzinfo | str) -> dt.date:
    """The calendar date ``instant`` falls on in ``zone``."""
    return instant.astimezone(zone_of(zone)).date()


def cohort_today(zone: dt.tzinfo | str, now: dt.datetime) -> dt.date:
    """Today in the cohort's zone (``zone``: the cohort's ``timezone``) at the instant ``now``."""
    return local_date(now, zone)


def unzoned_today(now: dt.datetime) -> dt.date:
    """Today for a date that belongs to no cohort (someone enrolled nowhere): the UTC date."""
    return local_date(now, dt.UTC)


def local_day_start(day: dt.date, zone: dt.tzinfo | str) -> dt.datetime:
    """The first instant (UTC) whose local date in ``zone`` is ``day`` or later.

    Midnight is looked up with ``fold=0``, which zoneinfo resolves to the offset before a
    transition: a midnight inside a spring-forward gap becomes the first instant after the
    gap, and a day that never existed (Pacific/Apia skipped 30 Dec 2011) starts when the next
    day does.
    """
    return dt.datetime.combine(day, dt.time(), tzinfo=zone_of(zone)).astimezone(dt.UTC)


def week_monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week: "this week" runs from it to the Sunday after."""
    return day - dt.timedelta(days=day.isoweekday() - 1)


def this_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of the ISO week holding ``today``."""
    monday = week_monday(today)
    return monday, monday + dt.timedelta(days=6)


def week_bounds(today: dt.date, zone: dt.tzinfo | str) -> tuple[dt.datetime, dt.datetime]:
    """The instants (UTC) this week starts and the next one starts, in the cohort's zone."""
    monday, _sunday = this_week(today)
    return local_day_start(monday, zone), local_day_start(monday + dt.timedelta(days=7), zone)


def session_over(start: dt.datetime, planned_minutes: int, at: dt.datetime) -> bool:
    """Whether a session starting at ``start`` is over at ``at``: its planned end has passed.
    A session counts (``app.services.figures.attendance``) only once it is over."""
    return start + dt.timedelta(minutes=planned_minutes) <= at
