"""A participant profile's data on the five-year demo against a raw sqlcipher3 read of its rows.

The five-year demo (50 cohorts, 10,000 participants, 260 weeks, seed 7, ending on a fixed
day) is generated once into a cache folder and reused: ``$CIRCLEKEEPER_BENCH_CACHE``, else
``~/.cache/circlekeeper-bench``. ``python -m bench.bench_roster`` only builds that cache.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import BenchRow, timed

PASSPHRASE = "benchmark passphrase"  # a throwaway vault in a cache folder
SHAPE = {"cohorts": 50, "participants": 10_000, "weeks": 260, "seed": 7}
COHORTS, PARTICIPANTS, WEEKS, SEED = SHAPE.values()
TODAY = dt.date(2026, 3, 2)  # fixed, so the cached program never goes stale
SAMPLES = 40
PROFILE_LIMIT_SECONDS = 0.100


def cache_folder() -> Path:
    root = os.environ.get("CIRCLEKEEPER_BENCH_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "circlekeeper-bench"
    name = "demo-{cohorts}x{participants}x{weeks}-seed{seed}".format(**SHAPE)
    return base / f"{name}-{TODAY.isoformat()}"


def five_year_demo(report: Callable[[str], None] = print) -> Path:
    """The cached five-year demo vault's folder, generated first when missing or incomplete."""
    from app.vault.keyfile import KdfParameters
    from app.vault.vault import VaultPaths, create_vault

    folder = cache_folder()
    done = folder / "complete"
    if done.exists():
        return folder / "vault"
    if folder.exists():  # an interrupted run: start again
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    from app.services.demo import generate_demo

    report(f"generating the five-year demo into {folder} (once) …")
    cheap = KdfParameters(iterations=1, lanes=1, memory_kib=8 * 1024)  # nothing secret here
    vault = create_vault(VaultPaths(folder / "vault"), PASSPHRASE, kdf=cheap).vault
    try:
        summary = generate_demo(
            vault,
            cohorts=COHORTS,
            participants=PARTICIPANTS,
            weeks=WEEKS,
            seed=SEED,
            today=TODAY,
            actor="bench",
        )
    finally:
        vault.close()
    report(f"  {summary.checkins:,} check-ins in {summary.seconds:.0f} s")
    done.write_text(f"{summary}\n")
    return folder / "vault"


def _open(folder: Path) -> Any:
    from app.vault.vault import VaultPaths, unlock_with_passphrase

    return unlock_with_passphrase(VaultPaths(folder), PASSPHRASE)


def _sample_people(vault: Any, count: int) -> list[uuid.UUID]:
    """Participants with a full stay: the profiles a clinician opens most."""
    from sqlalchemy import text

    with vault.database.read() as db:
        ids = list(
            db.execute(
                text(
                    "SELECT participant_id FROM enrollment WHERE status IN "
                    "('graduated', 'active') GROUP BY participant_id ORDER BY participant_id"
                )
            ).scalars()
        )
    rng = random.Random(7)  # a benchmark's sample, not a secret
    return [uuid.UUID(str(value)) if not isinstance(value, uuid.UUID) else value
            for value in rng.sample(ids, count)]  # fmt: skip


RAW_QUERIES = (
    "SELECT display_name, pronouns, recovery_start, clinician_notes FROM participant WHERE id = ?",
    "SELECT e.id, e.cohort_id, e.start_date, e.end_date, e.status, e.reason, c.name, c.track "
    "FROM enrollment e JOIN cohort c ON c.id = e.cohort_id "
    "WHERE e.participant_id = ? AND e.deleted = 0",
    "SELECT a.id, s.scheduled_start, a.status, a.minutes_attended, s.planned_minutes "
    "FROM attendance a JOIN group_session s ON s.id = a.session_id "
    "WHERE a.participant_id = ? AND a.deleted = 0",
    "SELECT c.id, s.scheduled_start, c.mood, c.craving, c.emotion_words, c.accomplishments, "
    "c.challenges, c.share_scope FROM checkin c JOIN group_session s ON s.id = c.session_id "
    "WHERE c.participant_id = ? AND c.deleted = 0",
    "SELECT g.id, s.scheduled_start, g.text, g.value_domain, g.status FROM goal g "
    "JOIN group_session s ON s.id = g.set_in_session_id WHERE g.participant_id = ? "
    "AND g.deleted = 0",
    "SELECT r.id, s.scheduled_start, r.outcome, r.barrier_note, g.text FROM goal_review r "
    "JOIN goal g ON g.id = r.goal_id JOIN group_session s ON s.id = r.session_id "
    "WHERE g.participant_id = ? AND r.deleted = 0",
)


def raw_read(connection: Any, participant_id: uuid.UUID) -> int:
    """The same rows as the profile, straight from sqlcipher3 (no ORM, no DTOs)."""
    key = participant_id.hex  # SQLAlchemy's Uuid on SQLite: 32 hex digits
    rows = 0
    for query in RAW_QUERIES:
        rows += len(connection.execute(query, (key,)).fetchall())
    return rows


def run(scratch: Path) -> list[BenchRow]:
    from app.services.container import Services

    vault = _open(five_year_demo(lambda line: print(line, file=sys.stderr, flush=True)))
    try:
        services = Services.for_vault(vault, actor="bench")
        people = _sample_people(vault, SAMPLES)
        profiles = services.profiles
        raw = vault.database.engine.raw_connection()
        try:
            for person in people[:3]:  # warm the page cache for both sides alike
                profiles.load(person)
                raw_read(raw.driver_connection, person)
            ours, theirs, sizes = [], [], []
            for person in people:  # interleaved, so that a busy moment hits both sides
                ours.append(timed(lambda p=person: profiles.load(p)))  # type: ignore[misc]
                started = time.perf_counter()
                sizes.append(raw_read(raw.driver_connection, person))
                theirs.append(time.perf_counter() - started)
        finally:
            raw.close()
    finally:
        vault.close()
    median_rows = statistics.median(sizes)
    return [
        BenchRow(
            "profile: a participant's data (five-year demo), p95",
            sorted(ours)[int(0.95 * (len(ours) - 1))],
            "raw sqlcipher3: the same rows, p95",
            sorted(theirs)[int(0.95 * (len(theirs) - 1))],
            max_seconds=PROFILE_LIMIT_SECONDS,
            note=(
                f"{SAMPLES} participants with a full stay, median {median_rows:g} rows each; "
                f"median {statistics.median(ours) * 1e3:.1f} ms against "
                f"{statistics.median(theirs) * 1e3:.1f} ms raw"
            ),
        )
    ]


if __name__ == "__main__":
    print(five_year_demo())
