"""The instrument definition files: the shipped ones load; a damaged one is refused by name."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.resources import ResourceError
from app.services.surveys.instruments import FOLDER, instrument_library, load_library

Document = dict[str, Any]

SHIPPED = {"audit-c", "bam-iop", "c-ssrs-screen", "gad-7", "phq-9"}


def original(name: str) -> Document:
    document: Document = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    return document


def test_the_shipped_instruments_load_with_their_loinc_codes() -> None:
    library = instrument_library()
    assert set(library.ids) == SHIPPED
    phq9, gad7 = library.get("phq-9"), library.get("gad-7")
    assert phq9 is not None and gad7 is not None
    # The codes issue 12 lists.
    assert dict(phq9.loinc) == {"panel": "44249-1", "total": "44261-6"}
    assert [i.loinc for i in phq9.items] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
        "44258-2", "44252-5", "44253-3", "44260-8", "69722-7",
    ]  # fmt: skip
    assert dict(gad7.loinc) == {"panel": "69737-5", "total": "70274-6"}
    for instrument in library.instruments:
        assert instrument.copyright and instrument.sources
        assert all(s.url.startswith("https://") for s in instrument.sources)


def test_lookup_forgives_case_and_punctuation() -> None:
    library = instrument_library()
    assert all(library.get(name).id == "phq-9" for name in ("PHQ9", "phq-9", "Phq_9"))  # type: ignore[union-attr]
    assert library.get("phq-10") is None


def test_the_bam_states_its_seven_day_scale() -> None:
    bam = instrument_library().get("bam-iop")
    assert bam is not None and bam.recall_days == 7
    days = bam.item("2").scale
    assert [(o.value, o.score) for o in days.options] == [
        (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 4), (6, 4), (7, 4),
    ]  # fmt: skip
    assert "product decision" in days.note


def write(folder: Path, name: str, document: Document | str) -> None:
    text = document if isinstance(document, str) else json.dumps(document)
    (folder / f"{name}.json").write_text(text, encoding="utf-8")


def damaged(name: str, damage: Callable[[Document], object]) -> Document:
    document = copy.deepcopy(original(name))
    damage(document)
    return document


def _set(path: list[str | int], value: object) -> Callable[[Document], object]:
    def apply(document: Document) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return apply


def _delete(key: str) -> Callable[[Document], object]:
    return lambda document: document.pop(key)


DAMAGE = [
    ("phq-9", _delete("version"), "phq-9.json: version: missing."),
    (
        "phq-9",
        _set(["recall_days"], "14"),
        "phq-9.json: recall_days: must be a whole number, not text.",
    ),
    (
        "phq-9",
        _set(["items", 3, "scored"], "yes"),
        "phq-9.json: items[3].scored: must be true or false",
    ),
    (
        "phq-9",
        _set(["bands", "ranges", 1, "min"], 6),
        "phq-9.json: bands.ranges[1].min: leaves a gap: no band covers 5.",
    ),
    (
        "phq-9",
        _set(["bands", "ranges", 2, "min"], 9),
        "phq-9.json: bands.ranges[2].min: overlaps the band before it",
    ),
    (
        "phq-9",
        _set(["bands", "ranges", 4, "max"], 26),
        "phq-9.json: bands.ranges[4].max: the bands must reach the highest possible total, 27.",
    ),
    (
        "bam-iop",
        _set(["scoring", "subscales", 0, "items"], ["4", "5", "6", "18"]),
        "bam-iop.json: scoring.subscales[0].items[3]: no item '18' in this instrument.",
    ),
    (
        "bam-iop",
        _set(["scoring", "subscales", 1, "items", 0], "17"),
        "bam-iop.json: scoring.subscales[1].items[0]: item 17 is recorded, not scored.",
    ),
    (
        "bam-iop",
        _set(["scoring", "skip_rules", 0, "skip"], ["4"]),
        "bam-iop.json: scoring.skip_rules[0].skip: an item cannot be skipped by a rule that tests",
    ),
    (
        "gad-7",
        _set(["items", 0, "scale"], "frequenzy"),
        "gad-7.json: items[0].scale: no scale named 'frequenzy'",
    ),
    ("gad-7", _set(["items", 1, "id"], "1"), "gad-7.json: items[1]: '1' is used twice."),
    ("gad-7", _set(["itmes"], []), "gad-7.json: itmes: is not a field we know."),
    ("gad-7", _set(["id"], "gad-8"), "gad-7.json: id: must match the file's name ('gad-7')."),
    (
        "audit-c",
        _set(["alerts", 0, "when"], {"band_in": ["positiv"]}),
        "audit-c.json: alerts[0].when.band_in[0]: no band 'positiv' in this instrument.",
    ),
    (
        "audit-c",
        _set(["bands", "ranges_by_sex", "X"], []),
        "audit-c.json: bands.ranges_by_sex.X: sex must be one of F, M.",
    ),
    (
        "c-ssrs-screen",
        _set(["bands", "levels", 2], {"id": "low", "label": "Low"}),
        "c-ssrs-screen.json: bands.levels[2].otherwise: the last level must say",
    ),
    (
        "c-ssrs-screen",
        _set(["alerts", 0, "kind"], "urgent"),
        "c-ssrs-screen.json: alerts[0].kind: must be one of safety, flag.",
    ),
    (
        "c-ssrs-screen",
        _set(["scales", "yes_no", "options", 1, "value"], 0),
        "c-ssrs-screen.json: scales.yes_no.options[1]: '0' is used twice.",
    ),
]


@pytest.mark.parametrize(("name", "damage", "message"), DAMAGE, ids=[m for _n, _d, m in DAMAGE])
def test_a_damaged_file_is_refused_naming_the_file_and_the_field(
    tmp_path: Path, name: str, damage: Callable[[Document], object], message: str
) -> None:
    shutil.copytree(FOLDER, tmp_path, dirs_exist_ok=True)
    write(tmp_path, name, damaged(name, damage))
    with pytest.raises(ResourceError) as refused:
        load_library(tmp_path)
    assert message in str(refused.value)
    assert str(tmp_path / f"{name}.json") in str(refused.value)


def test_broken_json_an_empty_folder_and_a_twin_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "phq-9", '{"schema": 1,')
    with pytest.raises(ResourceError, match=r"phq-9\.json is not valid JSON"):
        load_library(tmp_path)
    (tmp_path / "phq-9.json").unlink()
    with pytest.raises(ResourceError, match="holds no instrument definitions"):
        load_library(tmp_path)
    write(tmp_path, "phq-9", original("phq-9"))
    write(tmp_path, "phq9", {**original("phq-9"), "id": "phq9"})
    with pytest.raises(ResourceError, match=r"phq9\.json: id: names the same instrument as"):
        load_library(tmp_path)


def test_adding_an_instrument_is_adding_a_file(tmp_path: Path) -> None:
    phq2 = original("phq-9")
    phq2.update(id="phq-2", name="PHQ-2", items=phq2["items"][:2], alerts=[])
    phq2["bands"]["ranges"] = [
        {"id": "negative", "label": "Negative", "min": 0, "max": 2},
        {"id": "positive", "label": "Positive", "min": 3, "max": 6},
    ]
    write(tmp_path, "phq-2", phq2)
    [instrument] = load_library(tmp_path).instruments
    assert (instrument.id, instrument.total_range) == ("phq-2", (0, 6))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 28), st.integers(0, 8)), min_size=1, max_size=6))
def test_bands_by_total_are_accepted_only_when_they_partition_the_range(
    tmp_path_factory: pytest.TempPathFactory, spans: list[tuple[int, int]]
) -> None:
    ranges = [
        {"id": f"b{n}", "label": f"Band {n}", "min": low, "max": low + width}
        for n, (low, width) in enumerate(spans)
    ]
    folder = tmp_path_factory.mktemp("bands")
    write(folder, "phq-9", damaged("phq-9", _set(["bands", "ranges"], ranges)))
    expected = 0
    partition = True
    for low, width in spans:
        partition = partition and low == expected
        expected = low + width + 1
    partition = partition and expected == 28
    try:
        load_library(folder)
    except ResourceError as error:
        assert not partition, error
        assert "phq-9.json: bands.ranges[" in str(error)
    else:
        assert partition
