"""Noting, flush by flush, which cohorts, participants and sessions a write session touches.

``ServiceContext``'s ``before_flush`` hook hands every new and changed synced row to
``note``; the ids each row carries are read from its columns (and, for a changed row, the
values they replaced, so that a person moved out of a cohort is news there too). What a
row does not carry is looked up inside the same transaction: a session's cohort, a goal
review's goal, a partner contact's pair, a round turn's round, and every cohort a
participant was enrolled in. ``take`` freezes the result once the transaction has
committed; ``forget`` drops it after a rollback.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.services.changes import NOTHING, Changes
from app.sync import fieldlog
from models.base import SyncColumns

INFO_KEY = "circlekeeper.changes"

# Columns that name a cohort, a participant or a session, wherever they appear.
_COHORT_COLUMNS = ("cohort_id",)
_PARTICIPANT_COLUMNS = (
    "participant_id", "first_id", "second_id", "third_id", "initiated_by_id", "reached_id",
    "peer_leader_id", "current_participant_id",
)  # fmt: skip
_SESSION_COLUMNS = ("session_id", "set_in_session_id")
# A row's own id, where the row is one of those three.
_OWN_ID = {"cohort": "cohorts", "participant": "participants", "group_session": "sessions"}
# Rows that reach their cohort, people or session only through another row.
_THROUGH = {
    "goal_review": ("goal_id", "goal"),
    "partner_contact": ("pair_id", "accountability_pair"),
    "round_turn": ("round_id", "round_state"),
}
_CHUNK = 500  # ids per IN (...): far below SQLite's limit on parameters


@dataclass(slots=True)
class PendingChanges:
    """What one write session's flushes have written so far (mutable, for its thread only)."""

    entities: set[str] = field(default_factory=set)
    cohorts: set[uuid.UUID] = field(default_factory=set)
    participants: set[uuid.UUID] = field(default_factory=set)
    sessions: set[uuid.UUID] = field(default_factory=set)

    def freeze(self) -> Changes:
        if not self.entities:
            return NOTHING
        return Changes(
            frozenset(self.entities),
            frozenset(self.cohorts),
            frozenset(self.participants),
            frozenset(self.sessions),
        )


def note(session: Session, rows: Iterable[SyncColumns]) -> None:
    """Note ``rows`` (about to be flushed by ``session``) and what they reach."""
    pending: PendingChanges = session.info.setdefault(INFO_KEY, PendingChanges())
    through: dict[str, set[uuid.UUID]] = {}
    sessions: set[uuid.UUID] = set()
    participants: set[uuid.UUID] = set()
    for row in rows:
        table: str = type(row).__tablename__  # type: ignore[attr-defined]
        pending.entities.add(table)
        own = _OWN_ID.get(table)
        if own == "cohorts":
            pending.cohorts.add(row.id)
        elif own == "participants":
            participants.add(row.id)
        elif own == "sessions":
            sessions.add(row.id)
        pending.cohorts.update(_ids(row, _COHORT_COLUMNS))
        participants.update(_ids(row, _PARTICIPANT_COLUMNS))
        sessions.update(_ids(row, _SESSION_COLUMNS))
        if table in _THROUGH:
            column, _target = _THROUGH[table]
            through.setdefault(table, set()).update(_ids(row, (column,)))
    if not pending.entities:
        return
    connection = fieldlog.raw_connection(session)
    for table, ids in through.items():
        _column, target = _THROUGH[table]
        found = _reached(connection, target, ids)
        pending.cohorts.update(found.cohorts)
        participants.update(found.participants)
        sessions.update(found.sessions)
    pending.sessions.update(sessions)
    pending.participants.update(participants)
    pending.cohorts.update(_cohorts_of(connection, "group_session", "id", sessions))
    pending.cohorts.update(_cohorts_of(connection, "enrollment", "participant_id", participants))


def take(session: Session) -> Changes:
    """What ``session`` changed, once it has committed (and forget it)."""
    pending: PendingChanges | None = session.info.pop(INFO_KEY, None)
    return NOTHING if pending is None else pending.freeze()


def forget(session: Session) -> None:
    """``session`` rolled back: nothing it noted happened."""
    session.info.pop(INFO_KEY, None)


def _ids(row: SyncColumns, columns: tuple[str, ...]) -> Iterator[uuid.UUID]:
    """The ids ``row`` holds in ``columns``, and those a pending change there replaces."""
    state = inspect(row)
    for column in columns:
        if column not in state.mapper.columns:
            continue
        values = state.attrs[column].history.sum() or [getattr(row, column)]
        for value in values:
            if isinstance(value, uuid.UUID):
                yield value


@dataclass(slots=True)
class _Reached:
    cohorts: set[uuid.UUID] = field(default_factory=set)
    participants: set[uuid.UUID] = field(default_factory=set)
    sessions: set[uuid.UUID] = field(default_factory=set)


def _reached(connection: fieldlog.Connection, target: str, ids: set[uuid.UUID]) -> _Reached:
    """The cohorts, people and sessions the ``target`` rows named by ``ids`` carry."""
    columns = {
        "goal": ("participant_id", "set_in_session_id"),
        "accountability_pair": ("cohort_id", "first_id", "second_id", "third_id"),
        "round_state": ("session_id",),
    }[target]
    found = _Reached()
    for values in _select(connection, target, columns, "id", ids):
        for column, value in zip(columns, values, strict=True):
            if value is None:
                continue
            if column == "cohort_id":
                found.cohorts.add(value)
            elif column.endswith("session_id"):
                found.sessions.add(value)
            else:
                found.participants.add(value)
    return found


def _cohorts_of(
    connection: fieldlog.Connection, table: str, key: str, ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    found = (values[0] for values in _select(connection, table, ("cohort_id",), key, ids))
    return {value for value in found if value is not None}


def _select(
    connection: fieldlog.Connection,
    table: str,
    columns: tuple[str, ...],
    key: str,
    ids: set[uuid.UUID],
) -> Iterator[tuple[uuid.UUID | None, ...]]:
    """Rows of ``table`` whose ``key`` is one of ``ids``, with ``columns`` as UUIDs.

    The names are this module's constants, never input; ids are bound as parameters.
    """
    wanted = [value.hex for value in ids]
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT {', '.join(columns)} FROM {table} WHERE {key} IN ({marks})"  # noqa: S608
        for raw in connection.execute(query, chunk).fetchall():
            yield tuple(_uuid(value) for value in raw)


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
