"""What travels in a bundle: the synced tables, their columns in storage form, and their rules.

Rows travel exactly as SQLite stores them (UUIDs as 32 hex digits, timestamps as
``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, booleans as 0/1, enums as their values), so that a
row written back is byte-for-byte the row that was read and ``check`` digests agree. Every
column gets a validator derived from its SQLAlchemy type; a type without one raises as soon
as the specs are built (a unit test builds them), so a new model cannot slip through unchecked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Integer,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    Uuid,
)

from models import Base
from models.base import SyncColumns

SYNC_SYSTEM = ("id", "version", "origin")  # row identity and row-level stamp, not fields
MAX_INT = 2**63 - 1
_HEX32 = re.compile(r"[0-9a-f]{32}")
# Free text beyond Text columns: short notes and the check-in's words.
_EXTRA_FREE_TEXT = frozenset({"emotion_words"})

Check = Callable[[Any], bool]


def _is_int(value: Any) -> bool:
    return type(value) is int and -MAX_INT - 1 <= value <= MAX_INT


def _is_uuid(value: Any) -> bool:
    return type(value) is str and len(value) == 32 and _HEX32.fullmatch(value) is not None


def _is_bool(value: Any) -> bool:
    return type(value) is int and value in (0, 1)


def _parses(length: int, parse: Callable[[str], object]) -> Check:
    def check(value: Any) -> bool:
        if type(value) is not str or len(value) != length:
            return False
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return check


def _string(length: int | None) -> Check:
    if length is None:
        return lambda value: type(value) is str
    return lambda value: type(value) is str and len(value) <= length


def _check_for(column: Column[Any]) -> Check:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    check: Check
    if isinstance(kind, Uuid):
        check = _is_uuid
    elif isinstance(kind, Enum):
        allowed = frozenset(kind.enums)
        check = lambda value: type(value) is str and value in allowed  # noqa: E731
    elif isinstance(kind, String):  # Text included
        check = _string(kind.length)
    elif isinstance(kind, Boolean):
        check = _is_bool
    elif isinstance(kind, Integer | BigInteger):
        check = _is_int
    elif isinstance(kind, DateTime):
        check = _parses(26, dt.datetime.fromisoformat)
    elif isinstance(kind, Date):
        check = _parses(10, dt.date.fromisoformat)
    elif isinstance(kind, Time):
        check = _parses(15, dt.time.fromisoformat)
    else:
        raise TypeError(f"no bundle validator for {column.table.name}.{column.name}: {kind!r}")
    if column.nullable:
        inner = check
        return lambda value: value is None or inner(value)
    return check


def _is_free_text(column: Column[Any]) -> bool:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, Enum):
        return False
    return (
        isinstance(kind, Text)
        or column.name.endswith(("note", "notes"))
        or column.name in _EXTRA_FREE_TEXT
    )


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One synced table as bundles see it.

    ``columns`` in the table's order; ``fields`` are the columns merged one by one (all but
    id, version, origin; ``deleted`` included); ``parents`` the (column, table) of each
    foreign key; ``free_text`` the fields whose concurrent edits become conflicts.
    """

    name: str
    columns: tuple[str, ...]
    fields: tuple[str, ...]
    checks: dict[str, Check]
    parents: tuple[tuple[str, str], ...]
    free_text: frozenset[str]

    def select_sql(self, where: str = "") -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        return f'SELECT {names} FROM "{self.name}" {where}'  # noqa: S608 (names from metadata)

    def insert_sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" * len(self.columns))
        return f'INSERT INTO "{self.name}" ({names}) VALUES ({marks})'  # noqa: S608

    def update_sql(self) -> str:
        sets = ", ".join(f'"{c}" = ?' for c in self.columns if c != "id")
        return f'UPDATE "{self.name}" SET {sets} WHERE id = ?'  # noqa: S608


def _spec(table: Table) -> TableSpec:
    columns = tuple(c.name for c in table.columns)
    parents = tuple(
        (fk.parent.name, fk.column.table.name)
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
    )
    return TableSpec(
        name=table.name,
        columns=columns,
        fields=tuple(c for c in columns if c not in SYNC_SYSTEM),
        checks={c.name: _check_for(c) for c in table.columns},
        parents=parents,
        free_text=frozenset(c.name for c in table.columns if _is_free_text(c)),
    )


@cache
def synced_specs() -> tuple[TableSpec, ...]:
    """Every synced table, parents before children."""
    synced = {
        mapper.persist_selectable.name  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncColumns)
    }
    return tuple(_spec(t) for t in Base.metadata.sorted_tables if t.name in synced)


@cache
def spec_by_name() -> dict[str, TableSpec]:
    return {spec.name: spec for spec in synced_specs()}
