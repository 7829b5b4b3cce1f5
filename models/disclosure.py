"""A disclosure: records of one participant handed outside the vault under 42 CFR Part 2."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime


class Disclosure(SyncColumns, Base):
    """One participant's records in one export or report that left the vault.

    Written once per participant concerned (a stay in a substance-use or dual-diagnosis
    cohort) when an export carrying the §2.32 notice is written; never changed afterwards.
    ``export_id`` groups the rows of one export (one file, several people); ``kind`` says
    what was written (``checkins_csv``, ``fhir_bundle``… a plain string, so that later
    reports add kinds without a migration); ``description`` what it covered in words (no
    clinical content); ``records`` how many of this person's records it held; ``notice``
    the id of the notice text it carried (``resources/notices/``).
    """

    __tablename__ = "disclosure"
    __table_args__ = (Index("ix_disclosure_participant", "participant_id", "disclosed_at"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    export_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    disclosed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    disclosed_by: Mapped[str] = mapped_column(String(80), nullable=False)
    recipient: Mapped[str] = mapped_column(String(200), nullable=False)
    consent: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False)
    notice: Mapped[str] = mapped_column(String(40), nullable=False)
