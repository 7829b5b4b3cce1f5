"""The program's check-in log: filtered, sorted in SQL, paged by keyset, counted fast."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import column, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from app.services import checkin_log_query as sql
from app.services import validation as check
from app.services.checkin_log_query import LogSort
from app.services.checkins import CheckInDraft
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, ServiceError
from models import CheckIn, Cohort, GroupSession, Participant, ShareScope, Track

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
    trends: dict[uuid.UUID, MoodTrend]


_ROW_COLUMNS: tuple[ColumnClause[Any], ...] = (
    column("id", CheckIn.__table__.c.id.type),
    column("session_id", CheckIn.__table__.c.session_id.type),
    column("participant_id", CheckIn.__table__.c.participant_id.type),
    column("cohort_id", GroupSession.__table__.c.cohort_id.type),
    column("cohort_name", Cohort.__table__.c.name.type),
    column("track", Cohort.__table__.c.track.type),
    column("timezone", Cohort.__table__.c.timezone.type),
    column("participant_name", Participant.__table__.c.display_name.type),
    column("scheduled_start", GroupSession.__table__.c.scheduled_start.type),
    column("mood", CheckIn.__table__.c.mood.type),
    column("craving", CheckIn.__table__.c.craving.type),
    column("emotion_words", CheckIn.__table__.c.emotion_words.type),
    column("accomplishments", CheckIn.__table__.c.accomplishments.type),
    column("challenges", CheckIn.__table__.c.challenges.type),
    column("share_scope", CheckIn.__table__.c.share_scope.type),
)
_ROW_SQL = (
    "c.id, c.session_id, c.participant_id, gs.cohort_id, co.name, co.track, co.timezone, "
    "p.display_name, gs.scheduled_start, c.mood, c.craving, c.emotion_words, "
    "c.accomplishments, c.challenges, c.share_scope"
)
_START_TYPE = GroupSession.__table__.c.scheduled_start.type
_ID_TYPE = CheckIn.__table__.c.id.type


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


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
        trends_known: Collection[uuid.UUID] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> CheckInLogPage:
        """Up to ``limit`` rows after ``after``; with ``trends_known`` (ids already held),
        the mood trends of the page's other participants come along."""
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
            statement = text(
                f"SELECT {_ROW_SQL}, {keys} FROM {source} WHERE {' AND '.join(where)} "  # noqa: S608
                f"ORDER BY {', '.join(term.order_sql() for term in order)} LIMIT :limit"
            ).columns(*_ROW_COLUMNS, *(column(f"k{i}") for i in range(len(order))))
            params["limit"] = limit + 1
            fetched = db.execute(_typed(statement, params), params).all()
            more = len(fetched) > limit
            fetched = fetched[:limit]
            rows = tuple(_row(record) for record in fetched)
            cursor = None
            if more:
                last = fetched[-1]
                values = tuple(last[len(_ROW_COLUMNS) + i] for i in range(len(order)))
                cursor = LogCursor(query.sort, query.descending, values)
            trends: dict[uuid.UUID, MoodTrend] = {}
            if trends_known is not None:
                wanted = {row.participant_id for row in rows} - set(trends_known)
                trends = _trends(db, wanted)
            return CheckInLogPage(rows, cursor, trends)

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
            statement = text(f"SELECT count(*) FROM {source} WHERE {' AND '.join(where)}")  # noqa: S608
            return int(db.execute(_typed(statement, params), params).scalar_one())

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

    def _filters(self, db: Session, query: CheckInLogQuery) -> tuple[list[str], dict[str, Any]]:
        where = [sql.LIVE]
        params: dict[str, Any] = {}
        if query.cohort_id is not None:
            where.append("gs.cohort_id = :cohort")
            params["cohort"] = query.cohort_id
        if query.participant_id is not None:
            where.append("c.participant_id = :participant")
            params["participant"] = query.participant_id
        if query.share_scope is not None:
            where.append("c.share_scope = :scope")
            params["scope"] = ShareScope(query.share_scope).value
        needle = query.text.strip()
        if needle:
            where.append(sql.text_condition())
            params["text"] = sql.like_pattern(needle)
        if query.first_day is not None or query.last_day is not None:
            zones_sql = "SELECT DISTINCT timezone FROM cohort"
            zone_params: dict[str, Any] = {}
            if query.cohort_id is not None:
                zones_sql += " WHERE id = :cohort"
                zone_params["cohort"] = query.cohort_id
            statement = _typed(text(zones_sql), zone_params)
            zones = sorted(db.execute(statement, zone_params).scalars())
            dates, date_params = sql.date_bounds(query.first_day, query.last_day, zones)
            where.extend(dates)
            params.update(date_params)
        return where, params


def _narrow(query: CheckInLogQuery) -> bool:
    if query.first_day is None or query.last_day is None:
        return False
    return query.last_day - query.first_day <= sql.NARROW_RANGE


def _typed(statement: Any, params: dict[str, Any]) -> Any:
    """Bind ids and datetimes through the models' types (stored forms); the rest as is."""
    from sqlalchemy import bindparam

    typed = []
    for name, value in params.items():
        if isinstance(value, uuid.UUID):
            typed.append(bindparam(name, type_=_ID_TYPE))
        elif isinstance(value, dt.datetime):
            typed.append(bindparam(name, type_=_START_TYPE))
    return statement.bindparams(*typed) if typed else statement


def _row(record: Any) -> CheckInLogRow:
    track: Track = record.track
    return CheckInLogRow(
        id=record.id,
        session_id=record.session_id,
        participant_id=record.participant_id,
        cohort_id=record.cohort_id,
        cohort_name=record.cohort_name,
        participant_name=record.participant_name,
        session_start=record.scheduled_start.astimezone(_zone(record.timezone)),
        mood=record.mood,
        craving=record.craving,
        emotion_words=record.emotion_words,
        accomplishments=record.accomplishments,
        challenges=record.challenges,
        share_scope=record.share_scope,
        has_cravings=track.has_cravings,
    )


def _fast_count(db: Session, scope: ShareScope | None) -> int:
    """Live check-ins from the small scope index, less those in deleted sessions."""
    params: dict[str, Any] = {}
    scoped = ""
    if scope is not None:
        scoped = " AND c.share_scope = :scope"
        params["scope"] = ShareScope(scope).value
    live = db.execute(
        text(
            "SELECT count(*) FROM checkin AS c INDEXED BY ix_checkin_live_scope "  # noqa: S608
            f"WHERE c.deleted = 0{scoped}"
        ),
        params,
    ).scalar_one()
    orphaned = db.execute(
        text(
            "SELECT count(*) FROM group_session AS gs INDEXED BY ix_group_session_start "  # noqa: S608
            f"{sql.CHECKIN_BY_SESSION} WHERE gs.deleted = 1 AND c.deleted = 0{scoped}"
        ),
        params,
    ).scalar_one()
    return int(live) - int(orphaned)


def _trends(db: Session, participant_ids: set[uuid.UUID]) -> dict[uuid.UUID, MoodTrend]:
    if not participant_ids:
        return {}
    ids = sorted(participant_ids)
    names = [f"p{i}" for i in range(len(ids))]
    statement = text(
        "SELECT c.participant_id, gs.scheduled_start, c.mood "  # noqa: S608
        "FROM checkin AS c INDEXED BY ix_checkin_participant_recorded "
        f"{sql.SESSION_JOIN} WHERE c.participant_id IN ({', '.join(':' + n for n in names)}) "
        f"AND {sql.LIVE} ORDER BY c.participant_id, gs.scheduled_start"
    ).columns(
        column("participant_id", _ID_TYPE),
        column("scheduled_start", _START_TYPE),
        column("mood", CheckIn.__table__.c.mood.type),
    )
    params: dict[str, Any] = dict(zip(names, ids, strict=True))
    series: dict[uuid.UUID, tuple[list[float], list[int | None]]] = {p: ([], []) for p in ids}
    for participant_id, start, mood in db.execute(_typed(statement, params), params):
        starts, moods = series[participant_id]
        starts.append(start.timestamp())
        moods.append(mood)
    return {p: MoodTrend(p, tuple(s), tuple(m)) for p, (s, m) in series.items()}


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
