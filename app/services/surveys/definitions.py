"""An instrument as read from its definition file: items, options, scoring rules, bands, alerts.

These frozen objects are what ``instruments`` builds from ``resources/instruments/*.json``
after checking every field, and all that ``scoring`` needs: nothing here knows which
instrument it describes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.services.surveys.conditions import Condition

SEXES = ("F", "M")  # as recorded for scoring; None when not recorded


@dataclass(frozen=True, slots=True)
class Option:
    """One response option: ``value`` is what is recorded (and typed), ``score`` what it counts."""

    value: int
    label: str
    score: int | None
    loinc: str | None = None


@dataclass(frozen=True, slots=True)
class Scale:
    id: str
    options: tuple[Option, ...]
    note: str = ""

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True, slots=True)
class Item:
    """A question. ``scored`` items count towards the total and may join subscales;
    ``optional`` items (never scored ones) may be left blank."""

    id: str
    text: str
    scale: Scale
    scored: bool = True
    optional: bool = False
    loinc: str | None = None
    recall: str = ""
    note: str = ""

    @property
    def lowest(self) -> int:
        return min(o.score or 0 for o in self.scale.options)

    @property
    def highest(self) -> int:
        return max(o.score or 0 for o in self.scale.options)


@dataclass(frozen=True, slots=True)
class Subscale:
    id: str
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SkipRule:
    """When ``when`` holds, the ``skip`` items are not asked: they must be left blank and
    count 0 in any sum."""

    when: Condition
    skip: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Check:
    """Item ``item``'s value may not exceed item ``not_more_than``'s (when both are given)."""

    item: str
    not_more_than: str
    message: str


@dataclass(frozen=True, slots=True)
class BandRange:
    id: str
    label: str
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class TotalBands:
    """Bands by total: ``ranges`` for everyone, ``by_sex`` replacing them for one sex."""

    ranges: tuple[BandRange, ...]
    by_sex: Mapping[str, tuple[BandRange, ...]] = field(default_factory=dict)

    def ranges_for(self, sex: str | None) -> tuple[BandRange, ...]:
        return self.by_sex.get(sex, self.ranges) if sex is not None else self.ranges

    def all_ranges(self) -> tuple[tuple[BandRange, ...], ...]:
        return (self.ranges, *self.by_sex.values())


@dataclass(frozen=True, slots=True)
class RuleLevel:
    """A band reached when ``when`` holds (``None``: the last level, reached otherwise)."""

    id: str
    label: str
    when: Condition | None


@dataclass(frozen=True, slots=True)
class RuleBands:
    """Bands by rules: the first level whose condition holds."""

    levels: tuple[RuleLevel, ...]


Bands = TotalBands | RuleBands


class AlertKind(enum.StrEnum):
    SAFETY = "safety"  # must reach a clinician at once (later: a non-dismissable alert)
    FLAG = "flag"  # joins the flags with its evidence


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: str
    kind: AlertKind
    message: str
    when: Condition


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str
    supports: str


@dataclass(frozen=True, slots=True)
class Instrument:
    """One validated definition file; ``file`` names it in messages."""

    id: str
    version: str
    name: str
    title: str
    recall_period: str
    recall_days: int
    instructions: str
    loinc: Mapping[str, str]
    copyright: str
    sources: tuple[Source, ...]
    source_note: str
    items: tuple[Item, ...]
    has_total: bool
    subscales: tuple[Subscale, ...]
    skip_rules: tuple[SkipRule, ...]
    checks: tuple[Check, ...]
    bands: Bands | None
    alerts: tuple[AlertRule, ...]
    file: str = ""

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scored)

    @property
    def skippable(self) -> frozenset[str]:
        return frozenset(item for rule in self.skip_rules for item in rule.skip)

    def _range(self, members: list[Item]) -> tuple[int, int]:
        # A skipped item counts 0, so it can pull the lowest sum below its lowest option.
        skippable = self.skippable
        low = sum(min(i.lowest, 0) if i.id in skippable else i.lowest for i in members)
        return low, sum(max(i.highest, 0) if i.id in skippable else i.highest for i in members)

    @property
    def total_range(self) -> tuple[int, int]:
        """The lowest and highest total the scored items allow."""
        return self._range(list(self.scored_items))

    def subscale_range(self, subscale: Subscale) -> tuple[int, int]:
        return self._range([self.item(i) for i in subscale.items])

    @property
    def depends_on_sex(self) -> bool:
        return isinstance(self.bands, TotalBands) and bool(self.bands.by_sex)

    @property
    def band_labels(self) -> dict[str, str]:
        if isinstance(self.bands, TotalBands):
            return {b.id: b.label for ranges in self.bands.all_ranges() for b in ranges}
        if isinstance(self.bands, RuleBands):
            return {level.id: level.label for level in self.bands.levels}
        return {}

    @property
    def answer_counts(self) -> tuple[int, int]:
        """How many answers a positional list may hold: trailing items that may be blank
        (optional, or skippable) may be left off."""
        may_be_blank = {i.id for i in self.items if i.optional} | self.skippable
        fewest = len(self.items)
        while fewest > 0 and self.items[fewest - 1].id in may_be_blank:
            fewest -= 1
        return fewest, len(self.items)


@dataclass(frozen=True, slots=True)
class InstrumentLibrary:
    """Every instrument shipped, by id, in file-name order."""

    instruments: tuple[Instrument, ...]

    def get(self, instrument_id: str) -> Instrument | None:
        wanted = instrument_key(instrument_id)
        return next((i for i in self.instruments if instrument_key(i.id) == wanted), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.instruments)


def instrument_key(name: str) -> str:
    """``PHQ9``, ``phq-9`` and ``Phq_9`` all name the same instrument."""
    return "".join(ch for ch in name.lower() if ch.isalnum())
