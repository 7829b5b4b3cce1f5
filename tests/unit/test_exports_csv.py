"""CSV exports from a real vault: the documented layouts, times with offsets, safe cells, figures
as the screens' services give them, and nothing half-written."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.exports.cells import FORMULA_STARTS, neutralise, render
from app.services.exports.csv_tables import COLUMNS, NOTICE_COLUMNS, CsvKind
from app.services.exports.disclosure import DisclosureRequest
from app.services.profile import MarkRow
from app.vault.vault import UnlockedVault
from models import AuditAction, AuditEvent, Disclosure
from tests.conftest import REPO
from tests.unit.export_world import HOSTILE, ExportWorld, build

TO_LEE = DisclosureRequest("Dr. Lee, Northside Clinic", "signed 2026-02-01: attendance for care")


@pytest.fixture
def world(services: Services) -> ExportWorld:
    return build(services)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """Where exports go: a folder of their own (the vault is beside it in tmp_path)."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def read(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    assert data.endswith(b"\r\n")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def documented_columns() -> dict[str, list[str]]:
    """The column tables of docs/exports.md, by section."""
    text = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
        elif current and (found := re.match(r"\| `([a-z_]+)` \|", line)):
            sections.setdefault(current, []).append(found.group(1))
    return sections


def test_every_layout_is_the_one_docs_exports_md_documents() -> None:
    documented = documented_columns()
    assert documented["The two disclosure columns (first in every table)"] == list(NOTICE_COLUMNS)
    for kind in CsvKind:
        assert documented[kind.value] == list(COLUMNS[kind]), kind


def test_checkins_read_back_with_offsets_and_no_cell_a_spreadsheet_would_run(
    world: ExportWorld, tmp_path: Path
) -> None:
    out = tmp_path / "checkins.csv"
    report = world.services.exports.write_csv(CsvKind.CHECKINS, out, cohort_id=world.daybreak.id)
    assert header(out) == [*NOTICE_COLUMNS, *COLUMNS[CsvKind.CHECKINS]]
    rows = read(out)
    assert (report.records, report.participants, report.concerned) == (4, 2, 0)
    # New York: winter in January and November, summer (-04:00) in August.
    assert [r["session_start"] for r in rows if r["participant"] == "Benoît"] == [
        "2025-01-06T09:30:00-05:00",
        "2025-08-04T09:30:00-04:00",
        "2025-11-03T09:30:00-05:00",
    ]
    assert all(r["disclosure_notice"] == r["disclosure_consent"] == "" for r in rows)
    assert {r["craving"] for r in rows} == {""}  # a mental-health cohort records none

    recovery = tmp_path / "recovery.csv"
    world.services.exports.write_csv(
        CsvKind.CHECKINS, recovery, cohort_id=world.recovery.id, disclosure=TO_LEE
    )
    cells = [cell for row in read(recovery) for cell in row.values()]
    for hostile in HOSTILE:
        assert f"'{hostile}" in cells  # each kept whole, behind one apostrophe
    assert not any(cell[:1] in FORMULA_STARTS - {"'"} for cell in cells)
    ana = [r for r in read(recovery) if r["participant"] == "Ana Ruiz"]
    assert [(r["session_start"], r["mood"], r["craving"]) for r in ana] == [
        ("2026-02-16T18:00:00-06:00", "6", "4"),
        ("2026-02-23T18:00:00-06:00", "7", "1"),
    ]


def test_attendance_rows_are_the_marks_the_screens_show(world: ExportWorld, tmp_path: Path) -> None:
    services = world.services
    out = tmp_path / "attendance.csv"
    services.exports.write_csv(CsvKind.ATTENDANCE, out, disclosure=TO_LEE)
    rows = read(out)
    # Every cohort, a year of Daybreak sessions (more than one grid window) included.
    assert len(rows) == 6 + 6
    exported = {(r["session_id"], r["participant_id"]): r for r in rows}
    for person in (world.ana, world.ben, world.cal):
        marks: tuple[MarkRow, ...] = services.profiles.load(person.id).marks
        for mark in marks:
            row = exported.pop((str(mark.session_id), str(person.id)))
            assert (row["status"], int(row["minutes_attended"]), int(row["planned_minutes"])) == (
                mark.status.value,
                mark.minutes,
                mark.planned_minutes,
            )
            assert row["session_start"] == mark.at.isoformat(timespec="seconds")
            assert row["attended"] == ("yes" if mark.status.attended else "no")
    assert exported == {}
    notes = {r["note"] for r in rows}
    assert {"no call", "'=work shift"} <= notes
    late = next(r for r in rows if r["status"] == "late")
    assert (late["minutes_attended"], late["session_end"]) == ("150", "2026-02-16T21:00:00-06:00")


def test_goals_carry_their_report_backs(world: ExportWorld, tmp_path: Path) -> None:
    out = tmp_path / "goals.csv"
    world.services.exports.write_csv(
        CsvKind.GOALS, out, cohort_id=world.recovery.id, disclosure=TO_LEE
    )
    rows = read(out)
    walk = [r for r in rows if r["text"] == "Walk 20 minutes daily"]
    assert [(r["status"], r["report_backs"], r["last_outcome"]) for r in walk] == [
        ("carried_forward", "1", "partly"),
        ("done", "1", "done"),
    ]
    assert walk[1]["carried_from_id"] == walk[0]["goal_id"]
    assert walk[0]["last_barrier_note"] == "rain"
    assert walk[0]["last_report_back_session_start"] == "2026-02-18T18:00:00-06:00"
    assert {r["participant"] for r in rows} == {"Ana Ruiz", "Cal"}  # Ben's goal is Daybreak's


def test_surveys_keep_answers_and_scores_as_recorded(world: ExportWorld, tmp_path: Path) -> None:
    out = tmp_path / "surveys.csv"
    world.services.exports.write_csv(
        CsvKind.SURVEYS, out, cohort_id=world.recovery.id, disclosure=TO_LEE
    )
    rows = {(r["participant"], r["instrument"]): r for r in read(out)}
    phq = rows["Ana Ruiz", "phq-9"]
    assert (phq["answered_on"], phq["total"], phq["band"], phq["band_label"]) == (
        "2026-02-16", "12", "moderate", "Moderate",
    )  # fmt: skip
    assert phq["alerts"] == '["item-9"]'
    assert phq["answers"].startswith('{"1":1,"2":1,"3":2')
    bam = rows["Ana Ruiz", "bam-iop"]
    assert bam["total"] == "" and bam["subscales"].startswith('{"use":')
    assert rows["Ana Ruiz", "c-ssrs-screen"]["band"] == "moderate"
    assert rows["Cal", "phq-9"]["entered_at"] == "2026-03-02T11:00:00-06:00"


@given(st.text(max_size=12))
def test_a_cell_never_starts_a_formula_and_one_apostrophe_gives_it_back(text: str) -> None:
    cell = neutralise(text)
    assert cell[:1] not in FORMULA_STARTS - {"'"}
    original = cell[1:] if cell.startswith("'") else cell
    assert original == text
    [[read_back]] = list(csv.reader(io.StringIO(render(["x"], [[text]]).decode()[5:])))
    assert read_back == cell


def test_a_missing_folder_or_a_folder_is_one_sentence(
    world: ExportWorld, tmp_path: Path, vault: UnlockedVault
) -> None:
    for destination, sentence in (
        (tmp_path / "nowhere" / "x.csv", f"The folder {tmp_path / 'nowhere'} does not exist."),
        (tmp_path, f"{tmp_path} is a folder; give a file name."),
    ):
        with pytest.raises(InvalidInput) as refused:
            world.services.exports.write_csv(CsvKind.CHECKINS, destination)
        assert str(refused.value) == sentence
    assert exports_recorded(vault) == 0


def exports_recorded(vault: UnlockedVault) -> int:
    with vault.database.read() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == AuditAction.EXPORT)
            )
            or 0
        )


def disclosures(vault: UnlockedVault) -> int:
    with vault.database.read() as db:
        return int(db.scalar(select(func.count()).select_from(Disclosure)) or 0)


@pytest.mark.parametrize("fail_at", [1, 2])
def test_an_interrupted_export_leaves_no_file_and_no_record(
    world: ExportWorld, outbox: Path, vault: UnlockedVault, monkeypatch: pytest.MonkeyPatch,
    fail_at: int,
) -> None:  # fmt: skip
    out = outbox / "attendance.csv"
    out.write_text("an older export\n")
    calls = {"n": 0}
    real_fsync = os.fsync

    def interrupted(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == fail_at:  # the notice file is staged first, then the table
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        world.services.exports.write_csv(CsvKind.ATTENDANCE, out, disclosure=TO_LEE)
    monkeypatch.undo()
    assert sorted(p.name for p in outbox.iterdir()) == ["attendance.csv"]
    assert out.read_text() == "an older export\n"  # the old file, untouched
    assert (exports_recorded(vault), disclosures(vault)) == (0, 0)


def test_a_record_that_cannot_be_committed_takes_the_files_back(
    world: ExportWorld, outbox: Path, vault: UnlockedVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = vault.database
    real_write = database.write
    seen: list[bool] = []

    @contextmanager
    def failing_commit() -> Iterator[Session]:
        with real_write() as db:
            yield db
            seen.append((outbox / "goals.csv").exists())  # written, not yet committed
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(database, "write", failing_commit)
    with pytest.raises(OSError):
        world.services.exports.write_csv(CsvKind.GOALS, outbox / "goals.csv", disclosure=TO_LEE)
    monkeypatch.undo()
    assert seen == [True]
    assert list(outbox.iterdir()) == []
    assert (exports_recorded(vault), disclosures(vault)) == (0, 0)
