"""History and conflicts to review: what each field held, and what sync could not settle."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import changes
from app.services.changes import EVERYTHING
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.record_labels import describe_record
from app.sync import conflicts, fieldlog, resolve
from app.sync.clock import unpack
from app.sync.errors import SyncError
from app.sync.schema import spec_by_name
from models import DeviceInfo, FieldHistory, SyncConflict, TrustedPeer


def written_at(version: int) -> dt.datetime:
    """When a version was written, by the clock of the device that wrote it."""
    return dt.datetime.fromtimestamp(unpack(version)[0] / 1000, dt.UTC)


@dataclass(frozen=True, slots=True)
class HistoryEntryRow:
    """A value a field once held. ``cause``: edit, merge, received, future or resolve."""

    entity: str
    row_id: uuid.UUID
    field: str
    value: Any
    version: int
    written_by: str
    written_at: dt.datetime
    recorded_at: dt.datetime
    cause: str


@dataclass(frozen=True, slots=True)
class ConflictRow:
    """Both versions side by side. ``kind``: text, delete or future (see app.sync.conflicts)."""

    id: str
    kind: str
    entity: str
    row_id: uuid.UUID
    field: str
    current_value: Any
    current_by: str
    current_at: dt.datetime
    other_value: Any
    other_by: str
    other_at: dt.datetime
    detected_at: dt.datetime
    status: str
    resolution: str
    record: str = ""  # the record named for people, e.g. "Ana’s check-in, 2 Mar 2026"


def _device_names(db: Session) -> dict[str, str]:
    names = {d.device_id: f"{d.name} (this device)" for d in db.scalars(select(DeviceInfo))}
    names.update({p.device_id: p.name for p in db.scalars(select(TrustedPeer))})
    return names


class SyncReviewService:
    """Lists history and conflicts; settles a conflict by keeping one version or combining."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def history(
        self, entity: str, row_id: uuid.UUID, field: str | None = None
    ) -> list[HistoryEntryRow]:
        """Earlier values of a record's fields (or of one field), newest first."""
        with self._context.database.read() as db:
            names = _device_names(db)
            query = select(FieldHistory).where(
                FieldHistory.entity == entity, FieldHistory.row_id == row_id.hex
            )
            if field is not None:
                query = query.where(FieldHistory.field == field)
            entries = db.scalars(query.order_by(FieldHistory.version.desc()))
            return [
                HistoryEntryRow(
                    e.entity, uuid.UUID(e.row_id), e.field, json.loads(e.value), e.version,
                    names.get(e.origin, e.origin), written_at(e.version), e.recorded_at, e.cause,
                )
                for e in entries
            ]  # fmt: skip

    def describe(self, entity: str, row_id: uuid.UUID) -> str:
        """The record named for people (``ConflictRow.record`` says the same)."""
        with self._context.database.read() as db:
            return describe_record(db, entity, row_id)

    def open_conflict_count(self) -> int:
        with self._context.database.read() as db:
            query = select(func.count()).where(SyncConflict.status == conflicts.OPEN)
            return int(db.scalar(query.select_from(SyncConflict)) or 0)

    def conflicts(self, *, include_settled: bool = False) -> list[ConflictRow]:
        with self._context.database.read() as db:
            query = select(SyncConflict).order_by(SyncConflict.detected_at.desc())
            if not include_settled:
                query = query.where(SyncConflict.status == conflicts.OPEN)
            return [self._row(db, c) for c in db.scalars(query)]

    def conflict(self, conflict_id: str) -> ConflictRow:
        with self._context.database.read() as db:
            found = db.get(SyncConflict, conflict_id)
            if found is None:
                raise NotFound("The conflict")
            return self._row(db, found)

    def _row(self, db: Session, conflict: SyncConflict) -> ConflictRow:
        names = _device_names(db)
        connection = fieldlog.raw_connection(db)
        spec = spec_by_name()[conflict.entity]
        stored = fieldlog.load_rows(connection, spec, [conflict.row_id]).get(conflict.row_id)
        current_value: Any = None
        current_stamp = (0, "")
        if stored is not None and conflict.field:
            field = fieldlog.fields_of(spec, stored[0], stored[1])[conflict.field]
            current_value, current_stamp = field.value, field.stamp
        other_stamp = (conflict.other_version, conflict.other_origin)
        other = resolve.other_version(
            connection, conflict.entity, conflict.row_id, conflict.field, other_stamp
        )
        return ConflictRow(
            conflict.id, conflict.kind, conflict.entity, uuid.UUID(conflict.row_id),
            conflict.field, current_value, names.get(current_stamp[1], current_stamp[1]),
            written_at(current_stamp[0]), other.value if other else None,
            names.get(other_stamp[1], other_stamp[1]), written_at(other_stamp[0]),
            conflict.detected_at, conflict.status, conflict.resolution,
            describe_record(db, conflict.entity, uuid.UUID(conflict.row_id)),
        )  # fmt: skip

    def resolve(self, conflict_id: str, choice: str, combined: str | None = None) -> ConflictRow:
        """Keep ``current``, take ``other``, or write ``combined`` text; returns the settled row."""
        if choice not in (resolve.KEEP_CURRENT, resolve.TAKE_OTHER, resolve.COMBINE):
            raise InvalidInput("choice", "Choose current, other or combined.")
        if choice == resolve.COMBINE and not (combined or "").strip():
            raise InvalidInput("combined", "Write the combined text first.")
        with self._context.database.write() as db:
            try:
                resolve.resolve(
                    fieldlog.raw_connection(db), conflict_id, choice, combined=combined,
                    clock=self._context.clock, device_id=self._context.device_id,
                    actor=self._context.actor,
                    at=fieldlog.storage_time(self._context.now()),
                )  # fmt: skip
            except SyncError as error:
                raise InvalidInput("choice", str(error)) from None
        changes.committed(EVERYTHING)  # written past the ORM, to any entity: every screen reloads
        return self.conflict(conflict_id)
