"""The demo program's cohorts: tracks, levels of care, schedules, and their meeting calendars."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from app.demo import phrases
from app.demo.rows import Row, clock_time, day, random_uid
from models import AgeGroup, CohortStatus, CohortType, LevelOfCare, Track

DAY = dt.timedelta(days=1)
CLOSED_CYCLE = dt.timedelta(weeks=12)
# A rolling cohort's program length (for halfway and graduation milestones).
PROGRAM_WEEKS = {
    (LevelOfCare.IOP, AgeGroup.ADULT): 12,
    (LevelOfCare.IOP, AgeGroup.ADOLESCENT): 10,
    (LevelOfCare.PHP, AgeGroup.ADULT): 4,
    (LevelOfCare.PHP, AgeGroup.ADOLESCENT): 4,
}
PHP_WEEKLY_MINIMUM = 20 * 60  # partial hospitalization: about 20 hours a week
IOP_PATTERNS = ((1, 3, 5), (2, 4, 6), (1, 2, 4), (2, 3, 5), (1, 3, 4))
DAY_ABBREVIATIONS = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ROMAN = ("", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X")

# The first cohorts follow this table so that even a small demo shows every kind of group:
# (track or None for a random one, level of care, age group, type).
LEAD_COHORTS: tuple[tuple[Track | None, LevelOfCare, AgeGroup, CohortType], ...] = (
    (Track.SUBSTANCE_USE, LevelOfCare.IOP, AgeGroup.ADULT, CohortType.ROLLING),
    (Track.MENTAL_HEALTH, LevelOfCare.PHP, AgeGroup.ADULT, CohortType.ROLLING),
    (Track.DUAL_DIAGNOSIS, LevelOfCare.IOP, AgeGroup.ADULT, CohortType.ROLLING),
    (None, LevelOfCare.IOP, AgeGroup.ADOLESCENT, CohortType.ROLLING),
    (Track.SUBSTANCE_USE, LevelOfCare.IOP, AgeGroup.ADULT, CohortType.CLOSED),
    (Track.MENTAL_HEALTH, LevelOfCare.IOP, AgeGroup.ADULT, CohortType.ROLLING),
    (Track.DUAL_DIAGNOSIS, LevelOfCare.PHP, AgeGroup.ADULT, CohortType.ROLLING),
    (Track.SUBSTANCE_USE, LevelOfCare.PHP, AgeGroup.ADULT, CohortType.ROLLING),
)
TRACK_WEIGHTS = ((Track.SUBSTANCE_USE, 4), (Track.DUAL_DIAGNOSIS, 3), (Track.MENTAL_HEALTH, 3))


@dataclass(slots=True)
class CohortPlan:
    """One cohort as the demo runs it; ``days`` are its meeting days up to the horizon.

    A rolling cohort runs the whole program. A closed one is a single 12-week cycle from
    ``start_date`` to ``end_date`` (the group meeting in that slot starts a new cohort for the
    next cycle), so that its dates are what milestones and reports take them to be.
    """

    index: int
    id: str
    name: str
    track: Track
    level: LevelOfCare
    cohort_type: CohortType
    age_group: AgeGroup
    capacity: int
    meeting_days: tuple[int, ...]
    start_time: dt.time
    planned_minutes: int
    zone: ZoneInfo
    facilitators: tuple[str, ...]
    weekly_minimum: int | None
    program_weeks: int | None
    start_date: dt.date
    end_date: dt.date | None = None
    status: CohortStatus = CohortStatus.ACTIVE
    days: list[dt.date] = field(default_factory=list)

    @property
    def key(self) -> tuple[AgeGroup, Track]:
        """Who this cohort serves: people return only to cohorts with the same key."""
        return self.age_group, self.track

    def first_day_from(self, date: dt.date, until: dt.date) -> dt.date | None:
        """The first meeting day on or after ``date`` and not after ``until``."""
        index = bisect_left(self.days, date)
        if index == len(self.days) or self.days[index] > until:
            return None
        return self.days[index]

    def last_day_until(self, date: dt.date) -> dt.date | None:
        """The last meeting day on or before ``date``."""
        index = bisect_right(self.days, date)
        return self.days[index - 1] if index else None

    def row(self, version: int, origin: str) -> Row:
        return (
            self.id, version, origin, 0, self.name, self.track.value, self.level.value,
            self.cohort_type.value, self.capacity, ",".join(map(str, self.meeting_days)),
            clock_time(self.start_time), self.planned_minutes, self.zone.key,
            self.status.value, ", ".join(self.facilitators), self.age_group.value,
            self.weekly_minimum, day(self.start_date), day(self.end_date), None,
            self.program_weeks,
        )  # fmt: skip


def _kind(index: int, rng: random.Random) -> tuple[Track, LevelOfCare, AgeGroup, CohortType]:
    if index < len(LEAD_COHORTS):
        track, level, age, kind = LEAD_COHORTS[index]
        if track is None:
            track = rng.choices([t for t, _ in TRACK_WEIGHTS], [w for _, w in TRACK_WEIGHTS])[0]
        return track, level, age, kind
    track = rng.choices([t for t, _ in TRACK_WEIGHTS], [w for _, w in TRACK_WEIGHTS])[0]
    age = AgeGroup.ADOLESCENT if rng.random() < 0.15 else AgeGroup.ADULT
    level = LevelOfCare.PHP if age is AgeGroup.ADULT and rng.random() < 0.3 else LevelOfCare.IOP
    kind = (
        CohortType.CLOSED
        if level is LevelOfCare.IOP and rng.random() < 0.12
        else (CohortType.ROLLING)
    )
    return track, level, age, kind


def _schedule(
    level: LevelOfCare, age: AgeGroup, rng: random.Random
) -> tuple[tuple[int, ...], dt.time, int, str]:
    """Meeting days, start time, planned minutes and a label such as "Mon/Wed/Fri evenings"."""
    if level is LevelOfCare.PHP:
        return (1, 2, 3, 4, 5), dt.time(9, 0), 300, "weekday mornings"
    days = rng.choice(IOP_PATTERNS)
    names = "/".join(DAY_ABBREVIATIONS[d] for d in days)
    if age is AgeGroup.ADOLESCENT:
        return days, dt.time(16, 0), 120, f"{names} afternoons"
    if rng.random() < 0.3:
        return days, dt.time(9, 30), 180, f"{names} mornings"
    return days, dt.time(18, 0), 180, f"{names} evenings"


def plan_cohorts(
    count: int, rng: random.Random, first_day: dt.date, today: dt.date, horizon: dt.date
) -> list[CohortPlan]:
    """Cohorts for ``count`` groups meeting side by side from ``first_day`` through
    ``horizon``: one per rolling group, one per 12-week cycle of a closed group."""
    zones = [z for z, _ in phrases.TIMEZONES]
    zone_weights = [w for _, w in phrases.TIMEZONES]
    taken: dict[str, int] = {}
    plans: list[CohortPlan] = []
    for slot in range(count):
        track, level, age, kind = _kind(slot, rng)
        meeting_days, start_time, minutes, label = _schedule(level, age, rng)
        word = rng.choice(phrases.COHORT_WORDS[track.value])
        prefix = "Teen " if age is AgeGroup.ADOLESCENT else ""
        level_word = " PHP" if level is LevelOfCare.PHP else ""
        base = f"{prefix}{word}{level_word}"
        seen = taken.get(f"{base}{label}", 0)
        taken[f"{base}{label}"] = seen + 1
        name = f"{base}{ROMAN[seen] if seen < len(ROMAN) else f' {seen + 1}'} · {label}"
        template = CohortPlan(
            index=0,
            id="",
            name=name,
            track=track,
            level=level,
            cohort_type=kind,
            age_group=age,
            capacity=12 if age is AgeGroup.ADULT else 10,
            meeting_days=meeting_days,
            start_time=start_time,
            planned_minutes=minutes,
            zone=ZoneInfo(rng.choices(zones, zone_weights)[0]),
            facilitators=tuple(rng.sample(phrases.STAFF, 2)),
            weekly_minimum=PHP_WEEKLY_MINIMUM if level is LevelOfCare.PHP else None,
            program_weeks=None,
            start_date=first_day,
        )
        spans: list[tuple[dt.date, dt.date | None]]
        if kind is CohortType.ROLLING:
            spans = [(first_day, None)]
            template.program_weeks = PROGRAM_WEEKS[level, age]
        else:
            spans = [
                (first_day + cycle * CLOSED_CYCLE, first_day + (cycle + 1) * CLOSED_CYCLE - DAY)
                for cycle in range((today - first_day) // CLOSED_CYCLE + 1)
            ]
        for start, last in spans:
            plan = replace(template, index=len(plans), id=random_uid(rng.getrandbits(128)))
            plan.start_date = start
            plan.days = _meeting_days(meeting_days, start, min(last or horizon, horizon))
            if last is not None:  # a closed cycle ends on its last meeting day
                plan.end_date = plan.days[-1] if plan.days else last
                plan.name = f"{name} · closed, from {start.day} {start:%b %Y}"
                if plan.end_date < today:
                    plan.status = CohortStatus.FINISHED
            plans.append(plan)
    return plans


def _meeting_days(weekdays: tuple[int, ...], first: dt.date, last: dt.date) -> list[dt.date]:
    span = (last - first).days + 1
    every = (first + offset * DAY for offset in range(span))
    return [d for d in every if d.isoweekday() in weekdays]


def holidays(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """US holidays on which groups do not meet (New Year, Memorial Day, July 4, Labor Day,
    Thanksgiving, Christmas) between ``first`` and ``last``."""
    found = set()
    for year in range(first.year, last.year + 1):
        may_31 = dt.date(year, 5, 31)
        found |= {
            dt.date(year, 1, 1),
            may_31 - dt.timedelta(days=(may_31.weekday() - 0) % 7),
            dt.date(year, 7, 4),
            _nth_weekday(year, 9, 0, 1),
            _nth_weekday(year, 11, 3, 4),
            dt.date(year, 12, 25),
        }
    return frozenset(d for d in found if first <= d <= last)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
