"""A participant profile on the five-year demo: its data and its window against raw reads.

The five-year demo is the one ``bench.demo_cache.FIVE_YEARS`` describes, generated once
into the bench cache and shared with the other five-year benchmarks."""

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
    window = ProfileWindow(
        services.profiles, services.participants, tasks, people[0], today=services.context.today
    )
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
    from app.services.container import Services
    from bench.demo_cache import FIVE_YEARS, open_demo

    vault = open_demo(FIVE_YEARS)
    try:
        services = Services.for_vault(vault, actor=ACTOR)
        people = sample_people(vault, SAMPLES)
        data = measure_data(services, vault, people)
        return [data, *measure_window(services, people, data.limit_seconds)]
    finally:
        vault.close()
