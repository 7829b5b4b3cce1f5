"""The demo's peer accountability rows: each person's values, partner pairs and contacts.

Partners are paired as a facilitator would on a rolling group: a newcomer is paired with
the longest-standing member who has no partner, a pair ends when either of them leaves, and
the one who stays is paired with the next newcomer. Pairs log a few contacts a week, some
fewer than others, so that "no partner contact" flags appear where a facilitator would look.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.demo import phrases
from app.demo.cohorts import CohortPlan
from app.demo.rows import Row, day, random_uid, stamp
from app.demo.stays import People, Stay
from app.services.values import STANDARD_VALUES
from models import ContactMethod, EnrollmentStatus
from models.value import ValueSource

METHODS: tuple[tuple[ContactMethod, int], ...] = (
    (ContactMethod.TEXT, 45),
    (ContactMethod.CALL, 35),
    (ContactMethod.VIDEO, 10),
    (ContactMethod.IN_PERSON, 7),
    (ContactMethod.OTHER, 3),
)
CONTACT_HOUR = dt.time(20)


def value_rows(
    people: People,
    person_ids: Sequence[str],
    rng: random.Random,
    origin: str,
    next_version: Callable[[], int],
) -> list[Row]:
    """Two to four values per person, ranked; about one in four in their own words."""
    rows: list[Row] = []
    for index, stays in enumerate(people.stays):
        if not stays:
            continue
        named = dt.datetime.combine(stays[0].start, dt.time(12), tzinfo=dt.UTC)
        chosen: list[tuple[str, ValueSource]] = []
        wanted = rng.randint(2, 4)
        while len(chosen) < wanted:
            if rng.random() < 0.25:
                text, source = rng.choice(phrases.OWN_VALUES), ValueSource.OWN_WORDS
            else:
                text, source = rng.choice(STANDARD_VALUES), ValueSource.LIST
            if all(text != t for t, _ in chosen):
                chosen.append((text, source))
        for rank, (text, source) in enumerate(chosen, start=1):
            rows.append((
                random_uid(rng.getrandbits(128)), next_version(), origin, 0, person_ids[index],
                text, source.value, rank, stamp(named),
            ))  # fmt: skip
    return rows


@dataclass(slots=True)
class _Pair:
    first: Stay
    second: Stay
    start: dt.date
    end: dt.date | None = None


def _ongoing(stay: Stay, today: dt.date) -> bool:
    return stay.status is EnrollmentStatus.ACTIVE and stay.end is None and stay.last >= today


@dataclass(slots=True)
class PartnerRows:
    pairs: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)


def partner_rows(
    plan: CohortPlan,
    stays: Sequence[Stay],
    person_ids: Sequence[str],
    rng: random.Random,
    today: dt.date,
    origin: str,
    next_version: Callable[[], int],
) -> PartnerRows:
    """One cohort's pairs over its whole history and the contacts each pair logged."""
    members = sorted(
        (
            s
            for s in stays
            if s.attends and s.start <= today and s.status is not EnrollmentStatus.WAITLIST
        ),
        key=lambda s: (s.start, s.person),
    )
    pairs: list[_Pair] = []
    open_pairs: list[_Pair] = []
    waiting: list[Stay] = []  # present, without a partner, longest-standing first
    for newcomer in members:
        joined = newcomer.start
        for pair in list(open_pairs):
            if pair.first.last < joined or pair.second.last < joined:
                pair.end = min(pair.first.last, pair.second.last)
                open_pairs.remove(pair)
                waiting.extend(s for s in (pair.first, pair.second) if s.last >= joined)
        waiting = sorted(
            (s for s in waiting if s.last >= joined), key=lambda s: (s.start, s.person)
        )
        if waiting:
            pair = _Pair(waiting.pop(0), newcomer, joined)
            pairs.append(pair)
            open_pairs.append(pair)
        else:
            waiting.append(newcomer)
    for pair in open_pairs:
        if not (_ongoing(pair.first, today) and _ongoing(pair.second, today)):
            pair.end = min(pair.first.last, pair.second.last, today)

    result = PartnerRows()
    yesterday = today - dt.timedelta(days=1)  # today's calls are not logged yet
    for pair in pairs:  # in the order they began
        pair_id = random_uid(rng.getrandbits(128))
        first, second = person_ids[pair.first.person], person_ids[pair.second.person]
        result.pairs.append((
            pair_id, next_version(), origin, 0, plan.id, first, second, None,
            day(pair.start), day(pair.end),
        ))  # fmt: skip
        result.contacts.extend(
            _contacts(plan, pair_id, (first, second), pair.start, min(pair.end or today, yesterday),
                      rng, origin, next_version)
        )  # fmt: skip
    return result


def _contacts(
    plan: CohortPlan,
    pair_id: str,
    people: tuple[str, str],
    start: dt.date,
    last: dt.date,
    rng: random.Random,
    origin: str,
    next_version: Callable[[], int],
) -> list[Row]:
    """Contacts from ``start`` to ``last``: a pair's own pace, from barely to most days."""
    pace = rng.choice((0.3, 0.8, 1.5, 2.0, 2.5, 3.5))  # contacts a week
    methods = [m for m, _ in METHODS]
    weights = [w for _, w in METHODS]
    rows: list[Row] = []
    current = start
    while current <= last:
        if rng.random() < pace / 7:
            initiator = rng.randrange(2)
            moment = dt.datetime.combine(current, CONTACT_HOUR, tzinfo=plan.zone)
            note = rng.choice(phrases.CONTACT_NOTES) if rng.random() < 0.3 else ""
            rows.append((
                random_uid(rng.getrandbits(128)), next_version(), origin, 0, pair_id,
                day(current), people[initiator], people[1 - initiator],
                rng.choices(methods, weights)[0].value, note, stamp(moment),
            ))  # fmt: skip
        current += dt.timedelta(days=1)
    return rows
