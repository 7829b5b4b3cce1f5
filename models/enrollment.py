"""An enrollment: a participant's stay in one cohort."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import str_enum


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WAITLIST = "waitlist"
    GRADUATED = "graduated"
    DISCHARGED = "discharged"
    WITHDREW = "withdrew"
    TRANSFERRED = "transferred"  # moved to another cohort (the stay there is a new one)

    @property
    def is_open(self) -> bool:
        return self in (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST)


class Enrollment(SyncColumns, Base):
    """A participant in a cohort from ``start_date`` to ``end_date`` (open while active)."""

    __tablename__ = "enrollment"
    __table_args__ = (
        Index("ix_enrollment_cohort_status", "cohort_id", "status"),
        Index("ix_enrollment_participant", "participant_id"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    cohort_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cohort.id"), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[EnrollmentStatus] = mapped_column(str_enum(EnrollmentStatus), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
