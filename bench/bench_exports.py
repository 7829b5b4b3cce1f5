"""The FHIR export of the five-year demo's longest record, against raw reads of the same rows.

Issue 13 asks for at most 1 s. The Bundle is built and serialised as ``export fhir`` does,
but not written: writing would record a disclosure in the shared cached demo vault.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import BenchRow, timed

if TYPE_CHECKING:
    from app.services.container import Services
    from app.vault.vault import UnlockedVault

ACTOR = "bench"
RUNS = 5
FHIR_LIMIT_SECONDS = 1.0
RAW_QUERY = (
    "SELECT a.session_id, s.cohort_id, s.scheduled_start, s.planned_minutes, a.status, "
    "a.minutes_attended FROM attendance a JOIN group_session s ON s.id = a.session_id "
    "WHERE a.participant_id = ? AND a.deleted = 0 AND s.deleted = 0 ORDER BY s.scheduled_start"
)


def longest_record(vault: UnlockedVault) -> tuple[uuid.UUID, int]:
    """The participant with the most attendance marks, and how many."""
    from sqlalchemy import text

    with vault.database.read() as db:
        row = db.execute(
            text(
                "SELECT participant_id, count(*) AS marks FROM attendance WHERE deleted = 0 "
                "GROUP BY participant_id ORDER BY marks DESC, participant_id LIMIT 1"
            )
        ).one()
    return uuid.UUID(str(row[0])), int(row[1])


def export(services: Services, participant_id: uuid.UUID) -> int:
    from app.services.exports.disclosure import DisclosureRequest

    request = DisclosureRequest("Benchmark", "none: measured, never written")
    built = services.exports.fhir_bundle(participant_id, request)
    return len(json.dumps(built.document, ensure_ascii=False, indent=1).encode("utf-8"))


def measure(services: Services, vault: UnlockedVault) -> BenchRow:
    person, marks = longest_record(vault)
    raw = vault.database.engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        size = export(services, person)  # warm the page cache for both sides alike
        connection.execute(RAW_QUERY, (person.hex,)).fetchall()
        ours, theirs = [], []
        for _ in range(RUNS):
            ours.append(timed(lambda: export(services, person)))
            started = time.perf_counter()
            connection.execute(RAW_QUERY, (person.hex,)).fetchall()
            theirs.append(time.perf_counter() - started)
    finally:
        raw.close()
    return BenchRow(
        "export fhir: the longest record (five-year demo), best of 5",
        min(ours),
        "raw sqlcipher3: the same person's attendance rows",
        min(theirs),
        max_seconds=FHIR_LIMIT_SECONDS,
        note=f"{marks} attendance marks, a {size / 1024:,.0f} KiB Bundle",
    )


def run(scratch: Path) -> list[BenchRow]:
    from app.services.container import Services
    from bench.demo_cache import FIVE_YEARS, open_demo

    vault = open_demo(FIVE_YEARS)
    try:
        return [measure(Services.for_vault(vault, actor=ACTOR), vault)]
    finally:
        vault.close()
