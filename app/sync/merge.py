"""The merge rules as pure functions over field versions: no database, no clock, no I/O.

A row is a mapping of field name to ``FieldVersion`` (its storage value, the stamp that wrote
it, and for free text the stamps that edit replaced). Merging two copies of a row keeps, per
field, the greater of (stamp, value) — last writer wins by (version, origin) — and reports
every losing version so that it can be kept in history. Because the result of each field is
a maximum over a set, the merge is commutative, associative and idempotent; the property
tests in ``tests/unit/test_sync_merge_properties.py`` check exactly that on this module.

``deleted`` is merged like any field, but the row counts as deleted only when its delete is
not older than any other field: an edit made after a delete (by a device that had not seen
it) keeps the row alive, and ``delete_overruled`` flags it for review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Stamp = tuple[int, str]  # (hybrid logical clock version, origin device id)

DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class FieldVersion:
    """One value of one field as one write left it."""

    value: Any
    stamp: Stamp
    bases: tuple[Stamp, ...] = ()


Fields = Mapping[str, FieldVersion]


def _tie_key(version: FieldVersion) -> str:
    return json.dumps(version.value, sort_keys=True)


def wins(candidate: FieldVersion, current: FieldVersion) -> bool:
    """Does ``candidate`` replace ``current``? Greater stamp; equal stamps order by value."""
    if candidate.stamp != current.stamp:
        return candidate.stamp > current.stamp
    return _tie_key(candidate) > _tie_key(current)


def row_stamp(fields: Fields) -> Stamp:
    """The row's own (version, origin): the newest of its fields."""
    return max(version.stamp for version in fields.values())


def is_deleted(fields: Fields) -> bool:
    """Deleted when the raw ``deleted`` field says so and no other field is newer."""
    deleted = fields[DELETED]
    if not deleted.value:
        return False
    return all(v.stamp <= deleted.stamp for name, v in fields.items() if name != DELETED)


def delete_overruled(fields: Fields) -> bool:
    """A delete that a later edit overruled: kept alive, to be reviewed."""
    return bool(fields[DELETED].value) and not is_deleted(fields)


@dataclass(slots=True)
class RowMerge:
    """The merged fields, the versions that lost (for history), and those held back."""

    fields: dict[str, FieldVersion]
    losers: list[tuple[str, FieldVersion]] = field(default_factory=list)
    held: list[tuple[str, FieldVersion]] = field(default_factory=list)
    changed: bool = False


def merge_rows(local: Fields, incoming: Fields, *, future_after: int | None = None) -> RowMerge:
    """Merge ``incoming`` into ``local`` field by field.

    A winning incoming version whose clock is beyond ``future_after`` is held back: it is
    reported in ``held`` and never replaces the local value by itself.
    """
    result = RowMerge(dict(local))
    for name, theirs in incoming.items():
        ours = local.get(name)
        if ours is None:
            result.fields[name] = theirs
            result.changed = True
            continue
        if theirs.stamp == ours.stamp and theirs.value == ours.value:
            continue
        if wins(theirs, ours):
            if future_after is not None and theirs.stamp[0] > future_after:
                result.held.append((name, theirs))
                continue
            result.fields[name] = theirs
            result.losers.append((name, ours))
            result.changed = True
        else:
            result.losers.append((name, theirs))
    return result


def ancestry(version: FieldVersion, known: Mapping[Stamp, FieldVersion]) -> set[Stamp]:
    """Every stamp ``version`` was written over, following bases through ``known`` versions."""
    seen: set[Stamp] = set()
    stack = list(version.bases)
    while stack:
        stamp = stack.pop()
        if stamp in seen:
            continue
        seen.add(stamp)
        ancestor = known.get(stamp)
        if ancestor is not None:
            stack.extend(ancestor.bases)
    return seen


def concurrent_heads(
    current: FieldVersion, history: Iterable[FieldVersion], exclude: Iterable[Stamp] = ()
) -> list[FieldVersion]:
    """Versions of a free-text field written without seeing the current one, newest first.

    A known version conflicts when it differs from the current value, is not an ancestor of
    it, and no other such version was written over it (only the latest edit of a line of
    edits is shown, not each keystroke before it).
    """
    known = {v.stamp: v for v in history if v.stamp != current.stamp}
    seen_by_current = ancestry(current, known)
    skip = set(exclude)
    candidates = [v for s, v in known.items() if s not in seen_by_current and s not in skip]
    superseded: set[Stamp] = set()
    for candidate in candidates:
        superseded |= ancestry(candidate, known)
    heads = [v for v in candidates if v.stamp not in superseded and v.value != current.value]
    return sorted(heads, key=lambda v: v.stamp, reverse=True)
