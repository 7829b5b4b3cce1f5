"""Who is in which cohort when: each seat's succession of stays, step-downs and returns."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from bisect import bisect_left
from dataclasses import dataclass, field

from app.demo import phrases
from app.demo.cohorts import CohortPlan
from models import AgeGroup, CohortType, EnrollmentStatus, LevelOfCare, Track

DAY = dt.timedelta(days=1)

# How a stay ends, by level of care: (status, weight, shortest and longest stay in days).
OUTCOMES = {
    LevelOfCare.IOP: (
        (EnrollmentStatus.GRADUATED, 66, 56, 98),
        (EnrollmentStatus.DISCHARGED, 14, 14, 70),
        (EnrollmentStatus.WITHDREW, 20, 7, 49),
    ),
    LevelOfCare.PHP: (
        (EnrollmentStatus.GRADUATED, 72, 21, 42),
        (EnrollmentStatus.DISCHARGED, 14, 7, 28),
        (EnrollmentStatus.WITHDREW, 14, 5, 21),
    ),
}
# Trajectory kinds by outcome (weights): graduates mostly thrive, early leavers mostly slip.
KINDS = {
    EnrollmentStatus.GRADUATED: (("thriving", 50), ("steady", 35), ("rollercoaster", 15)),
    EnrollmentStatus.DISCHARGED: (("slipping", 60), ("rollercoaster", 25), ("steady", 15)),
    EnrollmentStatus.WITHDREW: (("slipping", 45), ("steady", 35), ("rollercoaster", 20)),
}
STEP_DOWN_SHARE = 0.8  # PHP graduates who continue in an IOP group of the same kind
STEP_DOWN_WINDOW = 21  # days after PHP within which the IOP stay begins
RETURN_AFTER = (28, 150)  # days before someone who left may be readmitted


@dataclass(slots=True)
class Course:
    """A person's trajectory through one stay: mood, craving and attendance by week."""

    kind: str
    mood0: float
    slope: float  # mood per week (thriving), or the phase of a rollercoaster
    turn: float  # the week a slipping course turns down
    craving0: float
    attend: float  # the chance of attending in a good week


@dataclass(slots=True)
class Stay:
    """One enrollment. ``last`` is the last meeting day the person belongs to the group."""

    cohort: CohortPlan
    start: dt.date
    last: dt.date
    end: dt.date | None
    status: EnrollmentStatus
    reason: str
    course: Course
    note: str = ""
    person: int = -1
    follows: Stay | None = None  # the PHP stay this one steps down from
    attends: bool = True  # False for the waitlist and for people who never started


@dataclass(slots=True)
class People:
    """The participants, by index; each has a key (age group, track) and a list of stays."""

    keys: list[tuple[AgeGroup, Track]] = field(default_factory=list)
    stays: list[list[Stay]] = field(default_factory=list)

    def add(self, key: tuple[AgeGroup, Track]) -> int:
        self.keys.append(key)
        self.stays.append([])
        return len(self.keys) - 1


def draw_course(rng: random.Random, status: EnrollmentStatus, cravings: bool) -> Course:
    kinds = KINDS[status]
    kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
    mood0 = rng.uniform(2.5, 6.0)
    slope = rng.uniform(0.2, 0.45) if kind == "thriving" else rng.uniform(0.0, 2 * math.pi)
    attend = rng.uniform(0.9, 0.99) if kind in ("thriving", "steady") else rng.uniform(0.78, 0.93)
    return Course(
        kind=kind,
        mood0=mood0 if kind != "steady" else rng.uniform(4.5, 7.0),
        slope=slope,
        turn=rng.uniform(1.5, 5.0),
        craving0=rng.uniform(3.5, 8.5) if cravings else 0.0,
        attend=attend,
    )


def _draw_stay(
    rng: random.Random, cohort: CohortPlan, start: dt.date, today: dt.date, until: dt.date | None
) -> Stay:
    """A stay from ``start``; closed cohorts graduate everyone on ``until`` (the cycle's end)."""
    outcomes = OUTCOMES[cohort.level]
    status, _, shortest, longest = rng.choices(outcomes, [o[1] for o in outcomes])[0]
    if until is not None and status is EnrollmentStatus.GRADUATED:
        planned_last = until
    else:
        planned_last = start + rng.randint(shortest, longest) * DAY
        if until is not None:
            planned_last = min(planned_last, until - 7 * DAY)
    last = cohort.last_day_until(planned_last) or start
    last = max(last, start)
    end: dt.date | None = last
    if status is not EnrollmentStatus.GRADUATED:
        end = last + rng.randint(1, 5) * DAY  # the decision comes a few days after
    reason = ""
    if status is EnrollmentStatus.DISCHARGED:
        bank = (
            phrases.PHP_DISCHARGE_REASONS
            if cohort.level is LevelOfCare.PHP
            else phrases.DISCHARGE_REASONS
        )
        reason = rng.choice(bank)
    elif status is EnrollmentStatus.WITHDREW:
        reason = rng.choice(phrases.WITHDRAWAL_REASONS)
    course = draw_course(rng, status, cohort.track.has_cravings)
    if end is not None and end > today:  # still in the group on the demo's last day
        return Stay(cohort, start, today, None, EnrollmentStatus.ACTIVE, "", course)
    return Stay(cohort, start, last, end, status, reason, course)


def seat_stays(cohort: CohortPlan, rng: random.Random, today: dt.date) -> list[Stay]:
    """Every stay in ``cohort``: rolling seats refill within days; a closed cycle's members
    start together (a few in its first week) and graduate on its last day."""
    stays: list[Stay] = []
    if not cohort.days or cohort.days[0] > today:
        return stays
    first = cohort.days[0]
    if cohort.cohort_type is CohortType.CLOSED:
        closing = cohort.end_date or cohort.days[-1]
        for _ in range(cohort.capacity - rng.randint(0, 2)):
            late = cohort.first_day_from(first + rng.choice((0, 0, 0, 1, 2)) * DAY, today)
            stays.append(_draw_stay(rng, cohort, late or first, today, closing))
        return stays
    for _ in range(cohort.capacity):
        free_from = first + rng.randint(0, 13) * DAY  # a new program fills over two weeks
        while (start := cohort.first_day_from(free_from, today)) is not None:
            stay = _draw_stay(rng, cohort, start, today, None)
            stays.append(stay)
            if stay.end is None:
                break
            free_from = stay.last + rng.randint(1, 4) * DAY  # the waitlist fills it
    return stays


def link_step_downs(stays: list[Stay], rng: random.Random) -> None:
    """Let most PHP graduates continue in a matching IOP stay that begins soon after."""
    iop: dict[tuple[AgeGroup, Track], list[Stay]] = {}
    for stay in stays:
        if stay.cohort.level is LevelOfCare.IOP:
            iop.setdefault(stay.cohort.key, []).append(stay)
    for members in iop.values():
        members.sort(key=lambda s: (s.start, s.cohort.index))
    starts = {key: [s.start for s in group] for key, group in iop.items()}
    graduates = [
        s
        for s in stays
        if s.cohort.level is LevelOfCare.PHP and s.status is EnrollmentStatus.GRADUATED
    ]
    for php in sorted(graduates, key=lambda s: (s.last, s.cohort.index)):
        group = iop.get(php.cohort.key)
        if not group or php.end is None or rng.random() > STEP_DOWN_SHARE:
            continue
        index = bisect_left(starts[php.cohort.key], php.end + DAY)
        while index < len(group) and group[index].start <= php.end + STEP_DOWN_WINDOW * DAY:
            candidate = group[index]
            if candidate.follows is None:
                candidate.follows = php
                candidate.note = f"stepped down from {php.cohort.name}"[:200]
                break
            index += 1


def assign_people(stays: list[Stay], budget: int, rng: random.Random, people: People) -> list[Stay]:
    """Give stays a person: a new one, or someone returning after a stay elsewhere.

    New people are spread evenly over time (selection sampling: each stay that needs someone
    is a new person with chance new-people-left / stays-left), so exactly ``budget`` are
    created and the groups are as full at the end as at the start. A stay that gets no new
    person goes to someone ready to return, or is dropped (its seat stays empty for that
    time). A step-down keeps the person of its PHP stay. Returns the kept stays by start.
    """
    ordered = sorted(stays, key=lambda s: (s.start, s.cohort.index))
    continued = {id(s.follows): s for s in ordered if s.follows is not None}
    heads_left = sum(1 for s in ordered if s.follows is None)
    returning: dict[tuple[AgeGroup, Track], list[tuple[dt.date, int]]] = {}
    ready: dict[tuple[AgeGroup, Track], list[int]] = {}
    kept: list[Stay] = []
    kept_ids: set[int] = set()
    for stay in ordered:
        if stay.follows is not None and id(stay.follows) in kept_ids:
            stay.person = stay.follows.person
            stay.follows.reason = f"stepped down to {stay.cohort.name}"
        else:
            if stay.follows is not None:  # its PHP stay was dropped: it starts afresh
                stay.follows, stay.note = None, ""
            else:
                heads_left -= 1
            new_left = budget - len(people.keys)
            person = _fill(stay, new_left, heads_left + 1, rng, people, returning, ready)
            if person is None:
                if id(stay) in continued:
                    heads_left += 1  # the step-down that would have followed needs someone
                continue
            stay.person = person
        people.stays[stay.person].append(stay)
        kept.append(stay)
        kept_ids.add(id(stay))
        if stay.end is not None and id(stay) not in continued:
            back = stay.end + rng.randint(*RETURN_AFTER) * DAY
            heapq.heappush(returning.setdefault(stay.cohort.key, []), (back, stay.person))
    return kept


def _fill(
    stay: Stay,
    new_left: int,
    heads_left: int,
    rng: random.Random,
    people: People,
    returning: dict[tuple[AgeGroup, Track], list[tuple[dt.date, int]]],
    ready: dict[tuple[AgeGroup, Track], list[int]],
) -> int | None:
    key = stay.cohort.key
    waiting = returning.setdefault(key, [])
    pool = ready.setdefault(key, [])
    while waiting and waiting[0][0] <= stay.start:
        pool.append(heapq.heappop(waiting)[1])
    if new_left > 0 and rng.random() * heads_left < new_left:
        if rng.random() < 0.2:
            stay.note = f"waited {rng.randint(3, 21)} days for a seat"
        return people.add(key)
    if pool:
        # Readmission is likelier for someone who has been here less often: of a few people
        # ready to return, the one with the fewest stays comes back.
        picks = [rng.randrange(len(pool)) for _ in range(min(4, len(pool)))]
        chosen = min(picks, key=lambda i: (len(people.stays[pool[i]]), i))
        pool[chosen], pool[-1] = pool[-1], pool[chosen]
        stay.note = "returning participant"
        return pool.pop()
    return None


def late_enrollments(
    cohorts: list[CohortPlan],
    stays: list[Stay],
    people: People,
    total: int,
    rng: random.Random,
    today: dt.date,
) -> list[Stay]:
    """Enrollments for the people no seat went to: a short waitlist on full rolling groups,
    and referrals who never started (withdrawn a few days after being enrolled)."""
    needed = total - len(people.keys)
    active: dict[int, int] = {}
    for stay in stays:
        if stay.status is EnrollmentStatus.ACTIVE:
            active[stay.cohort.index] = active.get(stay.cohort.index, 0) + 1
    extra: list[Stay] = []
    for cohort in cohorts:
        full = active.get(cohort.index, 0) >= cohort.capacity - 1
        if cohort.cohort_type is not CohortType.ROLLING or not cohort.days or not full:
            continue
        for _ in range(min(rng.randint(1, 2), needed - len(extra))):
            start = max(cohort.days[0], today - rng.randint(0, 13) * DAY)
            course = draw_course(rng, EnrollmentStatus.GRADUATED, cohort.track.has_cravings)
            waiting = Stay(cohort, start, start, None, EnrollmentStatus.WAITLIST, "", course)
            waiting.note, waiting.attends = "waiting for a seat", False
            extra.append(waiting)
    while len(extra) < needed:
        cohort = rng.choice(cohorts)
        first = cohort.days[0] if cohort.days else cohort.start_date
        last = min(today, cohort.days[-1]) if cohort.days else today
        start = first + rng.randint(0, max(0, (last - first).days - 3)) * DAY
        end = min(today, start + rng.randint(3, 14) * DAY)
        course = draw_course(rng, EnrollmentStatus.WITHDREW, cohort.track.has_cravings)
        reason = rng.choice(phrases.NO_SHOW_REASONS)
        never = Stay(cohort, start, start, end, EnrollmentStatus.WITHDREW, reason, course)
        never.attends = False
        extra.append(never)
    for stay in extra:
        stay.person = people.add(stay.cohort.key)
        people.stays[stay.person].append(stay)
    return extra
