"""Which rows a bundle carries: changed since a clock, within some cohorts, closed under parents.

Every bundle is closed under foreign keys: a check-in travels with its session, cohort and
participant (their current state), so a bundle applies on any vault in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from app.sync.fieldlog import Connection, load_rows
from app.sync.schema import TableSpec, synced_specs

Selected = dict[str, dict[str, tuple[dict[str, Any], str | None]]]  # table -> id -> row, fields


def _rows(connection: Connection, spec: TableSpec, sql: str, params: list[Any]) -> Iterable[Any]:
    names = ", ".join(f't."{c}"' for c in spec.columns)
    return connection.execute(
        f'SELECT {names}, m.fields FROM "{spec.name}" t '  # noqa: S608 (names from metadata)
        f"LEFT JOIN row_clock m ON m.entity = ? AND m.row_id = t.id {sql}",
        [spec.name, *params],
    ).fetchall()


def changed_rows(
    connection: Connection, spec: TableSpec, since: int
) -> dict[str, tuple[dict[str, Any], str | None]]:
    """Rows written here after ``since`` (by version) or changed here by an import (by seq)."""
    width = len(spec.columns)
    if since <= 0:
        rows = list(_rows(connection, spec, "", []))
    else:
        rows = list(_rows(connection, spec, "WHERE t.version > ?", [since]))
        rows += _rows(connection, spec, "WHERE m.seq > ? AND t.version <= ?", [since, since])
    out: dict[str, tuple[dict[str, Any], str | None]] = {}
    for row in rows:
        values = dict(zip(spec.columns, row[:width], strict=True))
        out[values["id"]] = (values, row[width])
    return out


def cohort_scope(connection: Connection, cohort_ids: list[str]) -> dict[str, set[str]]:
    """Ids of the rows that belong to the cohorts: their sessions and everything in them,
    enrollments, the people enrolled or referred to, and audit events about those rows."""
    scoped: dict[str, set[str]] = {"cohort": set(cohort_ids)}
    participant_rules: list[TableSpec] = []
    for spec in synced_specs():
        if spec.name in ("cohort", "participant", "audit_event"):
            continue
        anchors = [
            (col, parent)
            for col, parent in spec.parents
            if parent in scoped and parent not in ("participant", spec.name)
        ]
        if not anchors:
            if any(parent == "participant" for _c, parent in spec.parents):
                participant_rules.append(spec)
            continue
        columns = ", ".join(f'"{col}"' for col, _p in anchors)
        found = set()
        for row in connection.execute(f'SELECT id, {columns} FROM "{spec.name}"').fetchall():  # noqa: S608
            if any(row[i + 1] in scoped[parent] for i, (_c, parent) in enumerate(anchors)):
                found.add(row[0])
        scoped[spec.name] = found
    people: set[str] = set()
    for spec in synced_specs():
        ids = scoped.get(spec.name)
        for col, parent in spec.parents:
            if parent == "participant" and ids:
                sql = f'SELECT id, "{col}" FROM "{spec.name}"'  # noqa: S608
                people |= {r[1] for r in connection.execute(sql).fetchall() if r[0] in ids}
    people.discard(None)
    scoped["participant"] = people
    for spec in participant_rules:
        cols = [col for col, parent in spec.parents if parent == "participant"]
        sql = f'SELECT id, {", ".join(cols)} FROM "{spec.name}"'  # noqa: S608
        scoped[spec.name] = {
            r[0] for r in connection.execute(sql).fetchall() if any(v in people for v in r[1:])
        }
    every_id = set().union(*scoped.values())
    audit = connection.execute("SELECT id, entity_id FROM audit_event").fetchall()
    scoped["audit_event"] = {r[0] for r in audit if r[1] in every_id}
    return scoped


def close_over_parents(connection: Connection, selected: Selected) -> int:
    """Add every row a selected row refers to; returns how many were added."""
    added = 0
    specs = synced_specs()
    for spec in reversed(specs):  # children first: a parent added here is visited later
        while True:
            wanted: dict[str, set[str]] = {}
            for values, _fields in selected.get(spec.name, {}).values():
                for col, parent in spec.parents:
                    ref = values[col]
                    if ref is not None and ref not in selected.get(parent, {}):
                        wanted.setdefault(parent, set()).add(ref)
            if not wanted:
                break
            for parent, ids in wanted.items():
                parent_spec = next(s for s in specs if s.name == parent)
                rows = load_rows(connection, parent_spec, sorted(ids))
                target = selected.setdefault(parent, {})
                for row_id, (values, fields, _seq) in rows.items():
                    target[row_id] = (values, fields)
                    added += 1
            if not any(parent == spec.name for parent in wanted):
                break
    return added


def history_since(
    connection: Connection, since: int, rows: Selected | None
) -> list[dict[str, Any]]:
    """History entries recorded here after ``since``, of the selected rows when given."""
    found = connection.execute(
        "SELECT entity, row_id, field, version, origin, value, bases FROM field_history "
        "WHERE seq > ? ORDER BY entity, row_id, field, version, origin, id",
        (since,),
    ).fetchall()
    return [
        {
            "entity": entity,
            "row_id": row_id,
            "field": field,
            "version": version,
            "origin": origin,
            "value": json.loads(value),
            "bases": json.loads(bases),
        }
        for entity, row_id, field, version, origin, value, bases in found
        if rows is None or row_id in rows.get(entity, {})
    ]
