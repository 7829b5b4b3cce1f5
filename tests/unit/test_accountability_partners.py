"""Values, accountability partners and their contacts, and the suggested pairing."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.accountability.suggestions import group_members
from app.services.container import Services
from app.services.errors import InvalidInput
from models import ContactMethod, ValueSource
from tests.conftest import FakeNow
from tests.unit.engine_world import World

D = dt.date


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now)


def test_values_from_the_list_or_own_words_ranked(world: World) -> None:
    ana = world.person("Ana")
    values = world.services.values
    honesty = values.add(ana.id, "  Honesty ")
    kids = values.add(ana.id, "Being there for my kids")
    assert (honesty.text, honesty.source, honesty.rank) == ("honesty", ValueSource.LIST, 1)
    assert (kids.source, kids.rank) == (ValueSource.OWN_WORDS, 2)
    with pytest.raises(InvalidInput):
        values.add(ana.id, "HONESTY")  # already theirs
    courage = values.add(ana.id, "courage")
    ranked = values.rank(ana.id, [kids.id, courage.id, honesty.id])
    assert [(v.text, v.rank) for v in ranked] == [
        ("Being there for my kids", 1),
        ("courage", 2),
        ("honesty", 3),
    ]
    with pytest.raises(InvalidInput):
        values.rank(ana.id, [kids.id, courage.id])  # every value, once
    remaining = values.remove(courage.id)
    assert [(v.text, v.rank) for v in remaining] == [("Being there for my kids", 1), ("honesty", 2)]
    assert values.for_participant(ana.id) == remaining


def test_pairs_trios_their_history_and_contacts(world: World) -> None:
    ana, ben, cy, dee = (world.person(n) for n in ("Ana", "Ben", "Cy", "Dee"))
    partners = world.services.partners
    cohort = world.cohort.id
    pair = partners.pair(cohort, [ana.id, ben.id], start=D(2026, 1, 5))
    with pytest.raises(InvalidInput):
        partners.pair(cohort, [ben.id, cy.id], start=D(2026, 1, 6))  # Ben already has one
    with pytest.raises(InvalidInput):
        partners.pair(cohort, [cy.id], start=D(2026, 1, 6))
    with pytest.raises(InvalidInput):
        partners.log_contact(pair.id, cy.id, ContactMethod.CALL, on=D(2026, 1, 6))
    with pytest.raises(InvalidInput):
        partners.log_contact(pair.id, ana.id, ContactMethod.CALL, on=D(2026, 1, 4))  # before
    with pytest.raises(InvalidInput):
        partners.log_contact(pair.id, ana.id, ContactMethod.CALL, on=D(2026, 3, 3))  # future
    partners.log_contact(pair.id, ana.id, ContactMethod.CALL, on=D(2026, 1, 6), note="Talked")
    partners.log_contact(pair.id, ben.id, ContactMethod.TEXT, on=D(2026, 1, 9), reached=ana.id)
    [latest, first] = partners.contacts(pair.id)
    assert (latest.initiated_by_name, latest.reached_name) == ("Ben", "Ana")
    assert (first.note, first.reached_name) == ("Talked", "their partners")

    regrouped = partners.apply_pairing(
        cohort, [[ana.id, cy.id], [ben.id, dee.id]], start=D(2026, 1, 19)
    )
    assert [r.names for r in regrouped] == ["Ana & Cy", "Ben & Dee"]
    history = partners.for_cohort(cohort, include_ended=True)
    old = next(p for p in history if p.id == pair.id)
    assert old.end_date == D(2026, 1, 18) and old.contact_count == 2
    assert old.last_contact == D(2026, 1, 9)
    assert {p.names for p in partners.for_cohort(cohort, on=D(2026, 1, 20))} == {
        "Ana & Cy",
        "Ben & Dee",
    }
    trio_day = D(2026, 1, 19)  # replaced on its first day: never in effect, so not history
    partners.apply_pairing(cohort, [[ana.id, ben.id, cy.id]], start=trio_day)
    assert len(partners.for_cohort(cohort, include_ended=True)) == 2
    ended = partners.end(partners.for_cohort(cohort, on=trio_day)[0].id, on=D(2026, 2, 1))
    assert ended.end_date == D(2026, 2, 1) and len(ended.members) == 3


def test_suggested_pairing_avoids_repeats_and_mixes_tenure(world: World) -> None:
    old1 = world.person("Old One", joined=D(2026, 1, 5))
    old2 = world.person("Old Two", joined=D(2026, 1, 6))
    new1 = world.person("New One", joined=D(2026, 2, 2))
    new2 = world.person("New Two", joined=D(2026, 2, 3))
    partners = world.services.partners
    partners.pair(world.cohort.id, [old1.id, new1.id], start=D(2026, 2, 3))
    suggestion = world.services.accountability.pairing(world.cohort.id, on=D(2026, 2, 16))
    groups = {frozenset(g.participant_ids) for g in suggestion.groups}
    assert groups == {frozenset((old1.id, new2.id)), frozenset((old2.id, new1.id))}
    assert suggestion.repeats == 0
    cy = world.person("Cy", joined=D(2026, 2, 9))
    odd = world.services.accountability.pairing(world.cohort.id, on=D(2026, 2, 16))
    assert sorted(len(g.participant_ids) for g in odd.groups) == [2, 3]
    assert cy.id in {p for g in odd.groups for p in g.participant_ids}


def _brute_force_repeats(ids: list[uuid.UUID], past: set[frozenset[uuid.UUID]]) -> int:
    best = None

    def search(rest: list[uuid.UUID], repeats: int) -> None:
        nonlocal best
        if not rest:
            best = repeats if best is None else min(best, repeats)
            return
        first, others = rest[0], rest[1:]
        sizes = (3,) if len(rest) == 3 else (2, 3) if len(rest) % 2 else (2,)
        for size in sizes:
            for mates in itertools.combinations(others, size - 1):
                group = (first, *mates)
                extra = sum(
                    1 for a, b in itertools.combinations(group, 2) if frozenset((a, b)) in past
                )
                search([p for p in others if p not in mates], repeats + extra)

    search(ids, 0)
    assert best is not None
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 8), st.data())
def test_pairing_has_no_repeats_while_they_are_avoidable(n: int, data: st.DataObject) -> None:
    ids = [uuid.UUID(int=i + 1) for i in range(n)]
    everyone = [frozenset(p) for p in itertools.combinations(ids, 2)]
    past = set(data.draw(st.lists(st.sampled_from(everyone), max_size=len(everyone))))
    groups = group_members(ids, past)
    assert sorted(p for g in groups for p in g) == sorted(ids)
    assert [len(g) for g in groups].count(3) == n % 2
    repeats = sum(
        1 for g in groups for a, b in itertools.combinations(g, 2) if frozenset((a, b)) in past
    )
    assert repeats == _brute_force_repeats(ids, past)
    if n % 2 == 0 and not past:  # longest-standing half paired with the newest half
        assert all(
            (min(ids.index(p) for p in g) < n // 2 <= max(ids.index(p) for p in g)) for g in groups
        )


def test_large_cohorts_are_paired_greedily_and_completely() -> None:
    ids = [uuid.UUID(int=i + 1) for i in range(31)]
    groups = group_members(ids, {frozenset((ids[0], ids[30]))})
    assert sorted(p for g in groups for p in g) == sorted(ids)
    assert frozenset((ids[0], ids[30])) not in {frozenset(g) for g in groups}
