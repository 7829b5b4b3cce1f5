"""The vault's figures: saving a check-in, writing the demo, unlocking; each against its raw limit.

Set ``BENCH_FULL=0`` to skip the five-year demo (about half a minute on a quiet machine).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import text

from app.database.engine import open_engine
from app.database.migrate import upgrade
from app.demo.generator import DemoShape, build_rows
from app.demo.rows import COLUMNS, RowSink, insert_sql, stamp
from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.vault.keychain import Keychain
from app.vault.keyfile import KdfParameters, KeyFile
from app.vault.vault import (
    UnlockedVault,
    VaultPaths,
    create_vault,
    unlock_with_keychain,
    unlock_with_passphrase,
)
from bench.demo_cache import FIVE_YEARS, generate
from bench.harness import BenchRow, percentile, timed
from bench.raw import keyed_connection

PASSPHRASE = "benchmark passphrase"  # throwaway vaults in scratch
CHEAP_KDF = KdfParameters(iterations=1, lanes=1, memory_kib=8 * 1024)  # where unlocking isn't timed
TODAY = FIVE_YEARS.today
CHECKIN_SAMPLES = 200
MID_DEMO = DemoShape(cohorts=12, participants=1500, weeks=52, seed=7, today=TODAY, actor="bench")
FIVE_YEAR_CHECKINS = 400_000


def run(scratch: Path) -> list[BenchRow]:
    rows = [save_checkin(scratch / "save"), demo_against_raw(scratch / "demo")]
    rows += unlocking(scratch / "unlock")
    if os.environ.get("BENCH_FULL", "1") != "0":
        rows.append(five_year_demo(scratch / "five-years"))
    return rows


# -- a raw connection keyed and configured as the app's ----------------------------------------


@contextmanager
def raw_database(path: Path) -> Iterator[sqlcipher3.Connection]:
    """A fresh keyed file with the app's schema, opened with plain sqlcipher3 and its pragmas."""
    key = os.urandom(32)
    engine = open_engine(path, key, create=True)
    upgrade(engine, path)
    engine.dispose()
    with keyed_connection(path, key) as connection:
        yield connection


# -- saving one check-in ------------------------------------------------------------------------


def save_checkin(folder: Path) -> BenchRow:
    """CheckInService.record against one raw INSERT + COMMIT, samples interleaved."""
    vault = create_vault(VaultPaths(folder / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
    try:
        services = Services.for_vault(vault, actor="bench")
        pairs = _members_and_sessions(services)
        draft = CheckInDraft(
            mood=6, emotion_words="tired, hopeful", accomplishments="Walked", craving=3
        )
        sink = RowSink()
        build_rows(DemoShape(1, 12, 12, 1, TODAY, "bench"), sink)
        tables = dict(sink.batches)  # one cohort: one batch per table
        raw_pairs = [(s[0], p[0]) for s in tables["group_session"] for p in tables["participant"]]
        with raw_database(folder / "raw.db") as raw:
            raw.execute("BEGIN IMMEDIATE")
            for table in ("cohort", "participant", "group_session"):
                raw.executemany(insert_sql(table), tables[table])
            raw.execute("COMMIT")
            statement = insert_sql("checkin")
            service_samples, raw_samples = [], []
            for index, (session_id, person_id) in enumerate(pairs[: CHECKIN_SAMPLES + 20]):
                record = partial(services.checkins.record, session_id, person_id, draft)
                service_samples.append(timed(record))
                values = _raw_checkin(*raw_pairs[index])
                raw_samples.append(timed(partial(_insert_and_commit, raw, statement, values)))
    finally:
        vault.close()
    service_samples, raw_samples = service_samples[20:], raw_samples[20:]  # after warming up
    return BenchRow(
        "save one check-in (CheckInService.record), p95",
        percentile(service_samples, 0.95),
        "raw sqlcipher3 INSERT + COMMIT, p95",
        percentile(raw_samples, 0.95),
        max_ratio=20,
        max_seconds=0.016,
        note=f"{len(service_samples)} samples each, interleaved; medians "
        f"{statistics.median(service_samples) * 1e3:.1f} ms against "
        f"{statistics.median(raw_samples) * 1e3:.1f} ms",
    )


def _members_and_sessions(services: Services) -> list[tuple[uuid.UUID, uuid.UUID]]:
    from app.services.cohorts import CohortDraft
    from app.services.participants import ParticipantDraft
    from models import Track

    start = dt.date(2026, 1, 5)
    cohort = services.cohorts.create(
        CohortDraft(name="Bench", track=Track.SUBSTANCE_USE, timezone="UTC", start_date=start)
    )
    people = [
        services.participants.create(ParticipantDraft(display_name=f"Person {i}"))
        for i in range(10)
    ]
    for person in people:
        services.enrollments.enroll(person.id, cohort.id, start_date=start)
    sessions = services.sessions.schedule_weeks(cohort.id, start, 8)
    return [(s.id, p.id) for s in sessions for p in people]


def _raw_checkin(session_id: str, person_id: str) -> tuple[Any, ...]:
    values = {
        "id": uuid.uuid4().hex, "version": time.time_ns() >> 4, "origin": "bench", "deleted": 0,
        "session_id": session_id, "participant_id": person_id,
        "recorded_at": stamp(dt.datetime.now(dt.UTC)), "mood": 6,
        "emotion_words": "tired, hopeful", "accomplishments": "Walked", "challenges": "",
        "craving": 3, "share_scope": "group",
    }  # fmt: skip
    return tuple(values[c] for c in COLUMNS["checkin"])


def _insert_and_commit(raw: sqlcipher3.Connection, statement: str, values: tuple[Any, ...]) -> None:
    raw.execute("BEGIN IMMEDIATE")
    raw.execute(statement, values)
    raw.execute("COMMIT")


# -- the demo program ---------------------------------------------------------------------------


def demo_against_raw(folder: Path) -> BenchRow:
    """``generate_demo`` into a fresh vault against raw executemany of exactly its rows."""
    vault = create_vault(VaultPaths(folder / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
    try:
        summary = generate(vault, MID_DEMO)
    finally:
        vault.close()
    sink = RowSink()
    build_rows(MID_DEMO, sink)
    with raw_database(folder / "raw.db") as raw:

        def load() -> None:
            raw.execute("BEGIN IMMEDIATE")
            for table, rows in sink.batches:
                raw.executemany(insert_sql(table), rows)
            raw.execute("COMMIT")

        raw_seconds = timed(load)
    total = sum(sink.counts.values())
    assert total == sum(summary.counts.values())
    size = f"{MID_DEMO.cohorts} cohorts, {MID_DEMO.participants:,} people, {MID_DEMO.weeks} weeks"
    return BenchRow(
        f"generate and write a demo program ({size})",
        summary.seconds,
        f"raw executemany of the same {total:,} rows",
        raw_seconds,
        max_ratio=8,
    )


def five_year_demo(folder: Path) -> BenchRow:
    vault = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault
    try:
        summary = generate(vault, FIVE_YEARS)
    finally:
        vault.close()
    enough = summary.checkins >= FIVE_YEAR_CHECKINS
    return BenchRow(
        "five-year demo (50 cohorts, 10,000 people, 260 weeks)",
        summary.seconds,
        "the issue's bound",
        None,
        max_seconds=60.0 if enough else 0.0,
        note=f"{summary.checkins:,} check-ins (at least {FIVE_YEAR_CHECKINS:,} asked)"
        + ("" if enough else ": TOO FEW"),
    )


# -- unlocking ----------------------------------------------------------------------------------


class MemoryKeyring:
    """The three calls ``Keychain`` makes of a keyring backend, kept in a dict."""

    def __init__(self) -> None:
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self._secrets.get((service, name))

    def set_password(self, service: str, name: str, secret: str) -> None:
        self._secrets[service, name] = secret

    def delete_password(self, service: str, name: str) -> None:
        self._secrets.pop((service, name), None)


def unlocking(folder: Path) -> list[BenchRow]:
    paths = VaultPaths(folder)
    keychain = Keychain(MemoryKeyring(), "in-memory")
    create_vault(paths, PASSPHRASE, keychain=keychain).vault.close()  # the real KDF cost
    key_file = KeyFile.read(paths.key_file)
    kdf_runs, passphrase_runs = [], []
    for _ in range(3):
        kdf_runs.append(timed(lambda: key_file.kdf.derive(PASSPHRASE, key_file.salt)))
        passphrase_runs.append(_timed_unlock(lambda: unlock_with_passphrase(paths, PASSPHRASE)))
    keychain_runs = [_timed_unlock(lambda: _from_keychain(paths, keychain)) for _ in range(40)]
    keychain_runs = keychain_runs[5:]  # the first opens import and compile what later ones reuse
    return [
        BenchRow(
            "unlock by passphrase (key file + open), median of 3",
            statistics.median(passphrase_runs),
            "one run of the same Argon2id KDF",
            statistics.median(kdf_runs),
            max_ratio=1.5,
            max_seconds=1.0,
        ),
        BenchRow(
            "unlock by keychain (load key + open + first query), median",
            statistics.median(keychain_runs),
            "the issue's bound",
            None,
            max_seconds=0.005,
            note=f"p95 {percentile(keychain_runs, 0.95) * 1e3:.1f} ms over "
            f"{len(keychain_runs)} unlocks in one process",
        ),
    ]


def _from_keychain(paths: VaultPaths, keychain: Keychain) -> UnlockedVault:
    vault = unlock_with_keychain(paths, keychain)
    assert vault is not None
    return vault


def _timed_unlock(unlock: Callable[[], UnlockedVault]) -> float:
    """Seconds to unlock and run a first query; closing is not counted."""
    started = time.perf_counter()
    vault = unlock()
    with vault.database.read() as db:
        db.execute(text("SELECT count(*) FROM cohort")).one()
    seconds = time.perf_counter() - started
    vault.close()
    return seconds
