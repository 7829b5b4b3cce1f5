"""A participant's values: what matters to them, chosen from a list or in their own words."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class ValueSource(enum.StrEnum):
    LIST = "list"  # picked from the standard list
    OWN_WORDS = "own_words"


class Value(SyncColumns, Base):
    """One value a participant named; ``rank`` 1 is the one that matters most to them.

    Removing a value tombstones it; ranks of the live values are renumbered 1..n.
    """

    __tablename__ = "value"
    __table_args__ = (Index("ix_value_participant_rank", "participant_id", "rank"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    text: Mapped[str] = mapped_column(String(60), nullable=False)
    source: Mapped[ValueSource] = mapped_column(str_enum(ValueSource), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
