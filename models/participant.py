"""A participant: the least identifying data a group needs to know someone by."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns


class Participant(SyncColumns, Base):
    """A person in treatment, known by a display name or alias.

    ``clinician_notes`` is never shown where the group can see it.
    """

    __tablename__ = "participant"

    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    pronouns: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    recovery_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    clinician_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


# The check-in log sorts by name across the whole program: rows in this order, ties by id.
Index("ix_participant_name", Participant.display_name.collate("NOCASE"), Participant.id)
