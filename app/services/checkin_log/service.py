"""The program's check-in log: filtered, sorted in SQL, paged by keyset, counted fast."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import enum
import functools
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.checkin_log import query as sql
from app.services.checkin_log.query import LogSort
from app.services.checkins import CheckInDraft
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, ServiceError
from models import ShareScope, Track

__all__ = [
    "CheckInLogPage",
    "CheckInLogQuery",
    "CheckInLogRow",
    "CheckInLogService",
    "LogCursor",
    "LogQueryCancelled",
    "LogSort",
    "MoodTrend",
]

MAX_PAGE = 5000
TREND_POINTS = 12


class LogQueryCancelled(ServiceError):
    """The caller stopped a log query before it ended (a newer filter replaced it)."""

    def __init__(self) -> None:
        super().__init__("The check-in search was stopped.")


@dataclass(frozen=True, slots=True)
class CheckInLogQuery:
    """What the log shows: every filter is optional; ``last_day`` is inclusive.

    Dates are each session's local date in its cohort's time zone. ``text`` matches emotion
    words, accomplishments and challenges, case-insensitively, anywhere in them.
    """

    cohort_id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    share_scope: ShareScope | None = None
    text: str = ""
    sort: LogSort = LogSort.SESSION_START
    descending: bool = True


@dataclass(frozen=True, slots=True)
class LogCursor:
    """Where a page ended: the last row's sort values as stored (opaque to callers)."""

    sort: LogSort
    descending: bool
    values: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class CheckInLogRow:
    """One check-in as the log shows it; ``session_start`` is in the cohort's own zone."""

    id: uuid.UUID
    session_id: uuid.UUID
    participant_id: uuid.UUID
    cohort_id: uuid.UUID
    cohort_name: str
    participant_name: str
    session_start: dt.datetime
    mood: int | None
    craving: int | None
    emotion_words: str
    accomplishments: str
    challenges: str
    share_scope: ShareScope
    has_cravings: bool

    def with_draft(self, draft: CheckInDraft) -> CheckInLogRow:
        """This row saying what ``draft`` says (as the service stores it: text stripped)."""
        return dataclasses.replace(
            self,
            mood=draft.mood,
            craving=draft.craving,
            emotion_words=draft.emotion_words.strip(),
            accomplishments=draft.accomplishments.strip(),
            challenges=draft.challenges.strip(),
            share_scope=ShareScope(draft.share_scope),
        )

    def draft(self) -> CheckInDraft:
        return CheckInDraft(
            mood=self.mood,
            emotion_words=self.emotion_words,
            accomplishments=self.accomplishments,
            challenges=self.challenges,
            craving=self.craving,
            share_scope=self.share_scope,
        )


@dataclass(frozen=True, slots=True)
class MoodTrend:
    """A participant's moods in session order (None where no mood was given)."""

    participant_id: uuid.UUID
    starts: tuple[float, ...]  # each session's start, Unix seconds
    moods: tuple[int | None, ...]

    def until(self, moment: dt.datetime, points: int = TREND_POINTS) -> tuple[int | None, ...]:
        """The last ``points`` moods up to and including the session at ``moment``."""
        end = bisect.bisect_right(self.starts, moment.timestamp())
        return self.moods[max(0, end - points) : end]


@dataclass(frozen=True, slots=True)
class CheckInLogPage:
    """Rows in order; ``cursor`` asks for the next page (None: this was the last)."""

    rows: tuple[CheckInLogRow, ...]
    cursor: LogCursor | None


_ROW_SQL = (
    "c.id, c.session_id, c.participant_id, gs.cohort_id, co.name, co.track, co.timezone, "
    "p.display_name, gs.scheduled_start, c.mood, c.craving, c.emotion_words, "
    "c.accomplishments, c.challenges, c.share_scope"
)
_ROW_WIDTH = 15
# How SQLAlchemy stores our columns in SQLite (Uuid: 32 hex digits; DateTime: naive UTC
# text). Pages are read raw and decoded here: the typed result path costs 4x the query.
_STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _stored(value: object) -> object:
    """A bound parameter in its stored form."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime(_STORED_TIME)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _utc(stored: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC)


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class _Decoder:
    """Stored values to a row's Python values; ids and times repeat, so each is made once."""

    def __init__(self) -> None:
        self._ids: dict[str, uuid.UUID] = {}
        self._starts: dict[tuple[str, str], dt.datetime] = {}

    def id(self, stored: str) -> uuid.UUID:
        found = self._ids.get(stored)
        if found is None:
            found = self._ids[stored] = _uuid(stored)
        return found

    def start(self, stored: str, zone: str) -> dt.datetime:
        key = (stored, zone)
        found = self._starts.get(key)
        if found is None:
            found = self._starts[key] = _utc(stored).astimezone(_zone(zone))
        return found

    def row(self, r: tuple[Any, ...]) -> CheckInLogRow:
        # Positional, in CheckInLogRow's field order (id, session, participant, cohort, ...).
        return CheckInLogRow(
            _uuid(r[0]), self.id(r[1]), self.id(r[2]), self.id(r[3]), r[4], r[7],
            self.start(r[8], r[6]), r[9], r[10], r[11], r[12], r[13], _SCOPES[r[14]],
            _CRAVINGS[r[5]],
        )  # fmt: skip


_SCOPES = {scope.value: scope for scope in ShareScope}
_CRAVINGS = {track.value: track.has_cravings for track in Track}


def _uuid(stored: str) -> uuid.UUID:
    return uuid.UUID(int=int(stored, 16))  # twice as fast as parsing the hex text


def _rows(db: Session, statement: str, params: dict[str, object]) -> list[Any]:
    stored = {name: _stored(value) for name, value in params.items()}
    return list(db.connection().exec_driver_sql(statement, stored).fetchall())


class CheckInLogService:
    """Reads the log in pages; every call is one short read transaction returning snapshots.

    ``page(query, after=cursor)`` continues exactly where the previous page ended (keyset:
    ties broken down to the row, so no row is skipped or repeated, however deep). ``count``
    is exact. Either may be given ``stop``, polled while SQLite works, to abandon the query
    (``LogQueryCancelled``) when a newer filter has replaced it.
    """

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def page(
        self,
        query: CheckInLogQuery,
        *,
        after: LogCursor | None = None,
        limit: int = 200,
        stop: Callable[[], bool] | None = None,
    ) -> CheckInLogPage:
        """Up to ``limit`` rows after ``after`` (the previous page's cursor)."""
        self._validate(query)
        check.integer("limit", limit, 1, MAX_PAGE)
        order = sql.terms(query.sort, query.descending)
        if after is not None and (after.sort, after.descending) != (query.sort, query.descending):
            raise InvalidInput("after", "This page marker belongs to another order of the log.")
        with self._context.database.read() as db, _stoppable(db, stop):
            where, params = self._filters(db, query)
            if after is not None:
                condition, keyset_params = sql.keyset(order, after.values)
                where.append(condition)
                params.update(keyset_params)
            narrow = _narrow(query)
            source = sql.source(
                query.sort,
                cohort=query.cohort_id is not None,
                participant=query.participant_id is not None,
                narrow_dates=narrow,
            )
            keys = ", ".join(f"{term.column} AS k{i}" for i, term in enumerate(order))
            statement = (
                f"SELECT {_ROW_SQL}, {keys} FROM {source} WHERE {' AND '.join(where)} "  # noqa: S608
                f"ORDER BY {', '.join(term.order_sql() for term in order)} LIMIT :limit"
            )
            params["limit"] = limit + 1
            fetched = _rows(db, statement, params)
        more = len(fetched) > limit
        fetched = fetched[:limit]
        decoder = _Decoder()
        rows = tuple(decoder.row(record) for record in fetched)
        cursor = None
        if more:
            cursor = LogCursor(query.sort, query.descending, tuple(fetched[-1][_ROW_WIDTH:]))
        return CheckInLogPage(rows, cursor)

    def count(self, query: CheckInLogQuery, *, stop: Callable[[], bool] | None = None) -> int:
        """How many check-ins ``query`` shows in all (the sort does not matter)."""
        self._validate(query)
        with self._context.database.read() as db, _stoppable(db, stop):
            if (
                query.cohort_id is None
                and query.participant_id is None
                and query.first_day is None
                and query.last_day is None
                and not query.text.strip()
            ):
                return _fast_count(db, query.share_scope)
            where, params = self._filters(db, query)
            source = sql.count_source(
                cohort=query.cohort_id is not None,
                participant=query.participant_id is not None,
                dates=query.first_day is not None or query.last_day is not None,
            )
            statement = f"SELECT count(*) FROM {source} WHERE {' AND '.join(where)}"  # noqa: S608
            return int(_rows(db, statement, params)[0][0])

    def trends(self, participant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, MoodTrend]:
        """Each participant's moods in session order (for sparklines)."""
        with self._context.database.read() as db:
            return _trends(db, set(participant_ids))

    @staticmethod
    def _validate(query: CheckInLogQuery) -> None:
        check.text("text", query.text, max_length=200, label="search text")
        if query.first_day is not None:
            check.date_order("last_day", query.first_day, query.last_day, label="“to” date")
        if query.share_scope is not None:
            check.choice("share_scope", query.share_scope, ShareScope, label="sharing")
        check.choice("sort", query.sort, LogSort, label="sort")

    def _filters(self, db: Session, query: CheckInLogQuery) -> tuple[list[str], dict[str, object]]:
        where = [sql.LIVE]
        params: dict[str, object] = {}
        if query.cohort_id is not None:
            where.append("gs.cohort_id = :cohort")
            params["cohort"] = query.cohort_id
        if query.participant_id is not None:
            where.append("c.participant_id = :participant")
            params["participant"] = query.participant_id
        if query.share_scope is not None:
            where.append("c.share_scope = :scope")
            params["scope"] = ShareScope(query.share_scope)
        needle = query.text.strip()
        if needle:
            where.append(sql.text_condition())
            params["text"] = sql.like_pattern(needle)
        if query.first_day is not None or query.last_day is not None:
            zones_sql = "SELECT DISTINCT timezone FROM cohort"
            zone_params: dict[str, object] = {}
            if query.cohort_id is not None:
                zones_sql += " WHERE id = :cohort"
                zone_params["cohort"] = query.cohort_id
            zones = sorted(row[0] for row in _rows(db, zones_sql, zone_params))
            dates, date_params = sql.date_bounds(query.first_day, query.last_day, zones)
            where.extend(dates)
            params.update(date_params)
        return where, params


def _narrow(query: CheckInLogQuery) -> bool:
    if query.first_day is None or query.last_day is None:
        return False
    return query.last_day - query.first_day <= sql.NARROW_RANGE


def _fast_count(db: Session, scope: ShareScope | None) -> int:
    """Live check-ins from the small scope index, less those in deleted sessions."""
    params: dict[str, object] = {}
    scoped = ""
    if scope is not None:
        scoped = " AND c.share_scope = :scope"
        params["scope"] = ShareScope(scope)
    live = _rows(
        db,
        "SELECT count(*) FROM checkin AS c INDEXED BY ix_checkin_live_scope "  # noqa: S608
        f"WHERE c.deleted = 0{scoped}",
        params,
    )[0][0]
    orphaned = _rows(
        db,
        "SELECT count(*) FROM group_session AS gs INDEXED BY ix_group_session_start "  # noqa: S608
        f"{sql.CHECKIN_BY_SESSION} WHERE gs.deleted = 1 AND c.deleted = 0{scoped}",
        params,
    )[0][0]
    return int(live) - int(orphaned)


def _trends(db: Session, participant_ids: set[uuid.UUID]) -> dict[uuid.UUID, MoodTrend]:
    if not participant_ids:
        return {}
    ids = sorted(participant_ids)
    params: dict[str, object] = {f"p{i}": value for i, value in enumerate(ids)}
    statement = (
        "SELECT c.participant_id, gs.scheduled_start, c.mood "  # noqa: S608
        "FROM checkin AS c INDEXED BY ix_checkin_participant_recorded "
        f"{sql.SESSION_JOIN} WHERE c.participant_id IN ({', '.join(':' + n for n in params)}) "
        f"AND {sql.LIVE} ORDER BY c.participant_id, gs.scheduled_start"
    )
    series: dict[str, tuple[list[float], list[int | None]]] = {p.hex: ([], []) for p in ids}
    for participant, start, mood in _rows(db, statement, params):
        starts, moods = series[participant]
        starts.append(_utc(start).timestamp())
        moods.append(mood)
    return {
        uuid.UUID(p): MoodTrend(uuid.UUID(p), tuple(s), tuple(m)) for p, (s, m) in series.items()
    }


@contextmanager
def _stoppable(db: Session, stop: Callable[[], bool] | None) -> Iterator[None]:
    """Let ``stop()`` interrupt SQLite mid-query (polled every few thousand VM steps)."""
    if stop is None:
        yield
        return
    raw = db.connection().connection.driver_connection
    assert raw is not None
    raw.set_progress_handler(lambda: 1 if stop() else 0, 5000)
    try:
        yield
    except OperationalError as error:
        if stop() and "interrupt" in str(error.orig).lower():
            raise LogQueryCancelled() from None
        raise
    finally:
        raw.set_progress_handler(None, 0)
