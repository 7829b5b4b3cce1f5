"""Field versions, history and the persisted clock as stored in the vault's local tables.

One encoding serves the services' write hook, the importer, the exporter and conflict
resolution: a row's storage values plus its ``row_clock.fields`` JSON (the field versions
that differ from the row's own) become a ``merge.Fields`` mapping and back. All functions
take the DB-API connection of the caller's transaction and never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from app.sync.merge import Fields, FieldVersion, Stamp, is_deleted, row_stamp
from app.sync.schema import TableSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The slice of a DB-API (sqlcipher3) connection this package uses."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


def raw_connection(session: Session) -> Connection:
    """The DB-API connection under ``session``'s current transaction."""
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    return cast(Connection, connection)


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def storage_time(moment: dt.datetime) -> str:
    """A UTC timestamp in the form SQLAlchemy stores ``UTCDateTime`` columns."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# -- rows <-> fields -------------------------------------------------------------------------


def decode_entry(entry: Sequence[Any], stored: Any) -> FieldVersion:
    bases = tuple((int(b[0]), str(b[1])) for b in entry[2])
    value = entry[3] if len(entry) > 3 else stored
    return FieldVersion(value, (int(entry[0]), str(entry[1])), bases)


def fields_of(
    spec: TableSpec, values: Mapping[str, Any], meta: str | Mapping[str, Any] | None
) -> dict[str, FieldVersion]:
    """The field versions of a stored (or bundled) row and its ``row_clock.fields``."""
    entries: Mapping[str, Any] = json.loads(meta) if isinstance(meta, str) else (meta or {})
    stamp: Stamp = (values["version"], values["origin"])
    fields: dict[str, FieldVersion] = {}
    for name in spec.fields:
        entry = entries.get(name)
        stored = values[name]
        fields[name] = FieldVersion(stored, stamp) if entry is None else decode_entry(entry, stored)
    return fields


def meta_entries(spec: TableSpec, fields: Fields) -> tuple[dict[str, Any], dict[str, Any]]:
    """(storage values, field-version entries) that represent ``fields``."""
    stamp = row_stamp(fields)
    values: dict[str, Any] = {name: fields[name].value for name in spec.fields}
    values["version"], values["origin"] = stamp
    values["deleted"] = int(is_deleted(fields))
    entries: dict[str, Any] = {}
    for name in spec.fields:
        version = fields[name]
        raw_differs = version.value != values[name]
        if version.stamp != stamp or version.bases or raw_differs:
            entry: list[Any] = [*version.stamp, [list(b) for b in version.bases]]
            if raw_differs:
                entry.append(version.value)
            entries[name] = entry
    return values, entries


def storage_of(spec: TableSpec, row_id: str, fields: Fields) -> tuple[tuple[Any, ...], str | None]:
    """The row tuple (in ``spec.columns`` order) and ``row_clock.fields`` JSON for ``fields``."""
    values, entries = meta_entries(spec, fields)
    values["id"] = row_id
    return tuple(values[c] for c in spec.columns), compact_json(entries) if entries else None


def load_rows(
    connection: Connection, spec: TableSpec, row_ids: Sequence[str]
) -> dict[str, tuple[dict[str, Any], str | None, int | None]]:
    """Stored rows by id with their ``row_clock`` (fields JSON, seq); missing ids are absent."""
    found: dict[str, tuple[dict[str, Any], str | None, int | None]] = {}
    for start in range(0, len(row_ids), 500):
        chunk = list(row_ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        names = ", ".join(f't."{c}"' for c in spec.columns)
        rows = connection.execute(
            f'SELECT {names}, m.fields, m.seq FROM "{spec.name}" t '  # noqa: S608
            "LEFT JOIN row_clock m ON m.entity = ? AND m.row_id = t.id "
            f"WHERE t.id IN ({marks})",
            [spec.name, *chunk],
        ).fetchall()
        width = len(spec.columns)
        for row in rows:
            values = dict(zip(spec.columns, row[:width], strict=True))
            found[values["id"]] = (values, row[width], row[width + 1])
    return found


def save_clock(connection: Connection, entity: str, row_id: str, fields: str | None) -> None:
    """Replace a row's field versions, keeping its ``seq``."""
    connection.execute(
        "INSERT INTO row_clock (entity, row_id, seq, fields) VALUES (?, ?, NULL, ?) "
        "ON CONFLICT (entity, row_id) DO UPDATE SET fields = excluded.fields",
        (entity, row_id, fields),
    )


UPSERT_CLOCK = (
    "INSERT INTO row_clock (entity, row_id, seq, fields) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (entity, row_id) DO UPDATE SET fields = excluded.fields, "
    "seq = coalesce(excluded.seq, row_clock.seq)"
)


# -- history ---------------------------------------------------------------------------------

INSERT_HISTORY = (
    "INSERT OR IGNORE INTO field_history (id, entity, row_id, field, version, origin, value, "
    "bases, seq, recorded_at, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def history_id(entity: str, row_id: str, field: str, version: FieldVersion) -> str:
    """The same id on every device for the same value of the same field at the same stamp."""
    key = f"{entity}\0{row_id}\0{field}\0{version.stamp[0]}\0{version.stamp[1]}\0"
    return hashlib.sha256((key + compact_json(version.value)).encode()).hexdigest()[:32]


def history_row(
    entity: str, row_id: str, field: str, version: FieldVersion, seq: int, at: str, cause: str
) -> tuple[Any, ...]:
    return (
        history_id(entity, row_id, field, version),
        entity,
        row_id,
        field,
        version.stamp[0],
        version.stamp[1],
        compact_json(version.value),
        compact_json([list(b) for b in version.bases]),
        seq,
        at,
        cause,
    )


def load_history(
    connection: Connection, entity: str, row_id: str, field: str
) -> list[FieldVersion]:
    rows = connection.execute(
        "SELECT version, origin, value, bases FROM field_history "
        "WHERE entity = ? AND row_id = ? AND field = ?",
        (entity, row_id, field),
    ).fetchall()
    return [
        FieldVersion(
            json.loads(value), (version, origin), tuple((b[0], b[1]) for b in json.loads(bases))
        )
        for version, origin, value, bases in rows
    ]


# -- the persisted clock ---------------------------------------------------------------------


def read_clock(connection: Connection) -> int:
    row = connection.execute("SELECT last FROM clock_state WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def write_clock(connection: Connection, last: int) -> None:
    connection.execute(
        "INSERT INTO clock_state (id, last) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET last = max(last, excluded.last)",
        (last,),
    )


# -- a local edit (the services' write hook) -------------------------------------------------


def record_local_edit(
    connection: Connection,
    spec: TableSpec,
    old: Mapping[str, Any],
    old_meta: str | None,
    changed: Iterable[str],
    new_stamp: Stamp,
    at: str,
) -> None:
    """Before an UPDATE of ``changed`` fields at ``new_stamp``: keep the old values in history
    and the unchanged fields' versions in ``row_clock`` (they no longer equal the row's)."""
    row_id = old["id"]
    fields = fields_of(spec, old, old_meta)
    changed = [name for name in changed if name in fields]
    if old["deleted"] and "deleted" not in changed:
        changed.append("deleted")  # an edit of a tombstone keeps it one: stamp the delete anew
    connection.executemany(
        INSERT_HISTORY,
        [
            history_row(spec.name, row_id, name, fields[name], new_stamp[0], at, "edit")
            for name in changed
        ],
    )
    updated = dict(fields)
    for name in changed:
        bases = (fields[name].stamp,) if name in spec.free_text else ()
        updated[name] = FieldVersion(None, new_stamp, bases)  # value: the ORM writes it
    entries: dict[str, Any] = {}
    for name, version in updated.items():
        previous = fields[name]
        raw_kept = name not in changed and previous.value != old[name]
        if version.stamp != new_stamp or version.bases or raw_kept:
            entry: list[Any] = [*version.stamp, [list(b) for b in version.bases]]
            if raw_kept:
                entry.append(previous.value)
            entries[name] = entry
    save_clock(connection, spec.name, row_id, compact_json(entries) if entries else None)
