"""The roster and a participant profile on the five-year demo, against raw reads.

The roster: the busiest cohort's members with their figures and flags, one snapshot read
(``ProgressService.roster``), against raw sqlcipher3 reads of the history it is built from.
The profile: its data and its window. The five-year demo is the one
``bench.demo_cache.FIVE_YEARS`` describes, generated once into the bench cache and shared
with the other five-year benchmarks."""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import BenchRow, percentile, timed

if TYPE_CHECKING:
    from app.services.container import Services
    from app.vault.vault import UnlockedVault

ACTOR = "bench"
SAMPLES = 40
PROFILE_LIMIT_SECONDS = 0.100
ROSTER_RUNS = 15
ROSTER_LIMIT_SECONDS = 0.200  # the agenda's bound: the roster reads the same history


def busiest_cohort(vault: UnlockedVault) -> uuid.UUID:
    """The active cohort with the most stays over the five years."""
    from sqlalchemy import text

    with vault.database.read() as db:
        found = db.execute(
            text(
                "SELECT e.cohort_id FROM enrollment e JOIN cohort c ON c.id = e.cohort_id "
                "WHERE c.status = 'active' GROUP BY e.cohort_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    return uuid.UUID(found)


def raw_roster_read(connection: Any, cohort_hex: str) -> None:
    """The history the roster is built from, straight through sqlcipher3."""
    with connection:
        connection.execute(
            "SELECT id, scheduled_start, planned_minutes, status, peer_leader_id, topic "
            "FROM group_session WHERE cohort_id = ? AND deleted = 0",
            (cohort_hex,),
        ).fetchall()
        people = [
            row[0]
            for row in connection.execute(
                "SELECT participant_id FROM enrollment WHERE cohort_id = ? AND deleted = 0 "
                "AND status IN ('active', 'waitlist')",
                (cohort_hex,),
            )
        ]
        marks = ",".join("?" * len(people))
        connection.execute(
            f"SELECT a.id, a.session_id, a.participant_id, a.status, a.minutes_attended "
            f"FROM attendance a JOIN group_session s ON s.id = a.session_id "
            f"WHERE a.participant_id IN ({marks}) AND s.cohort_id = ? AND a.deleted = 0",
            (*people, cohort_hex),
        ).fetchall()
        connection.execute(
            f"SELECT c.id, c.participant_id, c.mood, c.craving, c.emotion_words, s.scheduled_start "
            f"FROM checkin c INDEXED BY ix_checkin_participant_recorded "
            f"JOIN group_session s ON s.id = c.session_id "
            f"WHERE c.participant_id IN ({marks}) AND c.deleted = 0",
            tuple(people),
        ).fetchall()
        connection.execute(
            f"SELECT g.id, g.participant_id, g.text, g.status, s.scheduled_start FROM goal g "
            f"JOIN group_session s ON s.id = g.set_in_session_id "
            f"WHERE g.participant_id IN ({marks}) AND g.deleted = 0",
            tuple(people),
        ).fetchall()


def evening_services(vault: UnlockedVault) -> Services:
    """The services as of the evening after the demo's last day, as a facilitator opens the
    desk then (the cached demo never changes, so neither do its figures)."""
    from app.demo.generator import end_of
    from app.services.container import Services
    from app.services.context import ServiceContext
    from app.sync.clock import HybridLogicalClock
    from bench.demo_cache import FIVE_YEARS

    evening = end_of(FIVE_YEARS.today)
    return Services.build(
        ServiceContext(
            database=vault.database,
            clock=HybridLogicalClock(last=vault.highest_version()),
            device_id=vault.device_id,
            actor=ACTOR,
            now=lambda: evening,
        )
    )


def measure_roster(services: Services, vault: UnlockedVault) -> list[BenchRow]:
    cohort = busiest_cohort(vault)
    raw = vault.database.engine.raw_connection()
    try:
        connection = raw.driver_connection
        services.progress.roster(cohort)  # warm the page cache for both sides alike
        raw_roster_read(connection, cohort.hex)
        ours, theirs, everyone = [], [], []
        for _ in range(ROSTER_RUNS):
            ours.append(timed(lambda: services.progress.roster(cohort)))
            theirs.append(timed(lambda: raw_roster_read(connection, cohort.hex)))
        for _ in range(3):
            everyone.append(timed(lambda: services.progress.roster(cohort, include_ended=True)))
    finally:
        raw.close()
    roster = services.progress.roster(cohort)
    flagged = sum(1 for row in roster.rows if row.flags)
    stays = len(services.progress.roster(cohort, include_ended=True).rows)
    return [
        BenchRow(
            "roster: busiest five-year cohort, figures and flags (max)",
            max(ours),
            "raw sqlcipher3 read of the same history (median)",
            statistics.median(theirs),
            max_seconds=ROSTER_LIMIT_SECONDS,
            note=(
                f"{len(roster.rows)} current members, {flagged} flagged, one read; median "
                f"{statistics.median(ours) * 1e3:.1f} ms over {ROSTER_RUNS} runs"
            ),
        ),
        BenchRow(
            "roster: … with everyone who ever stayed (median)",
            statistics.median(everyone),
            "informative",
            None,
            note=f"{stays} stays over five years: goals due and last mood for each",
        ),
    ]


def sample_people(vault: UnlockedVault, count: int) -> list[uuid.UUID]:
    """Participants who stayed (graduated or still active): the profiles opened most."""
    from sqlalchemy import text

    with vault.database.read() as db:
        ids = sorted(
            str(value)
            for value in db.execute(
                text(
                    "SELECT DISTINCT participant_id FROM enrollment "
                    "WHERE status IN ('graduated', 'active')"
                )
            ).scalars()
        )
    rng = random.Random(7)  # a benchmark's sample, not a secret
    return [uuid.UUID(value) for value in rng.sample(ids, count)]


RAW_QUERIES = (
    "SELECT display_name, pronouns, recovery_start, clinician_notes FROM participant WHERE id = ?",
    "SELECT e.id, e.cohort_id, c.name, c.track, c.timezone, e.start_date, e.end_date, e.status, "
    "e.reason FROM enrollment e JOIN cohort c ON c.id = e.cohort_id "
    "WHERE e.participant_id = ? AND e.deleted = 0",
    "SELECT a.session_id, s.cohort_id, s.scheduled_start, s.planned_minutes, a.status, "
    "a.minutes_attended FROM attendance a JOIN group_session s ON s.id = a.session_id "
    "WHERE a.participant_id = ? AND a.deleted = 0 AND s.deleted = 0 ORDER BY s.scheduled_start",
    "SELECT c.id, s.cohort_id, s.scheduled_start, c.mood, c.craving, c.emotion_words, "
    "c.accomplishments, c.challenges, c.share_scope FROM checkin c "
    "JOIN group_session s ON s.id = c.session_id WHERE c.participant_id = ? AND c.deleted = 0 "
    "ORDER BY s.scheduled_start",
    "SELECT r.id, r.goal_id, s.cohort_id, s.scheduled_start, r.outcome, r.barrier_note "
    "FROM goal_review r JOIN goal g ON g.id = r.goal_id "
    "JOIN group_session s ON s.id = r.session_id WHERE g.participant_id = ? AND r.deleted = 0 "
    "ORDER BY s.scheduled_start",
    "SELECT g.id, s.cohort_id, s.scheduled_start, g.text, g.value_domain, g.status FROM goal g "
    "JOIN group_session s ON s.id = g.set_in_session_id WHERE g.participant_id = ? "
    "AND g.deleted = 0 ORDER BY s.scheduled_start, g.created_at",
)


def raw_read(connection: Any, participant_id: uuid.UUID) -> int:
    """The profile's six queries straight through sqlcipher3: tuples, no ORM, no DTOs."""
    key = participant_id.hex  # SQLAlchemy's Uuid on SQLite: 32 hex digits
    rows = 0
    with connection:  # one read transaction, as the service's unit of work
        for query in RAW_QUERIES:
            rows += len(connection.execute(query, (key,)).fetchall())
    return rows


def measure_data(services: Services, vault: UnlockedVault, people: list[uuid.UUID]) -> BenchRow:
    raw = vault.database.engine.raw_connection()
    try:
        connection = raw.driver_connection
        for person in people[:3]:  # warm the page cache for both sides alike
            services.profiles.load(person)
            raw_read(connection, person)
        ours, theirs, sizes = [], [], []
        for person in people:  # interleaved, so that a busy moment hits both sides
            ours.append(timed(lambda p=person: services.profiles.load(p)))  # type: ignore[misc]
            started = time.perf_counter()
            sizes.append(raw_read(connection, person))
            theirs.append(time.perf_counter() - started)
    finally:
        raw.close()
    return BenchRow(
        "profile: a participant's data (five-year demo), p95",
        percentile(ours, 0.95),
        "raw sqlcipher3: the same six queries, p95",
        percentile(theirs, 0.95),
        max_seconds=PROFILE_LIMIT_SECONDS,
        note=(
            f"{len(people)} people who stayed, median {statistics.median(sizes):g} rows each; "
            f"median {statistics.median(ours) * 1e3:.1f} ms against "
            f"{statistics.median(theirs) * 1e3:.1f} ms raw"
        ),
    )


def measure_window(
    services: Services, people: list[uuid.UUID], raw_p95: float | None
) -> list[BenchRow]:
    """The window: text first (what a clinician reads), then with both charts drawn."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.tasks import TaskRunner
    from views.profile.profile_window import ProfileWindow

    application = QApplication.instance() or QApplication(sys.argv[:1])
    tasks = TaskRunner()
    window = ProfileWindow(services.profiles, services.participants, tasks, people[0])
    window.show()
    tasks.shutdown()  # the window's own first load; every open below is timed in-line

    def open_profile(person: uuid.UUID) -> tuple[float, float]:
        started = time.perf_counter()
        window.show_profile(services.profiles.load(person))
        window.grab()  # the text parts painted: what a clinician reads first
        text = time.perf_counter() - started
        window.show_charts()  # what the window's zero-timer runs next
        application.processEvents()  # the charts' deferred draws
        window.grab()  # the whole window painted, charts included
        return text, time.perf_counter() - started

    for person in people[:3]:
        open_profile(person)
    timings = [open_profile(person) for person in people]
    window.close()
    text = [first for first, _ in timings]
    full = [whole for _, whole in timings]
    return [
        BenchRow(
            "profile window: data read, text filled and painted, p95",
            percentile(text, 0.95),
            "raw sqlcipher3 read of the same rows, p95 (row above)",
            raw_p95,
            max_seconds=PROFILE_LIMIT_SECONDS,
            note=f"median {statistics.median(text) * 1e3:.1f} ms, offscreen; the charts follow",
        ),
        BenchRow(
            "profile window: … and both charts drawn and painted, p95",
            percentile(full, 0.95),
            "informative",
            None,
            note=(
                f"median {statistics.median(full) * 1e3:.1f} ms; the difference is matplotlib "
                "plotting and drawing the mood and attendance charts"
            ),
        ),
    ]


def run(scratch: Path) -> list[BenchRow]:
    from bench.demo_cache import FIVE_YEARS, open_demo

    vault = open_demo(FIVE_YEARS)
    try:
        services = evening_services(vault)
        roster = measure_roster(services, vault)
        people = sample_people(vault, SAMPLES)
        data = measure_data(services, vault, people)
        return [*roster, data, *measure_window(services, people, data.limit_seconds)]
    finally:
        vault.close()
