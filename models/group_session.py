"""A group session: one meeting of a cohort."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"
    NOT_RECORDED = "not_recorded"


class GroupSession(SyncColumns, Base):
    """A cohort's meeting at ``scheduled_start`` (UTC) for ``planned_minutes``."""

    __tablename__ = "group_session"
    __table_args__ = (
        Index("ix_group_session_cohort_start", "cohort_id", "scheduled_start"),
        # The check-in log's default order (newest session first) across every cohort;
        # covering, so that paging and counting by date never read the table.
        Index("ix_group_session_start", "scheduled_start", "id", "deleted", "cohort_id"),
    )

    cohort_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cohort.id"), nullable=False)
    scheduled_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    planned_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus), nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    facilitator: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    peer_leader_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=True
    )
