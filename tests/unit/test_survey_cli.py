"""``survey score`` and ``survey instruments``: JSON for scripts, one sentence and exit 1 for
answers that do not fit, no vault needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import survey_command
from app.cli.main import main
from app.resources import ResourceError
from tests.unit.vault_support import crash_reports, run_cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["survey", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_score_prints_json_in_a_real_process_without_a_vault(tmp_path: Path) -> None:
    # No vault anywhere under this home: scoring must not look for one.
    ran = run_cli(
        "survey", "score", "phq-9", "--answers", "1,1,2,2,1,1,2,1,1", "--json", home=tmp_path
    )
    assert ran.returncode == 0, ran.stderr
    # 1+1+2+2+1+1+2+1+1 = 12: moderate; item 9 at 1 raises the safety alert
    assert json.loads(ran.stdout) == {
        "instrument": "phq-9",
        "total": 12,
        "band": "moderate",
        "subscales": {},
        "alerts": [
            {
                "id": "item-9",
                "kind": "safety",
                "message": "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) "
                "is above 0: follow up with this person today, whatever the total.",
            }
        ],
    }
    wrong = run_cli("survey", "score", "gad-7", "--answers", "1,2,3", "--json", home=tmp_path)
    assert wrong.returncode == 1
    assert wrong.stdout == ""
    assert wrong.stderr == (
        "circlekeeper: GAD-7 takes 7 or 8 answers (items 1 to 8, in order); 3 were given.\n"
    )
    assert not crash_reports(tmp_path)


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["phq-9", "--answers", "0,0,0,0,0,0,0,0,4"], "Item 9 of PHQ-9 takes 0 to 3; 4 was given."),
        (["phq-9", "--answers", "0,0,x"], "Answer 3 ('x') is not a whole number."),
        (["audit-c", "--answers", "1,1,1,1"], "AUDIT-C takes 3 answers (items 1 to 3, in order);"),
        (["bdi", "--answers", "1"], "There is no instrument called 'bdi'; try one of: audit-c,"),
        (["c-ssrs-screen", "--answers", "1,0,1,0,0,0"], "Item 3 of C-SSRS screener is not asked"),
    ],
)
def test_answers_that_do_not_fit_are_one_sentence_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], sentence: str
) -> None:
    code, out, err = run(capsys, "score", *args, "--json")
    assert (code, out) == (1, "")
    assert err.startswith(f"circlekeeper: {sentence}") and err.count("\n") == 1


def test_sex_changes_the_audit_c_band(capsys: pytest.CaptureFixture[str]) -> None:
    def band(*extra: str) -> str:
        code, out, _err = run(capsys, "score", "AUDIT-C", "--answers", "1,1,1", "--json", *extra)
        assert code == 0
        return str(json.loads(out)["band"])

    # 1+1+1 = 3: positive for women and when not recorded, negative for men (cut-off 4)
    assert (band(), band("--sex", "f"), band("--sex", "M")) == ("positive", "positive", "negative")


def test_blank_answers_for_skipped_items_and_the_readable_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "score", "c-ssrs-screen", "--answers", "1,0,,,-,1,1")
    assert code == 0
    assert out.splitlines() == [
        "C-SSRS screener (version 1)",
        "  High risk",
        "  SAFETY: C-SSRS high risk (yes to question 4 or 5, or suicidal behaviour in the past "
        "3 months): immediate evaluation by a mental health professional, with safety "
        "precautions until then.",
    ]
    code, out, _err = run(capsys, "score", "phq-9", "--answers", "0,0,0,0,0,0,0,0,0")
    assert out.splitlines() == ["PHQ-9 (version 1)", "  total 0 (0-27): Minimal or none"]


def test_instruments_lists_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "instruments", "--json")
    assert code == 0
    listed = {i["id"]: i for i in json.loads(out)}
    assert set(listed) == {"audit-c", "bam-iop", "c-ssrs-screen", "gad-7", "phq-9"}
    assert listed["bam-iop"]["subscales"] == ["use", "risk", "protective"]
    assert listed["gad-7"]["loinc"] == {"panel": "69737-5", "total": "70274-6"}
    code, out, _err = run(capsys, "instruments")
    assert code == 0 and "phq-9" in out and "Patient Health Questionnaire-9" in out


def test_help_and_a_missing_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["survey", "--help"],
        ["survey", "score", "--help"],
        ["survey", "instruments", "-h"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 0
        assert "usage:" in capsys.readouterr().out
    assert main(["survey"]) == 2
    assert "SUBCOMMAND" in capsys.readouterr().err


def test_a_broken_definition_file_is_a_sentence_not_a_crash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ResourceError("resources/instruments/phq-9.json: bands.ranges[1].min: leaves a gap.")

    monkeypatch.setattr(survey_command, "instrument_library", broken)
    code, _out, err = run(capsys, "instruments")
    assert code == 1
    assert err == (
        "circlekeeper: resources/instruments/phq-9.json: bands.ranges[1].min: leaves a gap.\n"
    )
