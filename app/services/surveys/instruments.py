"""Loading the instrument definition files and refusing any that is malformed, naming the field.

Each ``resources/instruments/<id>.json`` is one instrument; adding an instrument is adding a
file. Everything scoring relies on is checked here, once, at start: references between
items, scales, subscales and bands resolve; bands by total cover every possible total
exactly once (no gap, no overlap); an item that counts towards a score has a score for every
option and cannot be left blank. A broken file raises ``ResourceError`` whose message starts
with the file and the field (``resources/instruments/phq-9.json: bands.ranges[2].min: …``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

from app.resources import ROOT, ResourceError, relative
from app.services.surveys.conditions import (
    AllOf,
    AnyOf,
    BandIn,
    Comparison,
    Condition,
    ItemTest,
    ScoreTest,
    bands_named,
    items_named,
    scores_named,
)
from app.services.surveys.definitions import (
    SEXES,
    AlertKind,
    AlertRule,
    BandRange,
    Bands,
    Check,
    Instrument,
    InstrumentLibrary,
    Item,
    Option,
    RuleBands,
    RuleLevel,
    Scale,
    SkipRule,
    Source,
    Subscale,
    TotalBands,
    instrument_key,
)
from app.services.surveys.reader import Node

FOLDER = ROOT / "instruments"
SCHEMA = 1
ID = r"[a-z0-9]+(-[a-z0-9]+)*"
ITEM_ID = r"[A-Za-z0-9]{1,8}"
NAME = r"[a-z][a-z0-9_]*"  # subscale and band ids
LOINC = r"[0-9]{1,7}-[0-9]"
LOINC_ANSWER = r"LA[0-9]{1,7}-[0-9]"
URL = r"https?://\S+"
TOP = {
    "schema", "id", "version", "name", "title", "recall_period", "recall_days",
    "instructions", "loinc", "copyright", "sources", "source_note", "scales", "items",
    "scoring", "bands", "alerts",
}  # fmt: skip


@cache
def instrument_library() -> InstrumentLibrary:
    """The shipped instruments, loaded and checked once per process."""
    return load_library(FOLDER)


def load_library(folder: Path) -> InstrumentLibrary:
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise ResourceError(f"{relative(folder)} holds no instrument definitions.")
    instruments: list[Instrument] = []
    for path in files:
        instrument = load_instrument(path)
        clash = next(
            (i for i in instruments if instrument_key(i.id) == instrument_key(instrument.id)), None
        )
        if clash is not None:
            Node(relative(path), "id", None).fail(f"names the same instrument as {clash.file}.")
        instruments.append(instrument)
    return InstrumentLibrary(tuple(instruments))


def load_instrument(path: Path) -> Instrument:
    name = relative(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResourceError(f"{name} is not valid JSON: {error}.") from None
    except OSError as error:
        raise ResourceError(f"{name} cannot be read: {error.strerror}.") from None
    return parse(Node(name, "", document), path.stem)


def parse(root: Node, stem: str) -> Instrument:
    root.object(TOP)
    if root.integer("schema") != SCHEMA:
        root.get("schema").fail(f"this version of Circlekeeper reads schema {SCHEMA}.")
    instrument_id = root.text("id", max_length=40, pattern=ID)
    if instrument_id != stem:
        root.get("id").fail(f"must match the file's name ({stem!r}).")
    scales = {key: _scale(key, node) for key, node in root.entries("scales")}
    items = _items(root, scales)
    ids = {i.id for i in items}
    scoring = root.get("scoring")
    scoring.object({"total", "subscales", "skip_rules", "checks"})
    has_total = scoring.boolean("total", False)
    subscales = tuple(_subscale(n, items) for n in scoring.items("subscales", non_empty=False))
    _unique(scoring, "subscales", [s.id for s in subscales])
    if "total" in {s.id for s in subscales}:
        scoring.get("subscales").fail("no subscale may be called 'total'.")
    skip_rules = tuple(_skip_rule(n, ids) for n in scoring.items("skip_rules", non_empty=False))
    checks = tuple(_check(n, ids) for n in scoring.items("checks", non_empty=False))
    scores = ({"total"} if has_total else set()) | {s.id for s in subscales}
    instrument = Instrument(
        id=instrument_id,
        version=root.words("version", max_length=20),
        name=root.words("name", max_length=40),
        title=root.words("title", max_length=200),
        recall_period=root.words("recall_period", max_length=200),
        recall_days=root.integer("recall_days", low=1, high=3650),
        instructions=root.text("instructions"),
        loinc=_loinc(root.get("loinc")),
        copyright=root.words("copyright"),
        sources=tuple(_source(n) for n in root.items("sources")),
        source_note=root.text("source_note"),
        items=items,
        has_total=has_total,
        subscales=subscales,
        skip_rules=skip_rules,
        checks=checks,
        bands=None,
        alerts=(),
        file=root.file,
    )
    bands = _bands(root.get("bands"), instrument, ids, scores)
    band_ids = set(_band_ids(bands))
    alerts = tuple(_alert(n, ids, scores, band_ids) for n in root.items("alerts", non_empty=False))
    _unique(root, "alerts", [a.id for a in alerts])
    return replace(instrument, bands=bands, alerts=alerts)


def _unique(node: Node, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, one in enumerate(ids):
        if one in seen:
            node.items(key)[index].fail(f"{one!r} is used twice.")
        seen.add(one)


def _loinc(node: Node) -> dict[str, str]:
    node.object(set(), frozenset({"panel", "total", "result"}))
    return {
        key: node.text(key, pattern=LOINC) for key in ("panel", "total", "result") if node.has(key)
    }


def _source(node: Node) -> Source:
    node.object({"title", "url", "supports"})
    return Source(node.words("title"), node.text("url", pattern=URL), node.words("supports"))


def _scale(name: str, node: Node) -> Scale:
    node.object({"options"}, frozenset({"note"}))
    options: list[Option] = []
    for option in node.items("options"):
        option.object({"value", "label"}, frozenset({"score", "loinc"}))
        score = option.get("score").value
        options.append(
            Option(
                value=option.integer("value", low=0, high=999),
                label=option.words("label", max_length=200),
                score=option.integer("score", low=-99, high=99) if score is not None else None,
                loinc=option.optional_text("loinc", pattern=LOINC_ANSWER),
            )
        )
    _unique(node, "options", [str(o.value) for o in options])
    return Scale(name, tuple(options), node.optional_text("note") or "")


def _items(root: Node, scales: dict[str, Scale]) -> tuple[Item, ...]:
    items: list[Item] = []
    for node in root.items("items"):
        node.object(
            {"id", "text", "scale"}, frozenset({"scored", "optional", "loinc", "recall", "note"})
        )
        scale_name = node.text("scale")
        if scale_name not in scales:
            node.get("scale").fail(f"no scale named {scale_name!r} in this file's scales.")
        item = Item(
            id=node.text("id", pattern=ITEM_ID),
            text=node.words("text"),
            scale=scales[scale_name],
            scored=node.boolean("scored", True),
            optional=node.boolean("optional", False),
            loinc=node.optional_text("loinc", pattern=LOINC),
            recall=node.optional_text("recall") or "",
            note=node.optional_text("note") or "",
        )
        if item.scored and any(o.score is None for o in item.scale.options):
            node.get("scale").fail(
                f"item {item.id} counts towards the score, so every option needs a score."
            )
        if item.scored and item.optional:
            node.get("optional").fail(
                f"item {item.id} counts towards the score, so it cannot be optional."
            )
        items.append(item)
    _unique(root, "items", [i.id for i in items])
    return tuple(items)


def _item_reference(node: Node, ids: set[str]) -> str:
    if not isinstance(node.value, str):
        node.fail("must be an item id (text).")
    if node.value not in ids:
        node.fail(f"no item {node.value!r} in this instrument.")
    return node.value


def _subscale(node: Node, items: tuple[Item, ...]) -> Subscale:
    node.object({"id", "title", "items"})
    ids = {i.id for i in items}
    members = tuple(_item_reference(n, ids) for n in node.items("items"))
    _unique(node, "items", list(members))
    for index, member in enumerate(members):
        if not next(i for i in items if i.id == member).scored:
            node.items("items")[index].fail(f"item {member} is recorded, not scored.")
    return Subscale(node.text("id", max_length=40, pattern=NAME), node.words("title"), members)


def _skip_rule(node: Node, ids: set[str]) -> SkipRule:
    node.object({"when", "skip"})
    when = condition(node.get("when"), ids, set(), set())
    if scores_named(when) or bands_named(when):
        node.get("when").fail("a skip rule can only test answers to items.")
    skip = tuple(_item_reference(n, ids) for n in node.items("skip"))
    if set(skip) & items_named(when):
        node.get("skip").fail("an item cannot be skipped by a rule that tests it.")
    return SkipRule(when, skip)


def _check(node: Node, ids: set[str]) -> Check:
    node.object({"item", "not_more_than", "message"})
    return Check(
        _item_reference(node.get("item"), ids),
        _item_reference(node.get("not_more_than"), ids),
        node.words("message", max_length=300),
    )


def _ranges(node: Node, span: tuple[int, int]) -> tuple[BandRange, ...]:
    """Bands as listed, in order, covering ``span`` with no gap and no overlap."""
    ranges: list[BandRange] = []
    expected = span[0]
    if not isinstance(node.value, list) or not node.value:
        node.fail("must be a non-empty list of bands.")
    for index, value in enumerate(node.value):
        band = Node(node.file, f"{node.path}[{index}]", value)
        band.object({"id", "label", "min", "max"})
        low, high = band.integer("min"), band.integer("max")
        if high < low:
            band.get("max").fail(f"is below its min ({low}).")
        if index == 0 and low != expected:
            band.get("min").fail(
                f"the first band must start at the lowest possible total, {expected}."
            )
        if low > expected:
            missing = f"{expected}" if low - 1 == expected else f"{expected}–{low - 1}"
            band.get("min").fail(f"leaves a gap: no band covers {missing}.")
        if low < expected:
            band.get("min").fail(f"overlaps the band before it (which reaches {expected - 1}).")
        band_id = band.text("id", max_length=40, pattern=NAME)
        if band_id in {r.id for r in ranges}:
            band.get("id").fail(f"{band_id!r} is used twice.")
        ranges.append(BandRange(band_id, band.words("label", max_length=80), low, high))
        expected = high + 1
    if expected - 1 != span[1]:
        Node(node.file, f"{node.path}[{len(ranges) - 1}].max", None).fail(
            f"the bands must reach the highest possible total, {span[1]}."
        )
    return tuple(ranges)


def _bands(node: Node, instrument: Instrument, ids: set[str], scores: set[str]) -> Bands | None:
    if node.value is None:
        return None
    node.object({"by"}, frozenset({"ranges", "ranges_by_sex", "levels"}))
    by = node.text("by")
    if by == "total":
        if not instrument.has_total:
            node.get("by").fail("bands by total need scoring.total to be true.")
        node.object({"by", "ranges"}, frozenset({"ranges_by_sex"}))
        span = instrument.total_range
        by_sex: dict[str, tuple[BandRange, ...]] = {}
        if node.has("ranges_by_sex"):
            for sex, ranges in node.entries("ranges_by_sex"):
                if sex not in SEXES:
                    ranges.fail(f"sex must be one of {', '.join(SEXES)}.")
                by_sex[sex] = _ranges(ranges, span)
        return TotalBands(_ranges(node.get("ranges"), span), by_sex)
    if by == "rules":
        node.object({"by", "levels"})
        levels = node.items("levels")
        parsed: list[RuleLevel] = []
        for index, level in enumerate(levels):
            last = index == len(levels) - 1
            level.object({"id", "label"}, frozenset({"when", "otherwise"}))
            if last and not level.boolean("otherwise", False):
                level.get("otherwise").fail('the last level must say "otherwise": true.')
            if not last and (level.has("otherwise") or not level.has("when")):
                level.get("when").fail("every level but the last needs a condition.")
            when = None if last else condition(level.get("when"), ids, scores, set())
            parsed.append(
                RuleLevel(
                    level.text("id", max_length=40, pattern=NAME),
                    level.words("label", max_length=80),
                    when,
                )
            )
        _unique(node, "levels", [level.id for level in parsed])
        return RuleBands(tuple(parsed))
    return node.get("by").fail('must be "total" or "rules".')


def _band_ids(bands: Bands | None) -> list[str]:
    if isinstance(bands, TotalBands):
        return [b.id for ranges in bands.all_ranges() for b in ranges]
    if isinstance(bands, RuleBands):
        return [level.id for level in bands.levels]
    return []


def _alert(node: Node, ids: set[str], scores: set[str], bands: set[str]) -> AlertRule:
    node.object({"id", "kind", "message", "when"})
    kind = node.text("kind")
    if kind not in {k.value for k in AlertKind}:
        node.get("kind").fail(f"must be one of {', '.join(k.value for k in AlertKind)}.")
    return AlertRule(
        node.text("id", max_length=40, pattern=ID),
        AlertKind(kind),
        node.words("message", max_length=300),
        condition(node.get("when"), ids, scores, bands),
    )


def condition(node: Node, ids: set[str], scores: set[str], bands: set[str]) -> Condition:
    """A condition from its JSON form; every name it uses must exist."""
    if not isinstance(node.value, dict):
        node.fail("must be a condition object.")
    keys = set(node.value)
    if keys in ({"any"}, {"all"}):
        key = next(iter(keys))
        terms = tuple(condition(n, ids, scores, bands) for n in node.items(key))
        return AnyOf(terms) if key == "any" else AllOf(terms)
    if keys == {"band_in"}:
        named: list[str] = []
        for member in node.items("band_in"):
            if not isinstance(member.value, str) or member.value not in bands:
                member.fail(f"no band {member.value!r} in this instrument.")
            named.append(member.value)
        return BandIn(frozenset(named))
    comparisons = keys & {c.value for c in Comparison}
    subject = keys - comparisons
    if len(comparisons) != 1 or subject not in ({"item"}, {"score"}):
        node.fail(
            'must be {"item" or "score": …, "equals"/"at_least"/"at_most": n}, '
            '{"band_in": […]}, {"any": […]} or {"all": […]}.'
        )
    comparison = Comparison(next(iter(comparisons)))
    bound = node.integer(comparison.value, low=-999, high=999)
    if subject == {"item"}:
        return ItemTest(_item_reference(node.get("item"), ids), comparison, bound)
    score = node.text("score")
    if score not in scores:
        node.get("score").fail(f"no score {score!r} here (the total, if any, and subscales).")
    return ScoreTest(score, comparison, bound)
