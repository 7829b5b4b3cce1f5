"""What every service shares: the database, the clock, this device, the user, and time."""

from __future__ import annotations

import datetime as dt
import getpass
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.database.engine import Database
from app.services import change_capture, changes
from app.sync import fieldlog
from app.sync.clock import HybridLogicalClock
from app.sync.schema import spec_by_name
from models import AuditAction, AuditEvent
from models.base import SyncColumns


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def current_user() -> str:
    try:
        return getpass.getuser()[:80]
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown user"


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Collaborators handed to every service by the composition root.

    Creating it installs one ``before_flush`` hook on the database's writer sessions: every
    new or changed synced row gets the next clock version and this device as origin, and an
    audit event naming the entity, its id and the changed fields (never their content).
    For a changed row the hook also keeps, through ``app.sync.fieldlog``, each replaced
    value in the field history and each field's own version (so bundles merge per field),
    and it keeps the vault's persisted clock ahead of every version it stamps, so processes
    sharing the vault never issue a version below one another has used.

    The same hook notes what each write touches (``app.services.change_capture``); once the
    transaction commits, that frozen ``Changes`` goes to ``app.services.changes.committed``
    (the change bus gathers it from there), and a rollback forgets it.
    """

    database: Database
    clock: HybridLogicalClock
    device_id: str
    actor: str = field(default_factory=current_user)
    now: Callable[[], dt.datetime] = utc_now

    def __post_init__(self) -> None:
        self.database.on_write_flush(
            self._stamp_and_audit,
            committed=_hand_on_changes,
            rolled_back=change_capture.forget,
        )

    def _stamp_and_audit(self, session: Session, _context: Any, _instances: Any) -> None:
        at = self.now()
        connection = fieldlog.raw_connection(session)
        self.clock.observe(fieldlog.read_clock(connection))
        written: list[SyncColumns] = []
        for obj in list(session.new):
            if isinstance(obj, SyncColumns) and not isinstance(obj, AuditEvent):
                if obj.id is None:  # so the audit event can name the new record
                    obj.id = uuid.uuid4()
                self._stamp(obj)
                obj.deleted = bool(obj.deleted)
                self._audit(session, at, AuditAction.CREATE, obj, "")
                written.append(obj)
            elif isinstance(obj, AuditEvent):
                self._stamp(obj)
                obj.deleted = False
        for obj in list(session.dirty):
            if not isinstance(obj, SyncColumns) or isinstance(obj, AuditEvent):
                continue
            changed = _changed_fields(obj)
            if not changed:
                continue
            self._stamp_edit(connection, obj, changed, fieldlog.storage_time(at))
            action = (
                AuditAction.DELETE if "deleted" in changed and obj.deleted else AuditAction.CHANGE
            )
            self._audit(session, at, action, obj, ", ".join(sorted(changed - {"deleted"})))
            written.append(obj)
        fieldlog.write_clock(connection, self.clock.last)
        change_capture.note(session, written)

    def _stamp_edit(
        self, connection: fieldlog.Connection, obj: SyncColumns, changed: set[str], at: str
    ) -> None:
        """Stamp an edited row past its stored version, keeping what it replaced."""
        spec = spec_by_name()[type(obj).__tablename__]  # type: ignore[attr-defined]
        stored = fieldlog.load_rows(connection, spec, [obj.id.hex]).get(obj.id.hex)
        if stored is None:  # inserted by an earlier flush of this same unit of work
            self._stamp(obj)
            return
        old, old_meta, _seq = stored
        self.clock.observe(old["version"])
        self._stamp(obj)
        fieldlog.record_local_edit(
            connection, spec, old, old_meta, changed, (obj.version, obj.origin), at
        )

    def _stamp(self, obj: SyncColumns) -> None:
        obj.version = self.clock.now()
        obj.origin = self.device_id

    def _audit(
        self, session: Session, at: dt.datetime, action: AuditAction, obj: SyncColumns, fields: str
    ) -> None:
        event_row = AuditEvent(
            at=at,
            actor=self.actor,
            action=action,
            entity=type(obj).__tablename__,  # type: ignore[attr-defined]
            entity_id=obj.id,
            detail=f"fields: {fields}"[:200] if fields else "",
        )
        self._stamp(event_row)
        event_row.deleted = False
        session.add(event_row)

    def record(self, action: AuditAction, entity: str = "", detail: str = "") -> None:
        """An audit event for something that is not a row change (unlock, export, import)."""
        with self.database.write() as session:
            session.add(
                AuditEvent(
                    at=self.now(), actor=self.actor, action=action, entity=entity, detail=detail
                )
            )


def _hand_on_changes(session: Session) -> None:
    changes.committed(change_capture.take(session))


_SYNC_FIELDS = frozenset({"version", "origin"})


def _changed_fields(obj: SyncColumns) -> set[str]:
    state = inspect(obj)
    changed = set()
    for attribute in state.attrs:
        if attribute.key in _SYNC_FIELDS:
            continue
        history = attribute.history
        if history.has_changes() and list(history.added) != list(history.deleted):
            changed.add(attribute.key)
    return changed
