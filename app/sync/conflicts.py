"""Conflicts to review, kept in step with the synced data they are derived from.

``text`` and ``delete`` conflicts are a function of a row's fields and its history (see
``merge.concurrent_heads`` and ``merge.delete_overruled``), so every device that holds the
same data finds the same ones; ``settle_row`` brings the ``sync_conflict`` table in line
after an import or a resolution. ``future`` conflicts record a version held back because
its clock was too far ahead of this machine's; they close once something newer is current.
"""

from __future__ import annotations

import hashlib
from typing import Any

from app.sync.fieldlog import Connection, fields_of, load_history, load_rows
from app.sync.merge import Stamp, concurrent_heads, delete_overruled
from app.sync.schema import TableSpec

TEXT, DELETE, FUTURE = "text", "delete", "future"
OPEN, RESOLVED = "open", "resolved"
ROW = ""  # the field name of a conflict about a whole row


def conflict_id(kind: str, entity: str, row_id: str, field: str, stamp: Stamp) -> str:
    key = f"{kind}\0{entity}\0{row_id}\0{field}\0{stamp[0]}\0{stamp[1]}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


INSERT = (
    "INSERT INTO sync_conflict (id, kind, entity, row_id, field, other_version, other_origin, "
    "status, detected_at, resolved_at, resolution) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, NULL, '') "
    "ON CONFLICT (id) DO UPDATE SET status = 'open', resolved_at = NULL, resolution = '' "
    "WHERE sync_conflict.kind != 'future'"
)


def add_future(
    connection: Connection, entity: str, row_id: str, field: str, stamp: Stamp, at: str
) -> None:
    connection.execute(
        INSERT,
        (
            conflict_id(FUTURE, entity, row_id, field, stamp),
            FUTURE,
            entity,
            row_id,
            field,
            *stamp,
            at,
        ),
    )


def close(connection: Connection, conflict: str, at: str, resolution: str) -> None:
    connection.execute(
        "UPDATE sync_conflict SET status = 'resolved', resolved_at = ?, resolution = ? "
        "WHERE id = ? AND status = 'open'",
        (at, resolution[:200], conflict),
    )


def settle_row(connection: Connection, spec: TableSpec, row_id: str, at: str) -> int:
    """Open the conflicts ``row_id`` has now, close those it no longer has; returns new opens."""
    stored = load_rows(connection, spec, [row_id]).get(row_id)
    if stored is None:
        return 0
    values, meta, _seq = stored
    fields = fields_of(spec, values, meta)
    existing: dict[str, tuple[Any, ...]] = {
        row[0]: row[1:]
        for row in connection.execute(
            "SELECT id, kind, field, other_version, other_origin, status FROM sync_conflict "
            "WHERE entity = ? AND row_id = ?",
            (spec.name, row_id),
        ).fetchall()
    }
    held: dict[str, set[Stamp]] = {}
    for conflict, (kind, field, version, origin, status) in existing.items():
        if kind != FUTURE:
            continue
        if status == OPEN and field in fields and fields[field].stamp >= (version, origin):
            close(connection, conflict, at, "a newer version became current")
        held.setdefault(field, set()).add((version, origin))
    wanted: dict[str, tuple[str, str, Stamp]] = {}
    for field in sorted(spec.free_text):
        history = load_history(connection, spec.name, row_id, field)
        if history:
            for head in concurrent_heads(fields[field], history, held.get(field, ())):
                wanted[conflict_id(TEXT, spec.name, row_id, field, head.stamp)] = (
                    TEXT,
                    field,
                    head.stamp,
                )
    if delete_overruled(fields):
        stamp = fields["deleted"].stamp
        wanted[conflict_id(DELETE, spec.name, row_id, "deleted", stamp)] = (
            DELETE,
            "deleted",
            stamp,
        )
    for conflict, (kind, _field, _v, _o, status) in existing.items():
        if kind != FUTURE and status == OPEN and conflict not in wanted:
            close(connection, conflict, at, "settled by a later version")
    opened = 0
    for conflict, (kind, field, stamp) in wanted.items():
        if conflict not in existing or existing[conflict][4] != OPEN:
            opened += 1
            connection.execute(INSERT, (conflict, kind, spec.name, row_id, field, *stamp, at))
    return opened
