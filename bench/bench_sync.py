"""Sync benchmarks: full export and import against raw JSON Lines, and a one-week round trip.

Limits measured in the same run: reading the same rows with raw sqlcipher3 and writing them
as JSON Lines, and reading JSON Lines back into an empty vault with raw ``executemany``.
The data is the five-year demo (``bench.demo_cache``, generated once and reused), copied
for each run; ``bulk_program`` remains for tests that need a quick synthetic program.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from app.services.ids import attendance_id, checkin_id
from app.sync.clock import pack
from app.sync.schema import spec_by_name
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from bench.demo_cache import FIVE_YEARS
from bench.harness import BenchRow

PASSPHRASE = "bench passphrase for sync"
WORDS = [
    "steady",
    "tired",
    "hopeful",
    "anxious",
    "calm",
    "proud",
    "restless",
    "grateful",
    "sad",
    "okay",
]


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def bulk_program(
    vault: UnlockedVault, *, cohorts: int, people_per_cohort: int, weeks: int, seed: int = 7
) -> dict[str, int]:
    """Cohorts meeting three times a week with attendance and check-ins, bulk-inserted."""
    rnd = random.Random(seed)
    origin = vault.device_id
    version = [pack(1_700_000_000_000)]

    def next_version() -> int:
        version[0] += 1
        return version[0]

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in spec_by_name()}
    start = dt.datetime(2025, 1, 6, 18, tzinfo=dt.UTC)
    for c in range(cohorts):
        cohort = uuid.UUID(int=rnd.getrandbits(128)).hex
        rows["cohort"].append({
            "id": cohort, "name": f"Cohort {c}", "track": "substance_use", "level_of_care": "iop",
            "cohort_type": "rolling", "capacity": 12, "meeting_days": "1,3,5",
            "start_time": "18:00:00.000000", "planned_minutes": 180, "timezone": "UTC",
            "status": "active", "facilitators": "", "age_group": "adult",
            "weekly_minimum_minutes": None, "start_date": "2025-01-06", "end_date": None,
        })  # fmt: skip
        people = []
        for p in range(people_per_cohort):
            person = uuid.UUID(int=rnd.getrandbits(128))
            people.append(person)
            rows["participant"].append({
                "id": person.hex, "display_name": f"Person {c}-{p}", "pronouns": "",
                "recovery_start": None, "clinician_notes": "",
            })  # fmt: skip
            rows["enrollment"].append({
                "id": uuid.UUID(int=rnd.getrandbits(128)).hex, "participant_id": person.hex,
                "cohort_id": cohort, "start_date": "2025-01-06", "end_date": None,
                "status": "active", "reason": "", "note": "",
            })  # fmt: skip
        for week in range(weeks):
            for day in (0, 2, 4):
                when = start + dt.timedelta(weeks=week, days=day)
                session = uuid.UUID(int=rnd.getrandbits(128))
                rows["group_session"].append({
                    "id": session.hex, "cohort_id": cohort, "scheduled_start": _stamp(when),
                    "planned_minutes": 180, "status": "held", "topic": "", "facilitator": "",
                    "peer_leader_id": None,
                })  # fmt: skip
                for person in people:
                    rows["attendance"].append({
                        "id": attendance_id(session, person).hex, "session_id": session.hex,
                        "participant_id": person.hex, "status": "present",
                        "minutes_attended": 180, "note": "",
                    })  # fmt: skip
                    rows["checkin"].append({
                        "id": checkin_id(session, person).hex, "session_id": session.hex,
                        "participant_id": person.hex, "recorded_at": _stamp(when),
                        "mood": rnd.randint(0, 10), "emotion_words": rnd.choice(WORDS),
                        "accomplishments": " ".join(rnd.choices(WORDS, k=rnd.randint(0, 12))),
                        "challenges": " ".join(rnd.choices(WORDS, k=rnd.randint(0, 12))),
                        "craving": rnd.randint(0, 10), "share_scope": "group",
                    })  # fmt: skip
    raw = vault.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for name, table_rows in rows.items():
            spec = spec_by_name()[name]
            values = []
            for row in table_rows:
                row.update(version=next_version(), origin=origin, deleted=0)
                # Columns added later (nullable) are left out of the fixture rows: None.
                values.append(tuple(row.get(c) for c in spec.columns))
            cursor.executemany(spec.insert_sql(), values)
        cursor.execute("COMMIT")
    finally:
        raw.close()
    return {name: len(table_rows) for name, table_rows in rows.items()}


def raw_export_limit(vault: UnlockedVault, folder: Path) -> float:
    """Read every synced row with raw sqlcipher3 and write it as JSON Lines, one file a table."""
    started = time.perf_counter()
    raw = vault.database.engine.raw_connection()
    try:
        for spec in spec_by_name().values():
            with (folder / f"{spec.name}.jsonl").open("w", encoding="utf-8") as handle:
                for row in raw.cursor().execute(spec.select_sql()):
                    handle.write(json.dumps(dict(zip(spec.columns, row, strict=True))) + "\n")
    finally:
        raw.close()
    return time.perf_counter() - started


def raw_import_limit(vault: UnlockedVault, folder: Path) -> float:
    """Read those JSON Lines back into an empty vault with raw ``executemany``."""
    started = time.perf_counter()
    raw = vault.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for spec in spec_by_name().values():
            with (folder / f"{spec.name}.jsonl").open(encoding="utf-8") as handle:
                values = [tuple(json.loads(line).values()) for line in handle]
            cursor.executemany(spec.insert_sql(), values)
        cursor.execute("COMMIT")
    finally:
        raw.close()
    return time.perf_counter() - started


def _machine(folder: Path) -> tuple[UnlockedVault, Any]:
    from app.services.container import Services
    from app.sync.keys import device_identity

    vault = create_vault(VaultPaths(folder), PASSPHRASE).vault
    return vault, (Services.for_vault(vault, actor="bench"), device_identity(vault.database))


def _demo_copy(folder: Path) -> UnlockedVault:
    """A private copy of the cached five-year demo (exporting writes peers' marks into it)."""
    from app.vault.vault import unlock_with_passphrase
    from bench.demo_cache import PASSPHRASE as DEMO_PASSPHRASE
    from bench.demo_cache import cached_demo

    source = cached_demo(FIVE_YEARS)
    shutil.copytree(source.folder, folder)
    return unlock_with_passphrase(VaultPaths(folder), DEMO_PASSPHRASE)


def run(scratch: Path) -> list[BenchRow]:
    from app.services.checkins import CheckInDraft
    from app.services.container import Services
    from app.sync import peers
    from app.sync.export import ExportRequest, export_bundle
    from app.sync.importer import import_bundle
    from app.sync.keys import device_identity
    from models import AttendanceStatus

    a = _demo_copy(scratch / "a")
    services_a, device_a = Services.for_vault(a, actor="bench"), device_identity(a.database)
    b, (_services_b, device_b) = _machine(scratch / "b")
    raw_target, _ = _machine(scratch / "raw")
    peers.trust(a.database, device_b.card)
    peers.trust(b.database, device_a.card)
    with a.database.read() as db:
        rows = sum(
            int(db.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in spec_by_name()
        )

    jsonl = scratch / "jsonl"
    jsonl.mkdir()
    raw_export = raw_export_limit(a, jsonl)
    raw_import = raw_import_limit(raw_target, jsonl)

    bundle = scratch / "full.ckb"
    started = time.perf_counter()
    export_bundle(
        a.database, device_a, ExportRequest(bundle, (device_b.age_recipient,), full=True),
        actor="bench",
    )  # fmt: skip
    full_export = time.perf_counter() - started
    started = time.perf_counter()
    import_bundle(b.database, device_b, bundle.read_bytes(), actor="bench")
    full_import = time.perf_counter() - started
    bundle.unlink()

    # One more week of a 12-person cohort, written through the services, then sent.
    cohort = next(c for c in services_a.cohorts.list() if c.active_members >= 10)
    people = [r.participant_id for r in services_a.progress.roster(cohort.id).rows][:12]
    week_start = dt.datetime.combine(
        FIVE_YEARS.today + dt.timedelta(weeks=3), dt.time(18), tzinfo=dt.UTC
    )
    for day in (0, 2, 4):
        session = services_a.sessions.schedule(cohort.id, week_start + dt.timedelta(days=day))
        for person in people:
            services_a.attendance.mark(session.id, person, AttendanceStatus.PRESENT)
            services_a.checkins.record(session.id, person, CheckInDraft(mood=6, challenges="x"))
    started = time.perf_counter()
    weekly = scratch / "week.ckb"
    export_bundle(
        a.database, device_a, ExportRequest(weekly, (device_b.age_recipient,)), actor="bench"
    )
    import_bundle(b.database, device_b, weekly.read_bytes(), actor="bench")
    week = time.perf_counter() - started
    for vault in (a, b, raw_target):
        vault.close()
    shutil.rmtree(jsonl)
    note = f"{rows:,} synced rows of the five-year demo (50 cohorts, 10,000 people, 260 weeks)"
    return [
        BenchRow("sync: full export", full_export, "rows → JSON Lines", raw_export, 5, note=note),
        BenchRow("sync: full import", full_import, "JSON Lines → raw executemany", raw_import, 5),
        BenchRow(
            "sync: one-week bundle, 12 people", week, "-", None, max_seconds=1.0,
            note=f"{len(people)} people, 3 sessions, export and import end to end",
        ),
    ]  # fmt: skip
