"""Reading a verified member's JSON Lines into rows, checking every value before it is used.

The signature says who made a bundle, not that its maker's software was sound: every row is
still checked against the schema (columns, storage forms, lengths, enum values), its stamps
against the manifest's clock range, and its field versions for consistency with the row.
"""

from __future__ import annotations

import json
from typing import Any

from app.sync.apply import IncomingRow
from app.sync.clock import MAX_VERSION
from app.sync.errors import BundleRejected
from app.sync.fieldlog import fields_of, meta_entries
from app.sync.schema import TableSpec

MAX_BASES = 64


class _Bad(Exception):
    pass


def _lines(data: bytes) -> list[bytes]:
    if not data:
        return []
    if not data.endswith(b"\n"):
        raise _Bad("unterminated line")
    return data[:-1].split(b"\n")


def _stamp(value: Any, low: int, high: int) -> tuple[int, str]:
    if not isinstance(value, list) or len(value) != 2:
        raise _Bad("stamp")
    version, origin = value
    if type(version) is not int or not low <= version <= high:
        raise _Bad("version outside the bundle's clock range")
    if not isinstance(origin, str) or not 0 < len(origin) <= 36:
        raise _Bad("origin")
    return version, origin


def _entries(spec: TableSpec, raw: Any, row: tuple[int, str], low: int) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw:
        raise _Bad("field versions")
    for name, entry in raw.items():
        if name not in spec.checks or name in ("id", "version", "origin"):
            raise _Bad(f"field version for unknown field {name!r}")
        if not isinstance(entry, list) or len(entry) not in (3, 4):
            raise _Bad("field version")
        stamp = _stamp(entry[:2], low, row[0])
        if stamp > row:
            raise _Bad("a field newer than its row")
        bases = entry[2]
        if not isinstance(bases, list) or len(bases) > MAX_BASES:
            raise _Bad("bases")
        for base in bases:
            if _stamp(base, 0, MAX_VERSION) >= stamp:
                raise _Bad("a base not older than its edit")
        if len(entry) == 4 and not spec.checks[name](entry[3]):
            raise _Bad(f"bad value for {name}")
    return raw


def parse_rows(spec: TableSpec, data: bytes, low: int, high: int) -> list[IncomingRow]:
    """Every row of ``rows/<table>.jsonl``, or ``BundleRejected`` naming what is wrong."""
    rows: list[IncomingRow] = []
    seen: set[str] = set()
    columns = set(spec.columns)
    try:
        for number, line in enumerate(_lines(data), start=1):
            try:
                values = json.loads(line)
                if not isinstance(values, dict):
                    raise _Bad("not an object")
                raw_fv = values.pop("_fv", None)
                if values.keys() != columns:
                    raise _Bad("columns differ from this app's")
                for name, check in spec.checks.items():
                    if not check(values[name]):
                        raise _Bad(f"bad value for {name}")
                if not low <= values["version"] <= high:
                    raise _Bad("version outside the bundle's clock range")
                if values["id"] in seen:
                    raise _Bad("the same record twice")
                seen.add(values["id"])
                fv = None
                if raw_fv is not None:
                    fv = _entries(spec, raw_fv, (values["version"], values["origin"]), low)
                    expected = meta_entries(spec, fields_of(spec, values, fv))
                    if expected != ({k: values[k] for k in expected[0]}, fv):
                        raise _Bad("field versions inconsistent with the row")
                rows.append((values, fv))
            except _Bad as error:
                raise BundleRejected(
                    f"The bundle's {spec.name} record on line {number} is invalid ({error}); "
                    "nothing was imported."
                ) from None
    except (ValueError, TypeError, RecursionError):
        raise BundleRejected(
            f"The bundle's {spec.name} records are not valid JSON Lines; nothing was imported."
        ) from None
    return rows


def parse_history(
    data: bytes, low: int, high: int, specs: dict[str, TableSpec]
) -> list[dict[str, Any]]:
    entries = []
    keys = {"entity", "row_id", "field", "version", "origin", "value", "bases"}
    try:
        for number, line in enumerate(_lines(data), start=1):
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict) or entry.keys() != keys:
                    raise _Bad("not a history entry")
                spec = specs.get(entry["entity"])
                if spec is None or entry["field"] not in spec.fields:
                    raise _Bad("unknown table or field")
                if not spec.checks["id"](entry["row_id"]):
                    raise _Bad("bad record id")
                if not spec.checks[entry["field"]](entry["value"]):
                    raise _Bad("bad value")
                stamp = _stamp([entry["version"], entry["origin"]], low, high)
                if not isinstance(entry["bases"], list) or len(entry["bases"]) > MAX_BASES:
                    raise _Bad("bases")
                for base in entry["bases"]:
                    if _stamp(base, 0, MAX_VERSION) >= stamp:
                        raise _Bad("a base not older than its edit")
                entries.append(entry)
            except _Bad as error:
                raise BundleRejected(
                    f"The bundle's history entry on line {number} is invalid ({error}); "
                    "nothing was imported."
                ) from None
    except (ValueError, TypeError, RecursionError):
        raise BundleRejected(
            "The bundle's history is not valid JSON Lines; nothing was imported."
        ) from None
    return entries
