"""The check-in log service on a real vault: keyset pages in every order, every filter, counts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from app.demo import generate_demo
from app.services.checkin_log import query as sql
from app.services.checkin_log.service import (
    CheckInLogQuery,
    CheckInLogService,
    LogCursor,
    LogQueryCancelled,
    LogSort,
)
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from models import Base, ShareScope, Track
from tests.conftest import CHEAP_KDF, PASSPHRASE

TODAY = dt.date(2026, 3, 4)
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Stored:
    """One check-in as stored, read without the service, for reference orders."""

    id: str
    rowid: int
    session_id: str
    start: str
    cohort_id: str
    cohort_name: str
    timezone: str
    participant_id: str
    name: str
    mood: int | None
    craving: int | None
    words: str
    accomplishments: str
    challenges: str
    scope: str
    live: bool

    @property
    def local_day(self) -> dt.date:
        utc = dt.datetime.fromisoformat(self.start).replace(tzinfo=dt.UTC)
        return utc.astimezone(ZoneInfo(self.timezone)).date()


@dataclass
class World:
    vault: UnlockedVault
    services: Services
    log: CheckInLogService
    tokyo: uuid.UUID
    ana_upper: uuid.UUID
    ana_lower: uuid.UUID

    def stored(self) -> list[Stored]:
        with self.vault.database.read() as db:
            found = db.execute(
                text(
                    "SELECT c.id, c.rowid, gs.id, gs.scheduled_start, co.id, co.name, co.timezone, "
                    "p.id, p.display_name, c.mood, c.craving, c.emotion_words, c.accomplishments, "
                    "c.challenges, c.share_scope, c.deleted = 0 AND gs.deleted = 0 "
                    "FROM checkin c JOIN group_session gs ON gs.id = c.session_id "
                    "JOIN cohort co ON co.id = gs.cohort_id JOIN participant p "
                    "ON p.id = c.participant_id"
                )
            ).all()
        return [Stored(*row) for row in found]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A small demo program, plus a Tokyo cohort with the awkward cases made on purpose."""
    folder = tmp_path_factory.mktemp("log") / "vault"
    vault = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault
    generate_demo(vault, cohorts=2, participants=40, weeks=8, today=TODAY, actor="tester")
    services = Services.for_vault(vault, actor="tester")
    cohort = services.cohorts.create(
        CohortDraft(name="tokyo dual", track=Track.DUAL_DIAGNOSIS, timezone="Asia/Tokyo")
    )
    people = [
        services.participants.create(ParticipantDraft(display_name=name))
        for name in ("Ana B.", "ana b.", "Zoë Q.")
    ]
    for person in people:
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 1, 1))
    # 23:30 and 00:30 Tokyo time: the same UTC day, different local days.
    starts = [
        dt.datetime(2026, 2, 2, 23, 30, tzinfo=TOKYO),
        dt.datetime(2026, 2, 3, 0, 30, tzinfo=TOKYO),
        dt.datetime(2026, 2, 3, 0, 30, tzinfo=TOKYO),  # two sessions at one moment: a tie
    ]
    sessions = [services.sessions.schedule(cohort.id, start) for start in starts]
    drafts = [
        CheckInDraft(mood=None, emotion_words="Calm", accomplishments="100% of my_plan"),
        CheckInDraft(mood=3, challenges="CRAVINGS at night", craving=7),
        CheckInDraft(mood=3, share_scope=ShareScope.CLINICIAN, accomplishments="100 percent"),
    ]
    for session in sessions:
        for person, draft in zip(people, drafts, strict=True):
            services.checkins.record(session.id, person.id, draft)
    services.checkins.remove(sessions[0].id, people[2].id)  # a tombstone
    doomed = services.sessions.schedule(cohort.id, dt.datetime(2026, 2, 9, 19, tzinfo=TOKYO))
    services.checkins.record(doomed.id, people[0].id, CheckInDraft(mood=1))
    with vault.database.write() as db:  # a deleted session keeps its (live) check-ins
        db.execute(
            text("UPDATE group_session SET deleted = 1 WHERE id = :id"), {"id": doomed.id.hex}
        )
    yield World(vault, services, services.checkin_log, cohort.id, people[0].id, people[1].id)
    vault.close()


def nocase(value: str) -> str:
    """SQLite's NOCASE: ASCII letters only are folded."""
    return value.translate(
        str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    )


def nulls_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value if value is not None else 0)


def reference(rows: list[Stored], sort: LogSort, descending: bool) -> list[str]:
    """The order the log promises, computed in Python with stable sorts, last key first."""
    keys: list[tuple[Callable[[Stored], Any], bool]]
    newest: list[tuple[Callable[[Stored], Any], bool]] = [
        (lambda r: r.start, True),
        (lambda r: r.session_id, True),
    ]
    in_session: list[tuple[Callable[[Stored], Any], bool]] = [
        (lambda r: nocase(r.name), False),
        (lambda r: r.id, False),
    ]
    d = descending
    if sort is LogSort.SESSION_START:
        keys = [(lambda r: r.start, d), (lambda r: r.session_id, d), *in_session]
    elif sort is LogSort.COHORT:
        keys = [(lambda r: nocase(r.cohort_name), d), (lambda r: r.cohort_id, d)]
        keys += [*newest, *in_session]
    elif sort is LogSort.PARTICIPANT:
        keys = [(lambda r: nocase(r.name), d), (lambda r: r.participant_id, d), *newest]
    elif sort in (LogSort.MOOD, LogSort.CRAVING):
        field = "mood" if sort is LogSort.MOOD else "craving"
        keys = [(lambda r: nulls_first(getattr(r, field)), d), (lambda r: r.rowid, d)]
    elif sort is LogSort.SHARE_SCOPE:
        keys = [(lambda r: r.scope, d), (lambda r: r.rowid, d)]
    else:
        field = {"emotion_words": "words"}.get(sort.value, sort.value)
        keys = [(lambda r: nocase(getattr(r, field)), d), *newest, (lambda r: r.id, False)]
    ordered = list(rows)
    for key, reverse in reversed(keys):
        ordered.sort(key=key, reverse=reverse)
    return [r.id for r in ordered]


def page_through(log: CheckInLogService, query: CheckInLogQuery, limit: int) -> list[str]:
    ids: list[str] = []
    cursor: LogCursor | None = None
    for _ in range(10_000):
        page = log.page(query, after=cursor, limit=limit)
        ids.extend(row.id.hex for row in page.rows)
        cursor = page.cursor
        if cursor is None:
            return ids
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(LogSort))
def test_keyset_pages_follow_the_order_exactly_across_ties(
    world: World, sort: LogSort, descending: bool
) -> None:
    live = [r for r in world.stored() if r.live]
    query = CheckInLogQuery(sort=sort, descending=descending)
    # A page size that splits groups of equal values (moods, sessions, names) mid-group.
    assert page_through(world.log, query, limit=53) == reference(live, sort, descending)


def matches(row: Stored, query: CheckInLogQuery) -> bool:
    needle = query.text.strip().lower()
    fields = (row.words, row.accomplishments, row.challenges)
    return (
        row.live
        and (query.cohort_id is None or row.cohort_id == query.cohort_id.hex)
        and (query.participant_id is None or row.participant_id == query.participant_id.hex)
        and (query.share_scope is None or row.scope == query.share_scope.value)
        and (not needle or any(needle in nocase(f) for f in fields))
        and (query.first_day is None or row.local_day >= query.first_day)
        and (query.last_day is None or row.local_day <= query.last_day)
    )


def filters(world: World) -> dict[str, CheckInLogQuery]:
    day = dt.date(2026, 2, 3)
    return {
        "none": CheckInLogQuery(),
        "cohort": CheckInLogQuery(cohort_id=world.tokyo),
        "participant": CheckInLogQuery(participant_id=world.ana_lower),
        "clinician only": CheckInLogQuery(share_scope=ShareScope.CLINICIAN),
        "shared with the group": CheckInLogQuery(share_scope=ShareScope.GROUP),
        "text, any case": CheckInLogQuery(text="  cravings "),
        "text with % and _": CheckInLogQuery(text="100% of my_"),
        "a % is no wildcard": CheckInLogQuery(text="1%p"),  # "100 percent" would match one
        "one local day in Tokyo": CheckInLogQuery(first_day=day, last_day=day),
        "from a day": CheckInLogQuery(first_day=dt.date(2026, 2, 20)),
        "until a day": CheckInLogQuery(last_day=dt.date(2026, 1, 20)),
        "a long range": CheckInLogQuery(
            first_day=dt.date(2025, 11, 1), last_day=dt.date(2026, 2, 25)
        ),
        "everything at once": CheckInLogQuery(
            cohort_id=world.tokyo, participant_id=world.ana_upper, first_day=day, last_day=day,
            share_scope=ShareScope.GROUP, text="calm",
        ),
        "nothing": CheckInLogQuery(text="no such words anywhere"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "sort", [LogSort.SESSION_START, LogSort.MOOD, LogSort.PARTICIPANT, LogSort.CHALLENGES]
)
def test_every_filter_shows_and_counts_exactly_the_matching_rows(
    world: World, sort: LogSort
) -> None:
    stored = world.stored()
    for name, base in filters(world).items():
        query = replace(base, sort=sort, descending=sort is LogSort.SESSION_START)
        expected = reference([r for r in stored if matches(r, query)], sort, query.descending)
        assert page_through(world.log, query, limit=41) == expected, name
        assert world.log.count(query) == len(expected), name
        if name in ("nothing", "a % is no wildcard"):
            assert expected == [], name
        elif name != "none":
            assert 0 < len(expected) < len([r for r in stored if r.live]), name


def test_tombstones_and_deleted_sessions_are_neither_shown_nor_counted(world: World) -> None:
    stored = world.stored()
    live = [r for r in stored if r.live]
    assert len(live) < len(stored) - 1  # the fixture made a tombstone and a deleted session
    assert world.log.count(CheckInLogQuery()) == len(live)
    for scope in ShareScope:
        counted = world.log.count(CheckInLogQuery(share_scope=scope))
        assert counted == sum(r.scope == scope.value for r in live)


def test_rows_carry_local_times_names_and_what_was_said(world: World) -> None:
    page = world.log.page(CheckInLogQuery(cohort_id=world.tokyo, sort=LogSort.SESSION_START))
    first = page.rows[-1]  # ascending by time is the last of a descending page
    assert first.session_start == dt.datetime(2026, 2, 2, 23, 30, tzinfo=TOKYO)
    assert first.session_start.utcoffset() == dt.timedelta(hours=9)
    assert first.cohort_name == "tokyo dual"
    assert first.has_cravings
    by_name = {
        row.participant_name: row for row in page.rows if row.session_start == first.session_start
    }
    assert by_name["Ana B."].mood is None
    assert by_name["Ana B."].accomplishments == "100% of my_plan"
    assert by_name["ana b."].draft() == CheckInDraft(
        mood=3, challenges="CRAVINGS at night", craving=7
    )
    assert "Zoë Q." not in by_name  # tombstoned


def test_mood_trends_come_in_session_order(world: World) -> None:
    page = world.log.page(CheckInLogQuery(cohort_id=world.tokyo))
    people = {row.participant_id for row in page.rows}
    trends = world.log.trends(people)
    assert set(trends) == people
    trend = trends[world.ana_lower]
    assert trend.moods == (3, 3, 3)
    assert list(trend.starts) == sorted(trend.starts)
    assert world.log.trends([]) == {}
    upper = trends[world.ana_upper]
    assert upper.until(dt.datetime(2026, 2, 2, 23, 30, tzinfo=TOKYO)) == (None,)
    assert upper.until(dt.datetime(2026, 2, 3, tzinfo=TOKYO), points=1) == (None,)
    assert len(upper.until(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))) == 3  # not the deleted one


def test_a_cursor_from_another_order_and_impossible_filters_are_refused(world: World) -> None:
    page = world.log.page(CheckInLogQuery(), limit=5)
    assert page.cursor is not None
    with pytest.raises(InvalidInput) as wrong_order:
        world.log.page(CheckInLogQuery(sort=LogSort.MOOD), after=page.cursor)
    assert wrong_order.value.field == "after"
    backwards = CheckInLogQuery(first_day=dt.date(2026, 3, 1), last_day=dt.date(2026, 2, 1))
    with pytest.raises(InvalidInput) as dates:
        world.log.count(backwards)
    assert dates.value.field == "last_day"
    with pytest.raises(InvalidInput) as long_text:
        world.log.page(CheckInLogQuery(text="x" * 201))
    assert long_text.value.field == "text"
    with pytest.raises(InvalidInput):
        world.log.page(CheckInLogQuery(), limit=0)


def test_a_stopped_query_ends_with_its_own_error_and_the_next_one_works(world: World) -> None:
    query = CheckInLogQuery(text="zzz not there")
    with pytest.raises(LogQueryCancelled):
        world.log.count(query, stop=lambda: True)
    with pytest.raises(LogQueryCancelled):
        world.log.page(query, stop=lambda: True)
    assert world.log.count(query, stop=lambda: False) == 0


@pytest.mark.parametrize("sort", sorted(set(LogSort) - sql.UNINDEXED))
def test_indexed_orders_never_sort_the_whole_program(world: World, sort: LogSort) -> None:
    """Each page of an indexed order comes off an index: at most a group is sorted."""
    order = sql.terms(sort, True)
    source = sql.source(sort, cohort=False, participant=False, narrow_dates=False)
    statement = (
        f"EXPLAIN QUERY PLAN SELECT c.id FROM {source} WHERE {sql.LIVE} "
        f"ORDER BY {', '.join(t.order_sql() for t in order)} LIMIT 10"
    )
    with world.vault.database.read() as db:
        plan = [row[3] for row in db.execute(text(statement))]
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert not any(step.startswith("SCAN c") and "INDEX" not in step for step in plan), plan


def test_the_vault_holds_every_index_the_models_declare(world: World) -> None:
    """Alembic cannot compare expression indexes on SQLite; this test does."""
    declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes}
    with world.vault.database.read() as db:
        found = set(
            db.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            ).scalars()
        )
    assert declared == found


def test_a_cursor_is_plain_data(tmp_path: Path) -> None:
    cursor = LogCursor(LogSort.MOOD, False, (None, 7))
    assert replace(cursor, values=(1, 2)).values == (1, 2)


def test_removing_a_check_in_tombstones_it_and_recording_again_revives_it(
    world: World,
) -> None:
    from app.services.errors import NotFound

    page = world.log.page(CheckInLogQuery(participant_id=world.ana_lower), limit=1)
    row = page.rows[0]
    before = world.log.count(CheckInLogQuery())
    world.services.checkins.remove(row.session_id, row.participant_id)
    assert world.log.count(CheckInLogQuery()) == before - 1
    with pytest.raises(NotFound):
        world.services.checkins.remove(row.session_id, row.participant_id)
    world.services.checkins.record(row.session_id, row.participant_id, row.draft())
    assert world.log.count(CheckInLogQuery()) == before
