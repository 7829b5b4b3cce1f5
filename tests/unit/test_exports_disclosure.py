"""42 CFR Part 2 disclosures: who is concerned, the notice verbatim, the consent asked first, the
audit event and the Disclosure rows the profile lists, synced like every other row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select

from app.database import migrate
from app.resources import load_json
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.exports.csv_tables import CsvKind
from app.services.exports.disclosure import DisclosureRequest, DisclosureRequired
from app.services.exports.notice import part2_notice
from app.services.participants import ParticipantDraft
from app.sync.schema import spec_by_name
from app.vault.vault import UnlockedVault
from models import AttendanceStatus, AuditAction, AuditEvent, Track
from tests.unit.export_world import ExportWorld, build
from tests.unit.test_sync_support import Machine, machines

__all__ = ["machines"]

TO_LEE = DisclosureRequest("  Dr. Lee, Northside Clinic ", "signed 2026-02-01: records for care")
STATEMENT_2 = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


@pytest.fixture
def world(services: Services) -> ExportWorld:
    return build(services)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_the_notice_is_the_2024_text_kept_as_data_with_its_source() -> None:
    raw = load_json("notices", "part2.json")
    notice = part2_notice()
    assert notice.statement_1 == tuple(raw["statement_1"])
    assert notice.statement_1[0].startswith(
        "This record which has been disclosed to you is protected by Federal confidentiality "
        "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, "
        "or testimony that describes the information contained in this record, in any civil, "
    )
    assert notice.statement_1[0].endswith("unless at least one of the following applies:")
    assert [p[:5] for p in notice.statement_1[1:4]] == ["(i) F", "(ii) ", "(iii)"]
    assert notice.statement_1[4].endswith("(see 42 CFR 2.31).")
    assert notice.statement_2 == STATEMENT_2  # the 2024 wording: "use or disclosure"
    assert "89 FR 12472" in notice.citation and "16 February 2026" in notice.citation
    assert notice.url.startswith("https://www.ecfr.gov/")
    assert "VERIFY" in notice.verification_status  # said plainly while unconfirmed


def test_a_part2_csv_is_refused_without_recipient_and_consent_and_nothing_is_written(
    world: ExportWorld, tmp_path: Path, vault: UnlockedVault
) -> None:
    out = tmp_path / "recovery.csv"
    with pytest.raises(DisclosureRequired) as refused:
        world.services.exports.write_csv(CsvKind.CHECKINS, out, cohort_id=world.recovery.id)
    assert refused.value.participants == 2
    assert str(refused.value) == (
        "These records include substance-use records (42 CFR Part 2) of 2 participants: say "
        "who they are for and under which consent; nothing was written."
    )
    with pytest.raises(InvalidInput, match="The consent cannot be empty"):
        world.services.exports.write_csv(
            CsvKind.CHECKINS, out, cohort_id=world.recovery.id,
            disclosure=DisclosureRequest("Dr. Lee", "  "),
        )  # fmt: skip
    assert not out.exists() and not list(tmp_path.glob("*.txt"))
    assert world.services.disclosures.disclosures_for(world.ana.id) == []
    with vault.database.read() as db:
        assert (
            db.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)).all()
            == []
        )


def test_every_concerned_row_carries_the_notice_and_the_sidecar_the_full_text(
    world: ExportWorld, tmp_path: Path
) -> None:
    notice = part2_notice()
    for kind in CsvKind:
        out = tmp_path / f"{kind.value}.csv"
        report = world.services.exports.write_csv(kind, out, disclosure=TO_LEE)
        found = rows(out)
        by_person: dict[str, set[tuple[str, str]]] = {}
        for row in found:
            by_person.setdefault(row["participant"], set()).add(
                (row["disclosure_notice"], row["disclosure_consent"])
            )
        consent = (
            "Disclosed on 2026-03-02 to Dr. Lee, Northside Clinic under this consent: "
            "signed 2026-02-01: records for care"
        )
        # Every cohort: Cal's Daybreak rows are in it with his Evening Recovery stay, so his
        # rows all carry the notice; Ben was never in a Part 2 cohort.
        assert by_person == {
            "Ana Ruiz": {(STATEMENT_2, consent)},
            "Cal": {(STATEMENT_2, consent)},
            "Benoît": {("", "")},
        }, kind
        assert report.concerned == 2 and report.notice_path is not None
        sidecar = report.notice_path.read_text(encoding="utf-8")
        assert report.notice_path.name == f"{kind.value}.csv.part2-notice.txt"
        assert notice.full_text in sidecar  # Statement 1 verbatim, paragraph by paragraph
        assert consent in sidecar and "Disclosed by: tester" in sidecar


def test_a_mental_health_cohort_alone_needs_no_disclosure(
    world: ExportWorld, tmp_path: Path
) -> None:
    out = tmp_path / "daybreak.csv"
    report = world.services.exports.write_csv(CsvKind.GOALS, out, cohort_id=world.daybreak.id)
    assert report.concerned == 0 and report.notice_path is None
    assert {r["disclosure_notice"] for r in rows(out)} == {""}
    assert world.services.disclosures.disclosures_for(world.cal.id) == []


def test_the_disclosure_is_audited_and_listed_for_each_person(
    world: ExportWorld, tmp_path: Path, vault: UnlockedVault
) -> None:
    services = world.services
    report = services.exports.write_csv(
        CsvKind.ATTENDANCE, tmp_path / "a.csv", cohort_id=world.recovery.id, disclosure=TO_LEE
    )
    services.exports.write_fhir(world.ana.id, tmp_path / "ana.json", disclosure=TO_LEE)
    listed = services.disclosures.disclosures_for(world.ana.id)
    assert [d.kind for d in listed] == ["fhir_bundle", "attendance_csv"]  # newest first
    csv_row = next(d for d in listed if d.kind == "attendance_csv")
    assert (csv_row.recipient, csv_row.consent, csv_row.disclosed_by, csv_row.records) == (
        "Dr. Lee, Northside Clinic", "signed 2026-02-01: records for care", "tester", 3,
    )  # fmt: skip
    assert csv_row.description == "Attendance CSV of Evening Recovery"
    assert csv_row.export_id == report.export_id and csv_row.notice == part2_notice().id
    assert csv_row.disclosed_at == dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)
    [cal] = services.disclosures.disclosures_for(world.cal.id)
    assert cal.export_id == report.export_id and cal.records == 3
    assert services.disclosures.disclosures_for(world.ben.id) == []
    with vault.database.read() as db:
        events = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == AuditAction.EXPORT)
            .order_by(AuditEvent.version)
        ).all()
    assert [(e.actor, e.entity, e.entity_id) for e in events] == [
        ("tester", "cohort", world.recovery.id),
        ("tester", "participant", world.ana.id),
    ]
    assert events[0].detail == (
        "Attendance CSV of Evening Recovery, 6 records to Dr. Lee, Northside Clinic; "
        "Part 2 notice for 2"
    )
    assert "Ana" not in events[0].detail and "Ana" not in events[1].detail


def test_a_dual_diagnosis_stay_concerns_its_records_too(services: Services, tmp_path: Path) -> None:
    cohort = services.cohorts.create(
        CohortDraft(name="Both", track=Track.DUAL_DIAGNOSIS, timezone="UTC")
    )
    dee = services.participants.create(ParticipantDraft(display_name="Dee"))
    services.enrollments.enroll(dee.id, cohort.id, start_date=dt.date(2026, 2, 2))
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 2, 9, 18, tzinfo=dt.UTC))
    services.attendance.mark(session.id, dee.id, AttendanceStatus.PRESENT)
    with pytest.raises(DisclosureRequired):
        services.exports.write_csv(CsvKind.ATTENDANCE, tmp_path / "x.csv")
    with pytest.raises(DisclosureRequired):
        services.exports.write_fhir(dee.id, tmp_path / "dee.json")
    assert list(tmp_path.glob("x.csv*")) == [] and not (tmp_path / "dee.json").exists()


def test_disclosures_travel_in_bundles(machines: list[Machine], tmp_path: Path) -> None:
    a, b, _c = machines
    world = build(a.services)
    a.services.exports.write_fhir(world.cal.id, tmp_path / "cal.json", disclosure=TO_LEE)
    b.import_(a.export(b))
    assert b.services.disclosures.disclosures_for(world.cal.id) == (
        a.services.disclosures.disclosures_for(world.cal.id)
    )
    assert a.digest() == b.digest()
    assert "disclosure" in spec_by_name()
    bundle = json.loads((tmp_path / "cal.json").read_text(encoding="utf-8"))
    assert bundle["meta"]["security"][1]["code"] == "42CFRPart2"


def test_migration_0010_goes_down_and_up(vault: UnlockedVault) -> None:
    engine = vault.database.engine
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    with engine.connect() as connection:
        assert "disclosure" not in inspect(connection).get_table_names()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
    with engine.connect() as connection:
        indexes = {i["name"] for i in inspect(connection).get_indexes("disclosure")}
    assert indexes == {"ix_disclosure_participant", "ix_disclosure_version"}
