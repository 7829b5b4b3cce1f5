"""Scoring of every shipped instrument against its published source, by hand and by property.

The expected numbers are written by hand from the sources cited in each definition file;
the comment beside each case shows the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.errors import InvalidInput
from app.services.surveys.definitions import Instrument, TotalBands
from app.services.surveys.instruments import instrument_library
from app.services.surveys.scoring import Score, answers_from_list, score, skipped_items

LIBRARY = instrument_library()


def shipped(name: str) -> Instrument:
    found = LIBRARY.get(name)
    assert found is not None, name
    return found


PHQ9 = shipped("phq-9")
GAD7 = shipped("gad-7")
AUDITC = shipped("audit-c")
CSSRS = shipped("c-ssrs-screen")
BAM = shipped("bam-iop")


def scored(instrument: Instrument, values: Sequence[int | None], sex: str | None = None) -> Score:
    return score(instrument, answers_from_list(instrument, values), sex)


def alert_ids(result: Score) -> list[str]:
    return [a.id for a in result.alerts]


# --- PHQ-9: items 0-3 summed over items 1-9; bands cut at 5, 10, 15, 20 (Kroenke 2001) ---


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),  # 0
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),  # 1+1+1+1 = 4, top of 0-4
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),  # 5, first of 5-9
        ([2, 2, 2, 2, 1, 0, 0, 0, 0], 9, "mild"),  # 2*4+1 = 9
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),  # 2*5 = 10
        ([3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "moderate"),  # 3*4+2 = 14
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),  # 3*5 = 15
        ([3, 3, 3, 3, 3, 2, 1, 1, 0], 19, "moderately_severe"),  # 15+2+1+1 = 19
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),  # 3*6+2 = 20
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),  # 3*9 = 27, the maximum
    ],
)
def test_phq9_totals_and_bands(values: list[int], total: int, band: str) -> None:
    result = scored(PHQ9, values)
    assert (result.total, result.band) == (total, band)


def test_phq9_item_9_above_zero_alerts_whatever_the_total() -> None:
    # 1+1+2+2+1+1+2+1+1 = 12, moderate; item 9 = 1 raises the safety alert
    result = scored(PHQ9, [1, 1, 2, 2, 1, 1, 2, 1, 1])
    assert (result.total, result.band, alert_ids(result)) == (12, "moderate", ["item-9"])
    assert result.alerts[0].kind.value == "safety"
    # 0*8 + 1 = 1, minimal: the alert still fires
    assert alert_ids(scored(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])) == ["item-9"]
    # 3*8 + 0 = 24, severe, item 9 at 0: no alert
    assert alert_ids(scored(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0])) == []


def test_phq9_item_10_is_recorded_not_scored() -> None:
    without = scored(PHQ9, [2, 1, 0, 0, 0, 0, 0, 0, 0])  # 2+1 = 3
    with_difficulty = scored(PHQ9, [2, 1, 0, 0, 0, 0, 0, 0, 0, 3])  # still 3
    assert without.total == with_difficulty.total == 3
    assert with_difficulty.answers["10"] == 3 and without.answers["10"] is None


# --- GAD-7: items 0-3 summed over items 1-7; cut points 5, 10, 15 (Spitzer 2006) ---


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ([0, 1, 1, 1, 1, 0, 0], 4, "minimal"),  # 1*4 = 4
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),  # 5
        ([1, 2, 1, 0, 3, 2, 1], 10, "moderate"),  # 1+2+1+0+3+2+1 = 10
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),  # 2*7 = 14
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe"),  # 3*5 = 15
        ([3, 3, 3, 3, 3, 3, 3, 2], 21, "severe"),  # 3*7 = 21; item 8 (difficulty) not scored
    ],
)
def test_gad7_totals_and_bands(values: list[int], total: int, band: str) -> None:
    result = scored(GAD7, values)
    assert (result.total, result.band, result.alerts) == (total, band, ())


# --- AUDIT-C: three items 0-4, total 0-12; positive at 4+ (men), 3+ (women, not recorded) ---


@pytest.mark.parametrize(
    ("values", "sex", "total", "band"),
    [
        ([1, 1, 1], "F", 3, "positive"),  # 1+1+1 = 3 >= 3
        ([1, 1, 1], None, 3, "positive"),  # not recorded: the women's cut-off, 3
        ([1, 1, 1], "M", 3, "negative"),  # 3 < 4
        ([2, 1, 1], "M", 4, "positive"),  # 2+1+1 = 4 >= 4
        ([2, 0, 0], "F", 2, "negative"),  # 2 < 3
        ([0, 0, 0], "M", 0, "negative"),  # 0
        ([4, 4, 4], None, 12, "positive"),  # 4*3 = 12, the maximum
    ],
)
def test_audit_c_by_sex(values: list[int], sex: str | None, total: int, band: str) -> None:
    result = scored(AUDITC, values, sex)
    assert (result.total, result.band) == (total, band)
    assert alert_ids(result) == (["positive"] if band == "positive" else [])


# --- C-SSRS screener: yes/no; if 2 is No skip 3-5; Columbia triage for the risk level ---

N = None


@pytest.mark.parametrize(
    ("values", "band", "alerts"),
    [
        ([0, 0, N, N, N, 0], "low", []),  # nothing endorsed (HL7 example: Low)
        ([1, 0, N, N, N, 0], "low", []),  # wish to be dead only
        ([1, 1, 0, 0, 0, 0], "low", []),  # non-specific active thoughts only
        ([1, 1, 1, 0, 0, 0], "moderate", ["moderate-risk"]),  # thoughts of a method (3)
        ([1, 1, 1, 1, 0, 0], "high", ["high-risk"]),  # some intent (4)
        ([1, 1, 0, 0, 1, 0], "high", ["high-risk"]),  # a plan and intent (5)
        ([0, 0, N, N, N, 1, 0], "moderate", ["moderate-risk"]),  # behaviour, not in 3 months
        ([0, 0, N, N, N, 1, 1], "high", ["high-risk"]),  # behaviour within 3 months
    ],
)
def test_cssrs_risk_levels(values: list[int | None], band: str, alerts: list[str]) -> None:
    result = scored(CSSRS, values)
    assert (result.total, result.band, alert_ids(result)) == (None, band, alerts)


@pytest.mark.parametrize(
    ("values", "wrong"),
    [
        ([1, 0, 0, N, N, 0], 'Item 3 of C-SSRS screener is not asked when item 2 is "No"'),
        ([1, 1, N, 0, 0, 0], "Item 3 of C-SSRS screener needs an answer"),
        ([0, 0, N, N, N, 1], "Item 6a of C-SSRS screener needs an answer"),
        ([0, 0, N, N, N, 0, 1], 'Item 6a of C-SSRS screener is not asked when item 6 is "No"'),
        ([0, 2, N, N, N, 0], "Item 2 of C-SSRS screener takes 0 (No) or 1 (Yes); 2 was given."),
    ],
)
def test_cssrs_refuses_answers_against_the_skip_rule(values: list[int | None], wrong: str) -> None:
    with pytest.raises(InvalidInput, match=wrong.replace("(", r"\(").replace(")", r"\)")):
        scored(CSSRS, values)


# --- BAM-IOP: Use = 4+5+6, Risk = 1,2,3,8,11,15, Protective = 9,10,12,13,14,16 (VA) ---
# Day items record 0-7 days and score 0,1,2,3, then 4 for 4-7 days; item 14 Yes scores 4.


def bam(**values: int | None) -> Score:
    answers: dict[str, int | None] = dict.fromkeys(BAM.item_ids, 0)
    answers.update({k.removeprefix("i"): v for k, v in values.items()})
    for skipped in skipped_items(BAM, answers):
        answers[skipped] = None
    return score(BAM, answers)


def test_bam_a_week_without_use() -> None:
    result = bam(i1=2, i2=3, i3=1, i4=0, i6=0, i8=1, i9=3, i10=2, i11=0, i12=4, i13=5, i14=1,
                 i15=1, i16=7, i17=3)  # fmt: skip
    # Use: 4 (0 days -> 0) + 5 (skipped -> 0) + 6 (0) = 0
    # Risk: 1 (Good 2) + 2 (3 nights -> 3) + 3 (1 day -> 1) + 8 (1) + 11 (0) + 15 (1) = 8
    # Protective: 9 (3) + 10 (2 days -> 2) + 12 (4) + 13 (5 days -> 4) + 14 (Yes -> 4)
    #             + 16 (7 days -> 4) = 21
    assert dict(result.subscales) == {"use": 0, "risk": 8, "protective": 21}
    assert (result.total, result.band, result.alerts) == (None, None, ())
    assert result.answers["5"] is None and result.answers["7A"] is None


def test_bam_a_hard_week_raises_all_three_flags() -> None:
    result = bam(i1=4, i2=7, i3=5, i4=3, i5=2, i6=4, i7A=4, i7C=2, i8=4, i9=0, i10=0, i11=6,
                 i12=0, i13=0, i14=0, i15=3, i16=1, i17=0)  # fmt: skip
    # Use: 4 (3 days -> 3) + 5 (2 -> 2) + 6 (4 -> 4) = 9
    # Risk: 1 (Poor 4, not reversed) + 2 (7 -> 4) + 3 (5 -> 4) + 8 (4) + 11 (6 -> 4) + 15 (3) = 23
    # Protective: 9 (0) + 10 (0) + 12 (0) + 13 (0) + 14 (No 0) + 16 (1 day -> 1) = 1
    assert dict(result.subscales) == {"use": 9, "risk": 23, "protective": 1}
    assert alert_ids(result) == ["use", "risk", "protective"]


def test_bam_cut_offs_at_their_edges() -> None:
    # Risk: 1 (Fair 3) + 2 (3 -> 3) + 3 (2 -> 2) + 8 (2) + 11 (1 -> 1) + 15 (1) = 12 -> flag
    # Protective: 9 (2) + 10 (2 -> 2) + 12 (2) + 13 (2 -> 2) + 14 (Yes 4) + 16 (0) = 12 -> flag
    edge = bam(i1=3, i2=3, i3=2, i8=2, i11=1, i15=1, i9=2, i10=2, i12=2, i13=2, i14=1, i16=0)
    assert dict(edge.subscales) == {"use": 0, "risk": 12, "protective": 12}
    assert alert_ids(edge) == ["risk", "protective"]
    # One less risk (15 at 0: 11) and one more protection (16: 1 day -> 1: 13): no flag
    clear = bam(i1=3, i2=3, i3=2, i8=2, i11=1, i15=0, i9=2, i10=2, i12=2, i13=2, i14=1, i16=1)
    assert dict(clear.subscales) == {"use": 0, "risk": 11, "protective": 13}
    assert alert_ids(clear) == []


def test_bam_item_1_is_not_reversed() -> None:
    excellent, poor = bam(i1=0), bam(i1=4)
    assert poor.subscales["risk"] - excellent.subscales["risk"] == 4  # Poor 4 - Excellent 0


def test_bam_7a_to_7g_and_17_are_recorded_not_scored() -> None:
    base = bam(i6=3, i7A=0, i17=0)
    more = bam(i6=3, i7A=3, i7G=3, i17=4)
    assert base.subscales == more.subscales
    assert (more.answers["7A"], more.answers["17"]) == (3, 4)


def test_bam_refuses_days_that_contradict_each_other() -> None:
    with pytest.raises(InvalidInput, match=r"Heavy drinking days \(item 5\) cannot be more"):
        bam(i4=2, i5=3)
    with pytest.raises(InvalidInput, match=r"item 7B\) cannot be more than the days of any drug"):
        bam(i6=1, i7B=2)
    with pytest.raises(InvalidInput, match="Item 5 of BAM-IOP is not asked when item 4 is"):
        score(BAM, dict.fromkeys(BAM.item_ids, 0))  # item 5 answered although item 4 is 0


# --- Counting and checking answers, for every instrument ---


def test_wrong_numbers_of_answers_are_one_sentence() -> None:
    with pytest.raises(InvalidInput) as error:
        answers_from_list(PHQ9, [0] * 8)
    assert str(error.value) == (
        "PHQ-9 takes 9 or 10 answers (items 1 to 10, in order); 8 were given."
    )
    with pytest.raises(InvalidInput, match="AUDIT-C takes 3 answers"):
        answers_from_list(AUDITC, [0, 0, 0, 0])


def test_unknown_items_blanks_and_bad_sex_are_refused() -> None:
    with pytest.raises(InvalidInput, match="PHQ-9 has no item '11'"):
        score(PHQ9, {**dict.fromkeys(PHQ9.item_ids[:9], 0), "11": 1})
    with pytest.raises(InvalidInput, match=r"Item 4 of PHQ-9 needs an answer \(0 to 3\)"):
        scored(PHQ9, [0, 0, 0, None, 0, 0, 0, 0, 0])
    with pytest.raises(InvalidInput, match="Sex must be F, M, or left unrecorded"):
        scored(AUDITC, [0, 0, 0], "X")


# --- Properties over every instrument ---


@st.composite
def valid_answers(draw: st.DrawFn, instrument: Instrument) -> dict[str, int | None]:
    """Any answers the instrument accepts: options drawn, then skip rules and checks applied."""
    values: dict[str, int | None] = {
        item.id: draw(st.sampled_from(item.scale.values)) for item in instrument.items
    }
    for item in instrument.items:
        if item.optional and draw(st.booleans()):
            values[item.id] = None
    while skipped := {k for k in skipped_items(instrument, values) if values[k] is not None}:
        for item_id in skipped:
            values[item_id] = None
    for check in instrument.checks:
        low, high = values[check.item], values[check.not_more_than]
        if low is not None and high is not None and low > high:
            values[check.item] = high
    return values


def _points(instrument: Instrument, item_id: str, value: int | None) -> int:
    option = instrument.item(item_id).scale.option(value) if value is not None else None
    return (option.score or 0) if option is not None else 0


@settings(max_examples=60, deadline=None)
@given(data=st.data(), instrument=st.sampled_from(LIBRARY.instruments))
def test_totals_and_subscales_are_sums_of_their_scored_items(
    data: st.DataObject, instrument: Instrument
) -> None:
    answers = data.draw(valid_answers(instrument))
    result = score(instrument, answers)
    if instrument.has_total:
        expected = sum(_points(instrument, i.id, answers[i.id]) for i in instrument.scored_items)
        assert result.total == expected
        low, high = instrument.total_range
        assert low <= expected <= high
    else:
        assert result.total is None
    for subscale in instrument.subscales:
        expected = sum(_points(instrument, i, answers[i]) for i in subscale.items)
        assert result.subscales[subscale.id] == expected


BANDED = [i for i in LIBRARY.instruments if isinstance(i.bands, TotalBands)]


@pytest.mark.parametrize("instrument", BANDED, ids=lambda i: i.id)
def test_bands_partition_every_possible_total(instrument: Instrument) -> None:
    assert isinstance(instrument.bands, TotalBands)
    low, high = instrument.total_range
    for ranges in instrument.bands.all_ranges():
        for total in range(low - 1, high + 2):
            holding = [b.id for b in ranges if b.low <= total <= b.high]
            assert len(holding) == (1 if low <= total <= high else 0), (total, holding)


def _columbia_triage(values: dict[str, int | None]) -> str:
    """The Columbia triage written out independently of the definition file."""
    yes = {k for k, v in values.items() if v == 1}
    if yes & {"4", "5", "6a"}:
        return "high"
    if yes & {"3", "6"}:
        return "moderate"
    return "low"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([None, 0, 1]), min_size=7, max_size=7))
def test_cssrs_skip_rule_holds(raw: list[int | None]) -> None:
    values = dict(zip(CSSRS.item_ids, raw, strict=True))
    q2, q6 = values["2"], values["6"]
    later = [values[i] for i in ("3", "4", "5")]
    acceptable = (
        values["1"] is not None
        and q2 is not None
        and q6 is not None
        and (all(v is None for v in later) if q2 == 0 else all(v is not None for v in later))
        and ((values["6a"] is not None) == (q6 == 1))
    )
    try:
        result = score(CSSRS, values)
    except InvalidInput:
        assert not acceptable
        return
    assert acceptable
    assert result.band == _columbia_triage(values)


@given(st.lists(st.integers(0, 4), min_size=3, max_size=3), st.sampled_from(["F", "M", None]))
def test_audit_c_is_positive_at_the_cut_off_for_the_recorded_sex(
    values: list[int], sex: str | None
) -> None:
    result = scored(AUDITC, values, sex)
    cut_off = 4 if sex == "M" else 3
    assert result.total == sum(values)
    assert (result.band == "positive") == (sum(values) >= cut_off)
