"""Accountability partners: pairs or trios within a cohort, and the contacts they log."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Date, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class AccountabilityPair(SyncColumns, Base):
    """Two or three members of a cohort who check on each other between sessions.

    Active on every local date from ``start_date`` to ``end_date`` inclusive (open while
    ``end_date`` is None). ``third_id`` is set only for a trio. Ended pairs stay as history.
    """

    __tablename__ = "accountability_pair"
    __table_args__ = (Index("ix_accountability_pair_cohort", "cohort_id", "start_date"),)

    cohort_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cohort.id"), nullable=False)
    first_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("participant.id"), nullable=False)
    second_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("participant.id"), nullable=False)
    third_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=True
    )
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    @property
    def member_ids(self) -> tuple[uuid.UUID, ...]:
        third = () if self.third_id is None else (self.third_id,)
        return (self.first_id, self.second_id, *third)


class ContactMethod(enum.StrEnum):
    CALL = "call"
    TEXT = "text"
    VIDEO = "video"
    IN_PERSON = "in_person"
    OTHER = "other"


class PartnerContact(SyncColumns, Base):
    """One contact between partners: on ``contact_date`` (the cohort's local date),
    ``initiated_by_id`` reached out to ``reached_id`` (None: the whole trio) by ``method``."""

    __tablename__ = "partner_contact"
    __table_args__ = (Index("ix_partner_contact_pair_date", "pair_id", "contact_date"),)

    pair_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("accountability_pair.id"), nullable=False
    )
    contact_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    initiated_by_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    reached_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=True
    )
    method: Mapped[ContactMethod] = mapped_column(str_enum(ContactMethod), nullable=False)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
