"""The audit trail: who did what to which record, append-only."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class AuditAction(enum.StrEnum):
    UNLOCK = "unlock"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    IMPORT = "import"


class AuditEvent(SyncColumns, Base):
    """One action by ``actor`` (the app's user on this device). Never updated, never deleted.

    ``detail`` names fields, never their clinical content.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), nullable=False, default="")
