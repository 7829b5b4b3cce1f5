"""What the facilitator has typed on a live card and not yet committed (local, never synced)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class RoundDraft(Base):
    """One card's typed state, saved after a pause in typing; replaced by every later save.

    Local scratch, not a synced row: it has no sync columns, so it never travels in a
    bundle, keeps no field history and writes no audit event (a keystroke is not an edit of
    the record). Committing the card writes the synced rows and deletes the draft in the
    same unit of work. ``fields`` is a JSON object of text values, as the widgets hold them.
    No foreign keys: a draft must never stand in the way of an audited purge; a draft whose
    session or person is gone is simply never asked for.
    """

    __tablename__ = "round_draft"

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # a RoundKind value
    fields: Mapped[str] = mapped_column(Text, nullable=False)
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
