"""Calendar-day arithmetic and wording for dates in a cohort's own time zone.

Local dates and instants meet in ``app.services.figures.today`` (the cohort's today, this
week, the start of a local day); this module counts and words the dates.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
