"""``export csv`` and ``export fhir`` on the command line: exit codes, one-sentence errors, the
Part 2 options, the warning on stderr, and the bundle export left as it was."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from fhirclient.models.bundle import Bundle

from app.cli.main import main
from app.services.container import Services
from app.services.context import ServiceContext
from app.services.participants import ParticipantDraft
from app.sync.clock import HybridLogicalClock
from app.vault.vault import VaultPaths, create_vault
from tests.conftest import CHEAP_KDF, PASSPHRASE, FakeNow
from tests.unit.export_world import build
from tests.unit.vault_support import crash_reports, run_cli

WARNING = "is not encrypted: it has left the vault's protection"


@dataclass(frozen=True)
class Program:
    data_dir: Path
    out: Path


@pytest.fixture
def program(tmp_path: Path, now: FakeNow, monkeypatch: pytest.MonkeyPatch) -> Program:
    """A closed vault holding the export world, and an empty folder for the files."""
    created = create_vault(VaultPaths(tmp_path / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
    context = ServiceContext(
        database=created.database,
        clock=HybridLogicalClock(last=created.highest_version()),
        device_id=created.device_id,
        actor="tester",
        now=now,
    )
    services = Services.build(context)
    build(services)
    twin = services.participants.create(ParticipantDraft(display_name="Sam"))
    services.participants.create(ParticipantDraft(display_name="sam"))
    assert twin.id
    created.close()
    monkeypatch.setenv("CIRCLEKEEPER_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "out"
    out.mkdir()
    return Program(tmp_path / "vault", out)


def run(program: Program, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    # Each command takes the passphrase out of the environment once read (issue 11); the
    # fixture's monkeypatch removes it again after the test.
    os.environ["CIRCLEKEEPER_PASSPHRASE"] = PASSPHRASE
    code = main(["--data-dir", str(program.data_dir), "export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_mental_health_table_is_written_with_the_warning_on_stderr(
    program: Program, capsys: pytest.CaptureFixture[str]
) -> None:
    out = program.out / "daybreak.csv"
    code, stdout, stderr = run(
        program, capsys, "csv", "--what", "attendance", "--cohort", "Daybreak", "--out", str(out)
    )
    assert code == 0, stderr
    assert stdout == f"Wrote {out}: 6 rows (2 participants).\n"
    assert stderr == (
        f"Warning: daybreak.csv {WARNING}, so keep it safe and delete it once it is no longer "
        "needed.\n"
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert {r["cohort"] for r in rows} == {"Daybreak"} and len(rows) == 6


def test_part2_records_need_recipient_and_consent(
    program: Program, capsys: pytest.CaptureFixture[str]
) -> None:
    out = program.out / "recovery.csv"
    base = ["csv", "--what", "checkins", "--cohort", "Evening Recovery", "--out", str(out)]
    code, stdout, stderr = run(program, capsys, *base)
    assert (code, stdout) == (2, "")
    assert stderr == (
        "circlekeeper: These records include substance-use records (42 CFR Part 2) of 2 "
        "participants: say who they are for with --recipient and under which consent with "
        "--consent; nothing was written.\n"
    )
    code, _stdout, stderr = run(program, capsys, *base, "--recipient", "Dr. Lee")
    assert code == 2
    assert stderr == (
        "circlekeeper: Give --consent too: a disclosure names its recipient and its consent.\n"
    )
    assert list(program.out.iterdir()) == []
    code, stdout, stderr = run(
        program, capsys, *base, "--recipient", "Dr. Lee", "--consent", "signed 2026-02-01"
    )
    assert code == 0, stderr
    notice = program.out / "recovery.csv.part2-notice.txt"
    assert stdout.splitlines() == [
        f"Wrote {out}: 4 rows (2 participants).",
        f"It carries the 42 CFR Part 2 notice (in full in {notice}); the disclosure to Dr. Lee "
        "is recorded for 2 participants.",
    ]
    assert WARNING in stderr and notice.exists()


def test_fhir_for_a_participant_by_name(
    program: Program, capsys: pytest.CaptureFixture[str]
) -> None:
    out = program.out / "ana.json"
    code, stdout, stderr = run(
        program, capsys, "fhir", "--participant", "ana ruiz", "--out", str(out),
        "--recipient", "Dr. Lee", "--consent", "signed 2026-02-01",
    )  # fmt: skip
    assert code == 0, stderr
    assert stdout.startswith(f"Wrote {out}: ") and "(1 participant)." in stdout
    Bundle(json.loads(out.read_text(encoding="utf-8")), strict=True)
    code, _stdout, stderr = run(
        program, capsys, "fhir", "--participant", "Nobody", "--out", str(out)
    )
    assert (code, stderr) == (1, "circlekeeper: There is no participant called 'Nobody'.\n")
    code, _stdout, stderr = run(program, capsys, "fhir", "--participant", "SAM", "--out", str(out))
    assert code == 1 and stderr.startswith("circlekeeper: 2 participants are called 'SAM'; give")
    assert stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "code", "sentence"),
    [
        (["csv", "--what", "goals", "--cohort", "Nope", "--out", "{out}"], 1,
         "The cohort 'Nope' was not found; it may have been removed on another device."),
        (["--cohort", "Daybreak", "csv", "--what", "goals", "--out", "{out}"], 2,
         "--cohort belongs to the bundle export; write the options of `export csv` after `csv`."),
        (["csv", "--what", "goals", "--out", "{missing}"], 1,
         "The folder {folder} does not exist."),
        ([], 2, "say where to write the bundle: --to FILE."),
    ],
)  # fmt: skip
def test_refusals_are_one_sentence_and_write_nothing(
    program: Program, capsys: pytest.CaptureFixture[str], args: list[str], code: int, sentence: str
) -> None:
    places = {
        "out": str(program.out / "x.csv"),
        "missing": str(program.out / "no" / "x.csv"),
        "folder": str(program.out / "no"),
    }
    result, stdout, stderr = run(program, capsys, *[a.format(**places) for a in args])
    assert (result, stdout) == (code, "")
    assert stderr == f"circlekeeper: {sentence.format(**places)}\n"
    assert list(program.out.iterdir()) == []


def test_usage_errors_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["export", "csv", "--help"], ["export", "fhir", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 0
        assert "usage:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["export", "csv", "--what", "moods", "--out", "x.csv"])
    assert exit_.value.code == 2


def test_the_real_program_exports_fhir(program: Program) -> None:
    out = program.out / "ben.json"
    home = program.out.parent / "home"
    ran = run_cli(
        "--data-dir", str(program.data_dir), "export", "fhir", "--participant", "Benoît",
        "--out", str(out), home=home, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(f"Wrote {out}: ")
    assert WARNING in ran.stderr and not crash_reports(home)
    Bundle(json.loads(out.read_text(encoding="utf-8")), strict=True)


def test_an_export_waits_for_the_writer_lock_and_names_its_holder(
    program: Program, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export csv`` records a disclosure and an audit event: it writes, so it queues."""
    from app.vault.lock import WriterLock

    with WriterLock(program.data_dir, "the command `python -m app demo`", "demo"):
        result, stdout, stderr = run(
            program, capsys, "csv", "--what", "goals", "--out", str(program.out / "g.csv")
        )
    assert (result, stdout) == (1, "")
    assert "python -m app demo" in stderr and stderr.count("\n") == 1
    assert list(program.out.iterdir()) == []
