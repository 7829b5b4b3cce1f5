"""The demo program: deterministic, plausible, valid by the services' rules, never written twice."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from app.cli.demo_command import ProgressBar
from app.demo import DemoRefused, DemoSummary, generate_demo, phrases
from app.demo.rows import COLUMNS, PairIds, clock_time, day, random_uid, stamp
from app.services import integrity
from app.services import validation as check
from app.services.accountability.flags import FlagKind
from app.services.attendance.service import OVERTIME_ALLOWANCE
from app.services.container import Services
from app.services.context import current_user
from app.services.errors import InvalidInput
from app.services.goals.service import value_domain
from app.services.ids import attendance_id, checkin_id
from app.services.participants import ParticipantDraft
from app.services.values import source_of
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from models import AttendanceStatus, Base, ContactMethod, Track
from models.value import ValueSource
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO

TODAY = dt.date(2026, 3, 4)  # a Wednesday


def small_demo(
    vault: UnlockedVault,
    *,
    seed: int = 7,
    cohorts: int = 6,
    participants: int = 150,
    weeks: int = 20,
    progress: Callable[[float], None] | None = None,
) -> DemoSummary:
    return generate_demo(
        vault,
        cohorts=cohorts,
        participants=participants,
        weeks=weeks,
        seed=seed,
        today=TODAY,
        actor="tester",
        progress=progress,
    )


def _demo_vault(
    folder: Path, *, seed: int = 7, cohorts: int = 6, participants: int = 150, weeks: int = 20
) -> tuple[UnlockedVault, DemoSummary]:
    vault = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault
    summary = small_demo(vault, seed=seed, cohorts=cohorts, participants=participants, weeks=weeks)
    return vault, summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[UnlockedVault, DemoSummary]]:
    vault, summary = _demo_vault(tmp_path_factory.mktemp("demo") / "vault")
    yield vault, summary
    vault.close()


@pytest.fixture(scope="module")
def demo_services(demo: tuple[UnlockedVault, DemoSummary]) -> Services:
    return Services.for_vault(demo[0], actor="tester")  # one per open database


def rows(vault: UnlockedVault, sql: str) -> list[Any]:
    with vault.database.read() as db:
        return list(db.execute(text(sql)))


# -- determinism and storage formats --------------------------------------------------------


def test_the_same_seed_gives_the_same_digest_and_another_seed_does_not(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        vault, _ = _demo_vault(tmp_path / name, seed=seed, cohorts=3, participants=30, weeks=6)
        try:
            report = integrity.check(vault.database)
        finally:
            vault.close()
        assert report.ok, report.integrity
        digests.append(report.digest)
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_the_columns_name_every_column_of_the_models() -> None:
    for table, columns in COLUMNS.items():
        assert sorted(columns) == sorted(c.name for c in Base.metadata.tables[table].columns)


def test_values_are_stored_as_sqlalchemy_stores_them() -> None:
    dialect = sqlite.dialect()

    def stored(table: str, column: str, value: object) -> object:
        processor = Base.metadata.tables[table].c[column].type._cached_bind_processor(dialect)
        return processor(value) if processor else value

    moment = dt.datetime(2026, 3, 2, 23, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    assert stamp(moment) == stored("checkin", "recorded_at", moment)
    with_micros = moment.replace(microsecond=120)
    assert stamp(with_micros) == stored("checkin", "recorded_at", with_micros)
    assert day(TODAY) == stored("cohort", "start_date", TODAY)
    assert clock_time(dt.time(18, 30)) == stored("cohort", "start_time", dt.time(18, 30))
    bits = 0x1234_5678_9ABC_DEF0_1234_5678_9ABC_DEF0
    assert random_uid(bits) == stored("cohort", "id", uuid.UUID(int=bits, version=4))
    session, person = uuid.uuid4(), uuid.uuid4()
    pair = str(person).encode()
    assert PairIds("attendance", session.hex).for_participant(pair) == (
        attendance_id(session, person).hex
    )
    assert PairIds("checkin", session.hex).for_participant(pair) == checkin_id(session, person).hex


def test_loading_leaves_the_schema_as_the_migrations_made_it(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, _ = demo
    with vault.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_an_interrupted_demo_leaves_the_vault_empty_and_whole(tmp_path: Path) -> None:
    vault = create_vault(VaultPaths(tmp_path / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
    schema = "SELECT name, sql FROM sqlite_master ORDER BY name"
    try:
        before = rows(vault, schema)

        def stop(fraction: float) -> None:
            if fraction > 0.5:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            small_demo(vault, progress=stop)
        assert rows(vault, schema) == before
        assert rows(vault, "SELECT count(*) FROM checkin") == [(0,)]
        assert small_demo(vault).checkins > 0  # and it can be filled afterwards
    finally:
        vault.close()


# -- refusing ---------------------------------------------------------------------------------


def test_a_vault_with_people_is_refused_and_left_alone(
    vault: UnlockedVault, services: Services
) -> None:
    services.participants.create(ParticipantDraft(display_name="Ana R."))
    before = integrity.check(vault.database)
    with pytest.raises(DemoRefused, match="already holds"):
        small_demo(vault)
    assert integrity.check(vault.database) == before


def test_counts_out_of_range_are_refused_before_anything_is_written(vault: UnlockedVault) -> None:
    with pytest.raises(InvalidInput) as error:
        generate_demo(vault, cohorts=0, participants=10, weeks=4)
    assert error.value.field == "cohorts"
    assert rows(vault, "SELECT count(*) FROM audit_event") == [(0,)]


# -- plausibility -----------------------------------------------------------------------------


def test_the_summary_matches_the_tables(demo: tuple[UnlockedVault, DemoSummary]) -> None:
    vault, summary = demo
    counts = integrity.check(vault.database).counts
    assert {t: counts[t] for t in summary.counts} == summary.counts
    assert summary.participants == 150
    assert summary.cohorts == 7  # six groups; the closed one is on its second 12-week cycle
    assert summary.checkins > 1000


def test_stays_end_in_every_way_and_discharges_give_reasons(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, _ = demo
    found = dict(rows(vault, "SELECT status, count(*) FROM enrollment GROUP BY status"))
    assert {"active", "graduated", "discharged", "withdrew"} <= set(found)
    assert rows(vault, "SELECT count(*) FROM enrollment WHERE status='discharged' AND reason=''")[
        0
    ] == (0,)
    ended = rows(vault, "SELECT start_date, end_date, status FROM enrollment")
    for start, end, status in ended:
        assert (end is None) == (status in ("active", "waitlist"))
        assert end is None or end >= start


def test_moods_vary_and_some_people_thrive_while_others_slip(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, _ = demo
    series: dict[str, list[int]] = defaultdict(list)
    for person, mood in rows(
        vault,
        "SELECT c.participant_id, c.mood FROM checkin c JOIN group_session s "
        "ON s.id = c.session_id WHERE c.mood IS NOT NULL ORDER BY s.scheduled_start",
    ):
        series[person].append(mood)
    assert len({m for moods in series.values() for m in moods}) >= 8
    trends = [_slope(moods) for moods in series.values() if len(moods) >= 12]
    assert any(t > 0.05 for t in trends) and any(t < -0.05 for t in trends)


def _slope(values: list[int]) -> float:
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    covariance = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return covariance / sum((i - mean_x) ** 2 for i in range(n))


def test_cravings_only_where_the_track_records_them(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, _ = demo
    by_track = rows(
        vault,
        "SELECT k.track, count(*), count(c.craving) FROM checkin c "
        "JOIN group_session s ON s.id = c.session_id JOIN cohort k ON k.id = s.cohort_id "
        "GROUP BY k.track",
    )
    assert {track for track, _, _ in by_track} == {t.value for t in Track}
    for track, total, with_craving in by_track:
        if Track(track).has_cravings:
            assert with_craving == total
        else:
            assert with_craving == 0


def test_attendance_minutes_follow_the_status(demo: tuple[UnlockedVault, DemoSummary]) -> None:
    vault, _ = demo
    marks = rows(
        vault,
        "SELECT a.status, a.minutes_attended, a.arrived_minute, a.left_minute, "
        "s.planned_minutes, s.status FROM attendance a "
        "JOIN group_session s ON s.id = a.session_id",
    )
    assert {status for status, *_ in marks} >= {"present", "late", "left_early", "excused"}
    for status, minutes, arrived, left, planned, session_status in marks:
        assert session_status == "held"
        if status == "present":
            assert (minutes, arrived, left) == (planned, None, None)
        elif status == "late":  # as the live round records it: minutes from the start
            assert 0 < arrived < planned and left is None and minutes == planned - arrived
        elif status == "left_early":
            assert arrived is None and 0 < left < planned and minutes == left
        else:
            assert not AttendanceStatus(status).attended
            assert (minutes, arrived, left) == (0, None, None)
        assert minutes <= planned + OVERTIME_ALLOWANCE


def test_check_ins_come_from_people_who_attended(demo: tuple[UnlockedVault, DemoSummary]) -> None:
    vault, _ = demo
    orphans = rows(
        vault,
        "SELECT count(*) FROM checkin c LEFT JOIN attendance a ON a.session_id = c.session_id "
        "AND a.participant_id = c.participant_id AND a.status IN ('present','late','left_early') "
        "WHERE a.id IS NULL",
    )
    assert orphans == [(0,)]
    scopes = dict(rows(vault, "SELECT share_scope, count(*) FROM checkin GROUP BY share_scope"))
    assert 0 < scopes["clinician"] < scopes["group"] / 10


def test_everyone_recorded_belonged_to_the_group_that_day(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, _ = demo
    stays: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for person, cohort, start, end in rows(
        vault, "SELECT participant_id, cohort_id, start_date, end_date FROM enrollment"
    ):
        stays[person, cohort].append(
            (dt.date.fromisoformat(start), end and dt.date.fromisoformat(end))
        )
    zones = dict(rows(vault, "SELECT id, timezone FROM cohort"))
    for person, cohort, start in rows(
        vault,
        "SELECT a.participant_id, s.cohort_id, s.scheduled_start FROM attendance a "
        "JOIN group_session s ON s.id = a.session_id",
    ):
        utc = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
        local = utc.astimezone(ZoneInfo(zones[cohort])).date()
        assert any(a <= local and (b is None or local <= b) for a, b in stays[person, cohort])


def test_goals_are_reported_on_in_a_later_session(demo: tuple[UnlockedVault, DemoSummary]) -> None:
    vault, _ = demo
    pairs = rows(
        vault,
        "SELECT set_in.scheduled_start, seen.scheduled_start FROM goal_review r "
        "JOIN goal g ON g.id = r.goal_id "
        "JOIN group_session set_in ON set_in.id = g.set_in_session_id "
        "JOIN group_session seen ON seen.id = r.session_id",
    )
    assert pairs and all(reviewed > set_on for set_on, reviewed in pairs)
    statuses = dict(rows(vault, "SELECT status, count(*) FROM goal GROUP BY status"))
    assert {"done", "partly", "not_done", "carried_forward", "open"} <= set(statuses)
    carried = rows(
        vault,
        "SELECT parent.status, parent.text = child.text, child.set_in_session_id IN "
        "(SELECT session_id FROM goal_review WHERE goal_id = parent.id) "
        "FROM goal child JOIN goal parent ON parent.id = child.carried_from_id",
    )
    assert carried and all(row == ("carried_forward", 1, 1) for row in carried)
    barriers = rows(vault, "SELECT count(*) FROM goal_review WHERE barrier_note != ''")
    assert barriers[0][0] > 0


def test_every_row_passes_the_services_own_checks(demo: tuple[UnlockedVault, DemoSummary]) -> None:
    vault, _ = demo
    for mood, craving, words, gains, troubles in rows(
        vault, "SELECT mood, craving, emotion_words, accomplishments, challenges FROM checkin"
    ):
        check.optional_score("mood", mood)
        check.optional_score("craving", craving)
        assert check.text("e", words, max_length=200) == words
        assert check.text("a", gains, max_length=4000) == gains
        assert check.text("c", troubles, max_length=4000) == troubles
    for goal, domain in rows(vault, "SELECT text, value_domain FROM goal"):
        assert check.text("text", goal, max_length=500, required=True) == goal
        assert value_domain(domain) == domain
    for (note,) in rows(vault, "SELECT barrier_note FROM goal_review"):
        assert check.text("barrier_note", note, max_length=1000) == note
    for name, pronouns, recovery in rows(
        vault, "SELECT display_name, pronouns, recovery_start FROM participant"
    ):
        assert check.text("display_name", name, max_length=80, required=True) == name
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]?\.", name), name
        assert pronouns in {p for p, _, _ in phrases.PRONOUNS}
        check.not_in_future("recovery_start", recovery and dt.date.fromisoformat(recovery), TODAY)
    for capacity, minutes, zone, minimum, name in rows(
        vault,
        "SELECT capacity, planned_minutes, timezone, weekly_minimum_minutes, name FROM cohort",
    ):
        check.integer("capacity", capacity, 1, 50)
        check.integer("planned_minutes", minutes, 15, 8 * 60)
        check.timezone("timezone", zone)
        assert minimum is None or 60 <= minimum <= 40 * 60
        assert check.text("name", name, max_length=80, required=True) == name
    names = rows(vault, "SELECT count(DISTINCT name), count(*) FROM cohort")
    assert names[0][0] == names[0][1]
    for topic, facilitator in rows(vault, "SELECT topic, facilitator FROM group_session"):
        check.text("topic", topic, max_length=200)
        check.text("facilitator", facilitator, max_length=80)


def test_the_program_ends_today_with_a_session_coming_up(demo_services: Services) -> None:
    services = demo_services
    this_week = 0
    for cohort in services.cohorts.list(include_finished=False):
        sessions = services.sessions.for_cohort(cohort.id)
        held = [s for s in sessions if s.status.value == "held"]
        coming = [s for s in sessions if s.status.value == "scheduled"]
        assert max(s.local_date for s in held) <= TODAY < min(s.local_date for s in coming)
        this_week += sum(1 for s in held if s.local_date >= TODAY - dt.timedelta(days=2))
        roster = services.progress.roster(cohort.id).rows
        assert roster and all(r.status.value in ("active", "waitlist") for r in roster)
        due = services.goal_board.board(cohort.id, coming[0].id).due
        assert due, f"{cohort.name} has no goals waiting for the next session"
    assert this_week > 0


# -- the command line -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_command_line_writes_what_the_service_writes(
    tmp_path: Path, vault: UnlockedVault
) -> None:
    folder = tmp_path / "cli"
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    options = ["--cohorts", "3", "--participants", "40", "--weeks", "8", "--seed", "3"]

    def app(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(folder), *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            timeout=120,
            check=False,
        )

    # Made here with a cheap KDF (kept in its key file) so each command unlocks quickly.
    create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    made = app("demo", *options, "--today", "2026-03-04", "--passphrase-file", str(secret))
    assert made.returncode == 0, made.stderr
    assert "3 cohorts, 40 participants" in made.stdout
    checked = app("check", "--json", "--passphrase-file", str(secret))
    report = json.loads(checked.stdout)
    assert report["integrity"] == "ok"

    generate_demo(vault, cohorts=3, participants=40, weeks=8, seed=3, today=TODAY,
                  actor=current_user())  # fmt: skip
    assert integrity.check(vault.database).digest == report["digest"]

    again = app("demo", "--passphrase-file", str(secret))
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "already holds" in again.stderr
    wrong = app("demo", "--weeks", "0")
    assert wrong.returncode == 2 and "--weeks" in wrong.stderr


def test_the_progress_bar_draws_on_a_terminal_and_stays_silent_elsewhere() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown, piped = Terminal(), io.StringIO()
    for stream in (shown, piped):
        bar = ProgressBar(stream)
        for fraction in (0.0, 0.004, 0.5, 1.0):
            bar.update(fraction)
        bar.close()
    frames = shown.getvalue().split("\r")[1:]
    assert [frame.split("]")[1].split("%")[0].strip() for frame in frames] == ["0", "50", "100"]
    assert shown.getvalue().endswith("\n") and piped.getvalue() == ""


def test_a_closed_group_starts_a_cohort_each_cycle_and_keeps_to_its_dates(
    demo_services: Services,
) -> None:
    services = demo_services
    closed = [c for c in services.cohorts.list() if c.cohort_type.value == "closed"]
    assert [c.status.value for c in sorted(closed, key=lambda c: c.start_date)] == [
        "finished",
        "active",
    ]
    for cohort in closed:
        assert cohort.end_date is not None
        assert (cohort.end_date - cohort.start_date).days < 12 * 7
        sessions = services.sessions.for_cohort(cohort.id)
        assert all(cohort.start_date <= s.local_date <= cohort.end_date for s in sessions)
        stays = services.enrollments.for_cohort(cohort.id, include_ended=True)
        graduated = [s for s in stays if s.status.value == "graduated"]
        assert all(s.end_date == cohort.end_date for s in graduated)
        assert all(cohort.start_date <= s.start_date <= cohort.end_date for s in stays)


# -- peer accountability: values, partners, contacts -----------------------------------------


def test_everyone_names_two_to_four_values_ranked_from_one(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, summary = demo
    ranks: dict[str, list[int]] = defaultdict(list)
    for person, value, source, rank in rows(
        vault, "SELECT participant_id, text, source, rank FROM value ORDER BY rank"
    ):
        assert check.text("text", value, max_length=60, required=True) == value
        assert source_of(value) == (value, ValueSource(source))
        ranks[person].append(rank)
    assert len(ranks) == summary.participants
    assert all(r == list(range(1, len(r) + 1)) and 2 <= len(r) <= 4 for r in ranks.values())
    assert {"list", "own_words"} == {s for (s,) in rows(vault, "SELECT DISTINCT source FROM value")}


def test_partners_are_members_of_the_cohort_and_never_doubly_paired(
    demo: tuple[UnlockedVault, DemoSummary],
) -> None:
    vault, summary = demo
    assert summary.partner_pairs > 0
    stays: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for person, cohort, start, end in rows(
        vault, "SELECT participant_id, cohort_id, start_date, end_date FROM enrollment"
    ):
        last = dt.date.fromisoformat(end) if end else dt.date.max
        stays[person, cohort].append((dt.date.fromisoformat(start), last))
    spans: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for cohort, first, second, third, start, end in rows(
        vault,
        "SELECT cohort_id, first_id, second_id, third_id, start_date, end_date "
        "FROM accountability_pair",
    ):
        assert third is None and first != second
        begin = dt.date.fromisoformat(start)
        until = dt.date.fromisoformat(end) if end else TODAY
        assert begin <= until <= TODAY
        for person in (first, second):
            assert any(a <= begin and until <= b for a, b in stays[person, cohort])
            assert all(until < a or b < begin for a, b in spans[person]), "paired twice at once"
            spans[person].append((begin, until))


def test_partners_log_contacts_within_their_pairing_and_some_fall_quiet(
    demo: tuple[UnlockedVault, DemoSummary], demo_services: Services
) -> None:
    vault, summary = demo
    assert summary.partner_contacts > summary.partner_pairs
    for first, second, start, end, when, initiator, reached, method, note in rows(
        vault,
        "SELECT p.first_id, p.second_id, p.start_date, p.end_date, c.contact_date, "
        "c.initiated_by_id, c.reached_id, c.method, c.note "
        "FROM partner_contact c JOIN accountability_pair p ON p.id = c.pair_id",
    ):
        assert {initiator, reached} == {first, second}
        assert start <= when < TODAY.isoformat() and (end is None or when <= end)
        assert ContactMethod(method) and check.text("note", note, max_length=500) == note
    # The engine finds pairs that have gone quiet, and the others in touch this week.
    kinds = [
        flag.kind
        for cohort in demo_services.cohorts.list()
        for flag in demo_services.accountability.evaluate_on(cohort.id, TODAY).flags
    ]
    assert FlagKind.NO_PARTNER_CONTACT in kinds
    week_ago = (TODAY - dt.timedelta(days=7)).isoformat()
    recent = rows(
        vault,
        f"SELECT count(DISTINCT pair_id) FROM partner_contact WHERE contact_date > '{week_ago}'",
    )
    assert recent[0][0] > kinds.count(FlagKind.NO_PARTNER_CONTACT) / 2
