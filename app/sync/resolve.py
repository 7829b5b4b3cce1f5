"""Settling a conflict by hand: keep the current value, take the other, or write a combination.

The choice is written as a new version of the field whose bases are both the current and
the other version, so every device that receives it sees the conflict as settled; the value
it replaces goes to history like any edit, and an audit event records the change.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.sync import conflicts, fieldlog
from app.sync.clock import HybridLogicalClock
from app.sync.errors import SyncError
from app.sync.fieldlog import Connection, fields_of, history_row, load_history, load_rows
from app.sync.merge import FieldVersion, Stamp
from app.sync.schema import spec_by_name

KEEP_CURRENT, TAKE_OTHER, COMBINE = "current", "other", "combined"


def _conflict(connection: Connection, conflict_id: str) -> tuple[Any, ...]:
    row = connection.execute(
        "SELECT kind, entity, row_id, field, other_version, other_origin, status "
        "FROM sync_conflict WHERE id = ?",
        (conflict_id,),
    ).fetchone()
    if row is None:
        raise SyncError("That conflict was not found; it may have been settled already.")
    if row[6] != conflicts.OPEN:
        raise SyncError("That conflict was already settled.")
    return tuple(row)


def other_version(
    connection: Connection, entity: str, row_id: str, field: str, stamp: Stamp
) -> FieldVersion | None:
    for version in load_history(connection, entity, row_id, field):
        if version.stamp == stamp:
            return version
    return None


def resolve(
    connection: Connection,
    conflict_id: str,
    choice: str,
    *,
    combined: str | None,
    clock: HybridLogicalClock,
    device_id: str,
    actor: str,
    at: str,
) -> None:
    """Settle ``conflict_id`` with ``choice`` (``current``, ``other`` or ``combined``)."""
    kind, entity, row_id, field, version, origin, _status = _conflict(connection, conflict_id)
    spec = spec_by_name()[entity]
    stored = load_rows(connection, spec, [row_id]).get(row_id)
    if stored is None:
        raise SyncError("The record of that conflict no longer exists.")
    values, meta, _seq = stored
    fields = fields_of(spec, values, meta)
    clock.observe(max(fieldlog.read_clock(connection), values["version"]))
    other_stamp: Stamp = (version, origin)
    if field == conflicts.ROW:  # a whole record that arrived from a clock far ahead
        conflicts.close(connection, conflict_id, at, "acknowledged")
        return
    current = fields[field]
    other = other_version(connection, entity, row_id, field, other_stamp)
    if kind == conflicts.DELETE:
        value: Any = 0 if choice == KEEP_CURRENT else 1  # current = the edit that kept it
    elif choice == KEEP_CURRENT:
        value = current.value
    elif choice == TAKE_OTHER:
        if other is None:
            raise SyncError("The other version of that field is missing from history.")
        value = other.value
    elif choice == COMBINE and combined is not None and field in spec.free_text:
        if not spec.checks[field](combined):
            raise SyncError("The combined text is too long for that field.")
        value = combined
    else:
        raise SyncError("Choose to keep the current version, take the other, or combine them.")
    if kind == conflicts.FUTURE:
        clock.observe(version)  # the new version must pass the one that was held back
    stamp = (clock.now(), device_id)
    bases = (current.stamp, other_stamp) if field in spec.free_text else ()
    connection.execute(
        fieldlog.INSERT_HISTORY,
        history_row(entity, row_id, field, current, stamp[0], at, "resolve"),
    )
    updated = dict(fields)
    updated[field] = FieldVersion(value, stamp, bases)
    row, new_meta = fieldlog.storage_of(spec, row_id, updated)
    connection.execute(
        spec.update_sql(),
        (*(v for c, v in zip(spec.columns, row, strict=True) if c != "id"), row_id),
    )
    connection.execute(fieldlog.UPSERT_CLOCK, (entity, row_id, None, new_meta))
    event_version = clock.now()
    connection.execute(
        "INSERT INTO audit_event (id, version, origin, deleted, at, actor, action, entity, "
        "entity_id, detail) VALUES (?, ?, ?, 0, ?, ?, 'change', ?, ?, ?)",
        (uuid.uuid4().hex, event_version, device_id, at, actor[:80], entity, row_id,
         f"fields: {field} (conflict settled: {choice})"[:200]),
    )  # fmt: skip
    conflicts.close(connection, conflict_id, at, f"settled here: {choice}")
    conflicts.settle_row(connection, spec, row_id, at)
    fieldlog.write_clock(connection, event_version)
