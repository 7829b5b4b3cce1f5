"""The demo's rows as plain tuples in the exact form SQLAlchemy stores them, and bulk inserts."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Connection

from app.database.engine import PAGE_CACHE_KIB
from app.services.ids import NAMESPACE

Row = tuple[Any, ...]

# The sync columns come first in every table; each tuple below lists a table's columns in the
# order its rows are built. ``test_demo`` checks that these name every column of the models.
SYNC: Final = ("id", "version", "origin", "deleted")
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "cohort": (
        *SYNC, "name", "track", "level_of_care", "cohort_type", "capacity", "meeting_days",
        "start_time", "planned_minutes", "timezone", "status", "facilitators", "age_group",
        "weekly_minimum_minutes", "start_date", "end_date", "partner_contact_days",
        "program_weeks",
    ),
    "participant": (*SYNC, "display_name", "pronouns", "recovery_start", "clinician_notes"),
    "value": (*SYNC, "participant_id", "text", "source", "rank", "created_at"),
    "enrollment": (
        *SYNC, "participant_id", "cohort_id", "start_date", "end_date", "status", "reason", "note",
    ),
    "accountability_pair": (
        *SYNC, "cohort_id", "first_id", "second_id", "third_id", "start_date", "end_date",
    ),
    "partner_contact": (
        *SYNC, "pair_id", "contact_date", "initiated_by_id", "reached_id", "method", "note",
        "recorded_at",
    ),
    "group_session": (
        *SYNC, "cohort_id", "scheduled_start", "planned_minutes", "status", "topic",
        "facilitator", "peer_leader_id",
    ),
    "attendance": (
        *SYNC, "session_id", "participant_id", "status", "minutes_attended", "note",
        "arrived_minute", "left_minute",
    ),
    "checkin": (
        *SYNC, "session_id", "participant_id", "recorded_at", "mood", "emotion_words",
        "accomplishments", "challenges", "craving", "share_scope",
    ),
    "goal": (
        *SYNC, "participant_id", "set_in_session_id", "text", "value_domain", "status",
        "created_at", "carried_from_id",
    ),
    "goal_review": (
        *SYNC, "goal_id", "session_id", "outcome", "barrier_note", "reviewed_at",
    ),
    "audit_event": (*SYNC, "at", "actor", "action", "entity", "entity_id", "detail"),
}  # fmt: skip

# Parents before children, so foreign keys hold after every statement.
TABLE_ORDER: Final = tuple(COLUMNS)
# Tables big enough that building their secondary indexes once, after loading, beats
# updating them row by row (about 2x for the five-year demo).
REINDEXED_TABLES: Final = (
    "enrollment", "group_session", "attendance", "checkin", "goal", "goal_review",
)  # fmt: skip
BULK_CACHE_KIB: Final = 256 * 1024


def insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    values = ", ".join("?" * len(columns))
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({values})'  # noqa: S608


# -- values as SQLAlchemy's SQLite types store them ------------------------------------------


def random_uid(bits: int) -> str:
    """The stored form of ``uuid.UUID(int=bits, version=4)``, without building the object."""
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
    return f"{bits:032x}"


def stamp(moment: dt.datetime) -> str:
    """A ``UTCDateTime`` column's stored form: naive UTC with microseconds.

    ``moment`` is aware, or naive and already in UTC (the demo's hot loop keeps naive UTC,
    because ``isoformat`` is several times faster than ``strftime`` on a million rows).
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    text = moment.isoformat(" ")
    return text if moment.microsecond else text + ".000000"


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def dashed(hex_id: str) -> str:
    """``str(uuid.UUID(hex=hex_id))`` for a stored id, without building the object."""
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def clock_time(value: dt.time) -> str:
    return f"{value:%H:%M:%S}.{value.microsecond:06d}"


class PairIds:
    """``app.services.ids`` for many pairs: the same uuid5 values, hashed from shared prefixes.

    ``uuid.uuid5`` rebuilds its SHA-1 input for every call; a session's prefix is hashed once
    here and copied for each participant, which matters at a million rows.
    """

    def __init__(self, kind: str, session_id: str) -> None:
        self._prefix = hashlib.sha1(  # uuid5 is defined on SHA-1
            NAMESPACE.bytes + f"{kind}/{dashed(session_id)}/".encode(),
            usedforsecurity=False,
        )

    def for_participant(self, participant_text: bytes) -> str:
        """The stored id for the participant whose ``str(uuid)`` is ``participant_text``."""
        digest = self._prefix.copy()
        digest.update(participant_text)
        raw = bytearray(digest.digest()[:16])
        raw[6] = (raw[6] & 0x0F) | 0x50
        raw[8] = (raw[8] & 0x3F) | 0x80
        return raw.hex()


class RowSink:
    """Where finished batches go: a list (benchmarks, tests) unless a subclass writes them."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.batches: list[tuple[str, list[Row]]] = []

    def write(self, table: str, rows: Sequence[Row]) -> None:
        if rows:
            self.counts[table] += len(rows)
            self._store(table, rows)

    def _store(self, table: str, rows: Sequence[Row]) -> None:
        self.batches.append((table, list(rows)))


class ConnectionSink(RowSink):
    """Writes each batch with one ``executemany`` inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self._connection = connection

    def _store(self, table: str, rows: Sequence[Row]) -> None:
        self._connection.exec_driver_sql(insert_sql(table), list(rows))


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Inside the caller's transaction: a larger page cache, and the big tables' secondary
    indexes dropped before loading and recreated from their own stored SQL afterwards.

    Schema changes are transactional in SQLite, so if loading fails the rollback restores
    the indexes too; the page cache returns to the engine's size either way.
    """
    marks = ", ".join("?" * len(REINDEXED_TABLES))
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
        f"AND tbl_name IN ({marks}) ORDER BY name",
        REINDEXED_TABLES,
    ).all()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        for name, _sql in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            connection.exec_driver_sql(sql)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
