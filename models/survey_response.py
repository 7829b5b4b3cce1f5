"""A survey response: one administration of a standard instrument, answers item by item.

Clinician-only data: never shown on the group screen or in a presenter-safe export.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime


class SurveyResponse(SyncColumns, Base):
    """The answers to ``instrument`` (its id and definition ``instrument_version``), given on
    ``answered_on`` during the stay ``enrollment_id``, and what they scored then.

    ``answers`` is a JSON object from item id to the recorded option value (``null`` for an
    item left blank or skipped), in the instrument's item order. ``total``, ``band``,
    ``subscales`` (JSON object) and ``alerts`` (JSON list of alert ids) are computed from the
    definition file when the response is recorded and kept for querying; ``sex`` is what
    the scoring used (``F``, ``M`` or not recorded). A response is written once: a
    correction tombstones it and records a new one.
    """

    __tablename__ = "survey_response"
    __table_args__ = (
        Index("ix_survey_response_participant", "participant_id", "instrument", "answered_on"),
        Index("ix_survey_response_enrollment", "enrollment_id", "answered_on"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("enrollment.id"), nullable=False
    )
    instrument: Mapped[str] = mapped_column(String(40), nullable=False)
    instrument_version: Mapped[str] = mapped_column(String(20), nullable=False)
    answered_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    entered_by: Mapped[str] = mapped_column(String(80), nullable=False)
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    answers: Mapped[str] = mapped_column(String(2000), nullable=False)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    band: Mapped[str | None] = mapped_column(String(40), nullable=True)
    subscales: Mapped[str] = mapped_column(String(1000), nullable=False, default="{}")
    alerts: Mapped[str] = mapped_column(String(1000), nullable=False, default="[]")
