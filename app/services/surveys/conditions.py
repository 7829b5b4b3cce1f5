"""The conditions instrument files use for skip rules, rule-based bands and alerts.

Every rule in a definition file is one of a few generic kinds, so scoring never branches on
which instrument it is scoring:

- ``{"item": "9", "at_least": 1}`` (also ``equals``, ``at_most``): the recorded answer value
  of an item; an item left blank or skipped never satisfies a test.
- ``{"score": "total", "at_least": 10}`` or ``{"score": "<subscale id>", "at_most": 12}``.
- ``{"band_in": ["moderate", "high"]}``: the response's band.
- ``{"any": [...]}`` and ``{"all": [...]}`` combine the others.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Comparison(enum.StrEnum):
    EQUALS = "equals"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"

    def holds(self, value: int, bound: int) -> bool:
        if self is Comparison.EQUALS:
            return value == bound
        if self is Comparison.AT_LEAST:
            return value >= bound
        return value <= bound

    def phrase(self) -> str:
        return {"equals": "is", "at_least": "is at least", "at_most": "is at most"}[self.value]


@dataclass(frozen=True, slots=True)
class ItemTest:
    item: str
    comparison: Comparison
    value: int


@dataclass(frozen=True, slots=True)
class ScoreTest:
    """``score`` is ``"total"`` or a subscale's id."""

    score: str
    comparison: Comparison
    value: int


@dataclass(frozen=True, slots=True)
class BandIn:
    bands: frozenset[str]


@dataclass(frozen=True, slots=True)
class AnyOf:
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    terms: tuple[Condition, ...]


Condition = ItemTest | ScoreTest | BandIn | AnyOf | AllOf


@dataclass(frozen=True, slots=True)
class Facts:
    """What a condition can look at: answer values, the scores so far and the band."""

    values: Mapping[str, int | None]
    scores: Mapping[str, int]
    band: str | None = None


def holds(condition: Condition, facts: Facts) -> bool:
    if isinstance(condition, ItemTest):
        value = facts.values.get(condition.item)
        return value is not None and condition.comparison.holds(value, condition.value)
    if isinstance(condition, ScoreTest):
        score = facts.scores.get(condition.score)
        return score is not None and condition.comparison.holds(score, condition.value)
    if isinstance(condition, BandIn):
        return facts.band in condition.bands
    if isinstance(condition, AnyOf):
        return any(holds(term, facts) for term in condition.terms)
    return all(holds(term, facts) for term in condition.terms)


def items_named(condition: Condition) -> set[str]:
    """Every item id the condition tests."""
    if isinstance(condition, ItemTest):
        return {condition.item}
    if isinstance(condition, AnyOf | AllOf):
        return set().union(*(items_named(term) for term in condition.terms))
    return set()


def scores_named(condition: Condition) -> set[str]:
    if isinstance(condition, ScoreTest):
        return {condition.score}
    if isinstance(condition, AnyOf | AllOf):
        return set().union(*(scores_named(term) for term in condition.terms))
    return set()


def bands_named(condition: Condition) -> set[str]:
    if isinstance(condition, BandIn):
        return set(condition.bands)
    if isinstance(condition, AnyOf | AllOf):
        return set().union(*(bands_named(term) for term in condition.terms))
    return set()
