"""Checking a set of answers against an instrument and scoring it; pure, driven by the file.

The rules, all generic (see ``conditions``):

- answers are the recorded option *values*, one per item; each must be one of its item's
  options, and an item is blank (``None``) only when it is optional or skipped;
- a skip rule that holds makes its items not asked: they must be blank and count 0;
- the total is the sum of the scored items' option scores; each subscale the sum over its
  items; an instrument without a total has ``total`` ``None``;
- the band is the total's range (for the recorded sex, when the file has ranges by sex) or
  the first rule level that holds; the alerts are those whose condition holds.

Every refusal is ``InvalidInput`` with one sentence naming the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from app.services.errors import InvalidInput
from app.services.surveys.conditions import AllOf, AnyOf, Condition, Facts, ItemTest, holds
from app.services.surveys.definitions import (
    SEXES,
    AlertKind,
    Instrument,
    Item,
    RuleBands,
    TotalBands,
)

Answers = Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class FiredAlert:
    id: str
    kind: AlertKind
    message: str


@dataclass(frozen=True, slots=True)
class Score:
    """A scored response; ``answers`` holds every item, in the instrument's order."""

    instrument: str
    version: str
    answers: Mapping[str, int | None]
    sex: str | None
    total: int | None
    band: str | None
    band_label: str | None
    subscales: Mapping[str, int]
    alerts: tuple[FiredAlert, ...]

    def as_json(self) -> dict[str, Any]:
        """The shape ``survey score --json`` prints."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "subscales": dict(self.subscales),
            "alerts": [
                {"id": a.id, "kind": a.kind.value, "message": a.message} for a in self.alerts
            ],
        }


def allowed(item: Item) -> str:
    """The values an item takes, for messages: ``0 to 3`` or ``0 (No) or 1 (Yes)``."""
    options = item.scale.options
    if len(options) <= 3:
        named = [f"{o.value} ({o.label})" for o in options]
        return ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else named[0]
    values = sorted(o.value for o in options)
    if values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values[:-1]) + f" or {values[-1]}"


def describe(condition: Condition, instrument: Instrument) -> str:
    """A condition on answers in words: ``item 2 is "No"``."""
    if isinstance(condition, ItemTest):
        option = instrument.item(condition.item).scale.option(condition.value)
        if condition.comparison.value == "equals" and option is not None:
            return f'item {condition.item} is "{option.label}"'
        return f"item {condition.item} {condition.comparison.phrase()} {condition.value}"
    if isinstance(condition, AnyOf | AllOf):
        joiner = " or " if isinstance(condition, AnyOf) else " and "
        return joiner.join(describe(term, instrument) for term in condition.terms)
    return "its rule holds"


def answers_from_list(
    instrument: Instrument, values: Sequence[int | None]
) -> dict[str, int | None]:
    """Positional answers (item order) as a mapping; trailing blank items may be left off."""
    fewest, most = instrument.answer_counts
    if not fewest <= len(values) <= most:
        first, last = instrument.items[0].id, instrument.items[-1].id
        joiner = " or " if most == fewest + 1 else " to "
        wanted = f"{most}" if fewest == most else f"{fewest}{joiner}{most}"
        raise InvalidInput(
            "answers",
            f"{instrument.name} takes {wanted} answers (items {first} to {last}, in order); "
            f"{len(values)} {'was' if len(values) == 1 else 'were'} given.",
        )
    padded = [*values, *([None] * (most - len(values)))]
    return dict(zip(instrument.item_ids, padded, strict=True))


def skipped_items(instrument: Instrument, values: Answers) -> dict[str, str]:
    """Items not asked given these answers, each with the reason in words."""
    facts = Facts(values, {})
    skipped: dict[str, str] = {}
    for rule in instrument.skip_rules:
        if holds(rule.when, facts):
            for item in rule.skip:
                skipped.setdefault(item, describe(rule.when, instrument))
    return skipped


def validated(instrument: Instrument, answers: Answers) -> dict[str, int | None]:
    """Every item's value, checked; ``InvalidInput`` names the first item that is wrong."""
    name = instrument.name
    for key in answers:
        if key not in instrument.item_ids:
            raise InvalidInput("answers", f"{name} has no item {key!r}.")
    values: dict[str, int | None] = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidInput(
                f"answers.{item.id}", f"Item {item.id} of {name} must be a whole number."
            )
        values[item.id] = value
    skipped = skipped_items(instrument, values)
    for item in instrument.items:
        value = values[item.id]
        field = f"answers.{item.id}"
        if item.id in skipped:
            if value is not None:
                raise InvalidInput(
                    field,
                    f"Item {item.id} of {name} is not asked when {skipped[item.id]}; "
                    "leave it blank.",
                )
            continue
        if value is None:
            if not item.optional:
                raise InvalidInput(
                    field, f"Item {item.id} of {name} needs an answer ({allowed(item)})."
                )
            continue
        if item.scale.option(value) is None:
            raise InvalidInput(
                field, f"Item {item.id} of {name} takes {allowed(item)}; {value} was given."
            )
    for check in instrument.checks:
        low, high = values[check.item], values[check.not_more_than]
        if low is not None and high is not None and low > high:
            raise InvalidInput(f"answers.{check.item}", check.message)
    return values


def _points(item: Item, value: int | None) -> int:
    option = item.scale.option(value) if value is not None else None
    return (option.score or 0) if option is not None else 0


def score(instrument: Instrument, answers: Answers, sex: str | None = None) -> Score:
    """Check ``answers`` and compute the total, subscales, band and alerts."""
    if sex is not None and sex not in SEXES:
        raise InvalidInput("sex", "Sex must be F, M, or left unrecorded.")
    values = validated(instrument, answers)
    total = (
        sum(_points(i, values[i.id]) for i in instrument.scored_items)
        if instrument.has_total
        else None
    )
    subscales = {
        s.id: sum(_points(instrument.item(i), values[i]) for i in s.items)
        for s in instrument.subscales
    }
    scores = {**subscales, **({"total": total} if total is not None else {})}
    band = _band(instrument, Facts(values, scores), total, sex)
    facts = Facts(values, scores, band)
    alerts = tuple(
        FiredAlert(rule.id, rule.kind, rule.message)
        for rule in instrument.alerts
        if holds(rule.when, facts)
    )
    return Score(
        instrument=instrument.id,
        version=instrument.version,
        answers=MappingProxyType(values),
        sex=sex,
        total=total,
        band=band,
        band_label=instrument.band_labels.get(band) if band is not None else None,
        subscales=MappingProxyType(subscales),
        alerts=alerts,
    )


def _band(instrument: Instrument, facts: Facts, total: int | None, sex: str | None) -> str | None:
    bands = instrument.bands
    if isinstance(bands, TotalBands) and total is not None:
        # The file was checked to cover every possible total exactly once.
        return next(b.id for b in bands.ranges_for(sex) if b.low <= total <= b.high)
    if isinstance(bands, RuleBands):
        return next(
            level.id for level in bands.levels if level.when is None or holds(level.when, facts)
        )
    return None
