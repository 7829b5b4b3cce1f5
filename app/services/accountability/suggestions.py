"""Suggestions: the next peer leader (who has waited longest) and a partner pairing.

Peer leader: members ranked by the date they last led a peer-led segment in this cohort (or,
if they never have, the date they joined), earliest first; ties go to whoever led fewer times,
then by name. Sessions up to and including the one being prepared count as led.

Pairing: every member in a pair, plus one trio when the number is odd. Among all such
groupings it minimises, in this order: (1) partners who were partnered before (in any cohort),
so there are no repeats while they are avoidable; (2) how little tenure is mixed, so newer
members go with longer-standing ones (by the spread of join-order ranks within each group).
Exact for up to ``EXACT_LIMIT`` members; above that a greedy pairing improved by swaps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from app.services.accountability.calendar import short_date
from app.services.accountability.facts import CohortHistory

EXACT_LIMIT = 14

Cost = tuple[int, int]  # (repeats, -tenure spread): compared in that order


@dataclass(frozen=True, slots=True)
class PeerLeaderSuggestion:
    participant_id: uuid.UUID
    display_name: str
    last_led: dt.date | None
    times_led: int
    waiting_since: dt.date
    reason: str  # "Has not led since Mon 2 Feb." / "Has not led yet (joined Mon 5 Jan)."


@dataclass(frozen=True, slots=True)
class SuggestedGroup:
    participant_ids: tuple[uuid.UUID, ...]
    names: tuple[str, ...]
    repeat: bool  # some of them were partners before (it could not be avoided)


@dataclass(frozen=True, slots=True)
class PairingSuggestion:
    groups: tuple[SuggestedGroup, ...]
    repeats: int  # how many partnerships repeat an earlier one
    unpaired: tuple[uuid.UUID, ...]  # only when the cohort has a single member


def peer_leaders(history: CohortHistory) -> list[PeerLeaderSuggestion]:
    """Members ranked for leading the next peer-led segment, the suggestion first."""
    led: dict[uuid.UUID, list[dt.date]] = {}
    for session in history.sessions:
        if session.start <= history.anchor and session.peer_leader_id is not None:
            led.setdefault(session.peer_leader_id, []).append(session.local_date)
    ranked = []
    for member in history.members:
        dates = led.get(member.participant_id, [])
        last = max(dates) if dates else None
        waiting = last if last is not None else member.joined
        reason = (
            f"Has not led since {short_date(last)}."
            if last is not None
            else f"Has not led yet (joined {short_date(member.joined)})."
        )
        ranked.append(
            PeerLeaderSuggestion(
                member.participant_id, member.display_name, last, len(dates), waiting, reason
            )
        )
    ranked.sort(key=lambda s: (s.waiting_since, s.times_led, s.display_name, s.participant_id))
    return ranked


def past_partners(history: CohortHistory) -> set[frozenset[uuid.UUID]]:
    """Every two people who were ever in one pair or trio (current pairs included)."""
    seen: set[frozenset[uuid.UUID]] = set()
    for pair in history.pairs:
        if pair.start_date > history.as_of_date:
            continue
        for a, b in itertools.combinations(pair.member_ids, 2):
            seen.add(frozenset((a, b)))
    return seen


def pairing(history: CohortHistory) -> PairingSuggestion:
    members = sorted(history.members, key=lambda m: (m.joined, m.display_name, m.participant_id))
    ids = [m.participant_id for m in members]
    names = {m.participant_id: m.display_name for m in members}
    if len(ids) < 2:
        return PairingSuggestion((), 0, tuple(ids))
    past = past_partners(history)
    groups = group_members(ids, past)
    suggested = []
    repeats = 0
    for group in groups:
        repeated = sum(1 for a, b in itertools.combinations(group, 2) if frozenset((a, b)) in past)
        repeats += repeated
        suggested.append(SuggestedGroup(tuple(group), tuple(names[p] for p in group), repeated > 0))
    return PairingSuggestion(tuple(suggested), repeats, ())


def group_members(
    ids: Sequence[uuid.UUID], past: set[frozenset[uuid.UUID]]
) -> list[tuple[uuid.UUID, ...]]:
    """Pairs (and one trio if odd) of ``ids``, given longest-standing first. See module doc."""
    n = len(ids)
    repeat = [[frozenset((ids[i], ids[j])) in past for j in range(n)] for i in range(n)]

    def cost(group: tuple[int, ...]) -> Cost:
        repeats = sum(1 for i, j in itertools.combinations(group, 2) if repeat[i][j])
        return repeats, -(max(group) - min(group))

    groups = _exact(n, cost) if n <= EXACT_LIMIT else _greedy(n, cost)
    return [tuple(ids[i] for i in group) for group in groups]


def _add(a: Cost, b: Cost) -> Cost:
    return a[0] + b[0], a[1] + b[1]


def _exact(n: int, cost: Callable[[tuple[int, ...]], Cost]) -> list[tuple[int, ...]]:
    full = (1 << n) - 1
    need_trio = n % 2 == 1

    @cache
    def best(used: int, trio_left: bool) -> tuple[Cost, tuple[tuple[int, ...], ...]]:
        if used == full:
            return (0, 0), ()
        first = next(i for i in range(n) if not used >> i & 1)
        rest = [j for j in range(first + 1, n) if not used >> j & 1]
        options: list[tuple[Cost, tuple[tuple[int, ...], ...]]] = []
        # A pair is possible while enough people remain for the trio still owed.
        if not trio_left or len(rest) + 1 >= 5:
            for j in rest:
                sub_cost, sub = best(used | 1 << first | 1 << j, trio_left)
                options.append((_add(cost((first, j)), sub_cost), ((first, j), *sub)))
        if trio_left:
            for j, k in itertools.combinations(rest, 2):
                sub_cost, sub = best(used | 1 << first | 1 << j | 1 << k, False)
                options.append((_add(cost((first, j, k)), sub_cost), ((first, j, k), *sub)))
        return min(options, key=lambda option: option[0])

    return list(best(0, need_trio)[1])


def _greedy(n: int, cost: Callable[[tuple[int, ...]], Cost]) -> list[tuple[int, ...]]:
    """Newest with longest-standing, then swaps between groups while any swap helps."""
    order = list(range(n))
    half = n // 2
    groups = [[order[i], order[n - 1 - i]] for i in range(half)]
    if n % 2:
        groups[-1].append(order[half])
    improved = True
    while improved:
        improved = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            for i, j in itertools.product(range(len(groups[a])), range(len(groups[b]))):
                before = _add(cost(tuple(groups[a])), cost(tuple(groups[b])))
                groups[a][i], groups[b][j] = groups[b][j], groups[a][i]
                after = _add(cost(tuple(groups[a])), cost(tuple(groups[b])))
                if after < before:
                    improved = True
                else:
                    groups[a][i], groups[b][j] = groups[b][j], groups[a][i]
    return [tuple(sorted(g)) for g in groups]
