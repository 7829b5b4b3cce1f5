"""Applying verified rows to the vault inside the importer's one transaction.

Rows arrive validated (``app.sync.rows``); each is inserted when new, otherwise merged
field by field with ``merge.merge_rows``. Losing versions go to ``field_history``, held
ones too (with a ``future`` conflict), and touched rows have their conflicts settled at the
end. Nothing here commits: the importer's transaction does, or rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.sync import conflicts, fieldlog
from app.sync.fieldlog import Connection, fields_of, history_row, load_rows, storage_of
from app.sync.merge import FieldVersion, merge_rows, row_stamp
from app.sync.schema import TableSpec, spec_by_name

IncomingRow = tuple[dict[str, Any], dict[str, Any] | None]  # storage values, "_fv" entries

SEQ_ONLY = (
    "INSERT INTO row_clock (entity, row_id, seq, fields) VALUES (?, ?, ?, NULL) "
    "ON CONFLICT (entity, row_id) DO UPDATE SET seq = excluded.seq"
)


@dataclass(slots=True)
class ApplyStats:
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    history: int = 0
    held: int = 0
    conflicts: int = 0


class Applier:
    """Applies one bundle's rows; ``seq`` is this vault's clock for the import.

    ``mark`` is the highest clock any peer was sent up to: a row whose version is not above
    it gets ``seq`` in ``row_clock`` so the next ``--since-last`` export still carries it.
    ``future_after`` is the highest version that may win on its own (wall clock + 5 min).
    """

    def __init__(
        self, connection: Connection, *, seq: int, mark: int, future_after: int, at: str
    ) -> None:
        self.connection = connection
        self.seq = seq
        self.mark = mark
        self.future_after = future_after
        self.at = at
        self.observed = 0
        self.stats = ApplyStats()
        self._touched: set[tuple[str, str]] = set()

    def _observe(self, version: int) -> None:
        if version <= self.future_after:
            self.observed = max(self.observed, version)

    def history(self, entries: list[dict[str, Any]]) -> None:
        rows = []
        for entry in entries:
            version = FieldVersion(
                entry["value"],
                (entry["version"], entry["origin"]),
                tuple((b[0], b[1]) for b in entry["bases"]),
            )
            self._observe(entry["version"])
            rows.append(
                history_row(
                    entry["entity"],
                    entry["row_id"],
                    entry["field"],
                    version,
                    self.seq,
                    self.at,
                    "received",
                )
            )
            self._touched.add((entry["entity"], entry["row_id"]))
        before = self._changes()
        self.connection.executemany(fieldlog.INSERT_HISTORY, rows)
        self.stats.history += self._changes() - before

    def _changes(self) -> int:
        return int(getattr(self.connection, "total_changes", 0))

    def table(self, spec: TableSpec, rows: list[IncomingRow], tick: Callable[[int], None]) -> None:
        existing = load_rows(self.connection, spec, [values["id"] for values, _fv in rows])
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        clocks: list[tuple[Any, ...]] = []
        seq_only: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        unchanged = 0
        for index, (values, fv) in enumerate(rows):
            if index % 2000 == 0:
                tick(index)
            row_id = values["id"]
            stored = existing.get(row_id)
            if stored is None:
                inserts.append(tuple(values[c] for c in spec.columns))
                seq = self.seq if values["version"] <= self.mark else None
                if fv or seq:
                    clocks.append(
                        (spec.name, row_id, seq, fieldlog.compact_json(fv) if fv else None)
                    )
                if values["version"] > self.future_after:
                    conflicts.add_future(
                        self.connection, spec.name, row_id, conflicts.ROW,
                        (values["version"], values["origin"]), self.at,
                    )  # fmt: skip
                    self.stats.held += 1
                else:
                    self._observe(values["version"])
                continue
            local = fields_of(spec, stored[0], stored[1])
            incoming = fields_of(spec, values, fv)
            merged = merge_rows(local, incoming, future_after=self.future_after)
            for name, loser in merged.losers:
                history.append(
                    history_row(spec.name, row_id, name, loser, self.seq, self.at, "merge")
                )
            for name, held in merged.held:
                history.append(
                    history_row(spec.name, row_id, name, held, self.seq, self.at, "future")
                )
                conflicts.add_future(self.connection, spec.name, row_id, name, held.stamp, self.at)
                self.stats.held += 1
            self._observe(row_stamp(incoming)[0])
            lost = bool(merged.losers or merged.held)
            if lost:
                self._touched.add((spec.name, row_id))
            if merged.changed:
                row, meta = storage_of(spec, row_id, merged.fields)
                updates.append(
                    (*(v for c, v in zip(spec.columns, row, strict=True) if c != "id"), row_id)
                )
                seq = self.seq if lost or row_stamp(merged.fields)[0] <= self.mark else None
                clocks.append((spec.name, row_id, seq, meta))
            elif lost:
                seq_only.append((spec.name, row_id, self.seq))
            else:
                unchanged += 1
        self.connection.executemany(spec.insert_sql(), inserts)
        self.connection.executemany(spec.update_sql(), updates)
        self.connection.executemany(fieldlog.UPSERT_CLOCK, clocks)
        self.connection.executemany(SEQ_ONLY, seq_only)
        self.connection.executemany(fieldlog.INSERT_HISTORY, history)
        self.stats.inserted[spec.name] = len(inserts)
        self.stats.updated[spec.name] = len(updates)
        self.stats.unchanged[spec.name] = unchanged
        self.stats.history += len(history)

    def settle(self) -> None:
        specs = spec_by_name()
        for entity, row_id in sorted(self._touched):
            spec = specs.get(entity)
            if spec is not None:
                self.stats.conflicts += conflicts.settle_row(self.connection, spec, row_id, self.at)
