"""Attendance: one participant's mark for one session."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import str_enum


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"
    NOT_RECORDED = "not_recorded"

    @property
    def attended(self) -> bool:
        return self in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
            AttendanceStatus.LEFT_EARLY,
        )


class Attendance(SyncColumns, Base):
    """A mark for (session, participant).

    Its id is derived from the pair (see ``app.services.ids``), so two devices marking the
    same person for the same session write the same row and the merge stays a set.
    ``arrived_minute`` (late) and ``left_minute`` (left early) count minutes from the
    session's scheduled start; None when not recorded.
    """

    __tablename__ = "attendance"
    __table_args__ = (
        Index("ix_attendance_session_participant", "session_id", "participant_id", unique=True),
        # Covers the weekly-hours and streak queries without touching the table.
        Index(
            "ix_attendance_participant_cover",
            "participant_id",
            "session_id",
            "status",
            "minutes_attended",
            "deleted",
        ),
        # Covers the attendance charts' per-session tally (app.services.attendance.summary):
        # a cohort's five years of marks are counted from this index alone.
        Index(
            "ix_attendance_session_cover",
            "session_id",
            "deleted",
            "status",
            "minutes_attended",
            "participant_id",
        ),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("group_session.id"), nullable=False
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus), nullable=False)
    minutes_attended: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    arrived_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    left_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
