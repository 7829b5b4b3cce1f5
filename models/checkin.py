"""A check-in: what a participant shared in one session's round."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class ShareScope(enum.StrEnum):
    GROUP = "group"
    CLINICIAN = "clinician"


class CheckIn(SyncColumns, Base):
    """Mood (0–10), emotion words, accomplishments, challenges, craving (0–10) and scope.

    One per (session, participant); the id is derived from the pair like Attendance's.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        Index("ix_checkin_session_participant", "session_id", "participant_id", unique=True),
        Index("ix_checkin_participant_recorded", "participant_id", "recorded_at"),
        Index("ix_checkin_recorded", "recorded_at"),
        # The check-in log: counting live rows (by scope) and sorting by scope, mood, craving.
        Index("ix_checkin_live_scope", "deleted", "share_scope"),
        Index("ix_checkin_mood", "mood"),
        Index("ix_checkin_craving", "craving"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("group_session.id"), nullable=False
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    mood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    emotion_words: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    accomplishments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    challenges: Mapped[str] = mapped_column(Text, nullable=False, default="")
    craving: Mapped[int | None] = mapped_column(Integer, nullable=True)
    share_scope: Mapped[ShareScope] = mapped_column(str_enum(ShareScope), nullable=False)
