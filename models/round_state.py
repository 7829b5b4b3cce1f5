"""The live round's saved state: who speaks in which order, who is speaking, who was skipped."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class RoundKind(enum.StrEnum):
    CHECK_IN = "check_in"  # the opening round: mood, words, goals reported back
    CLOSING = "closing"  # the closing round: goals for the coming week


class RoundOrder(enum.StrEnum):
    ALPHABETICAL = "alphabetical"
    RANDOM = "random"  # shuffled by ``RoundState.seed``, so the same seed gives the same order
    REVERSE_LAST = "reverse_last"  # the reverse of the cohort's previous round of the same kind
    CUSTOM = "custom"  # arranged by hand


class TurnStatus(enum.StrEnum):
    WAITING = "waiting"
    DONE = "done"
    SKIPPED = "skipped"  # passed over for now; the round comes back to them


class RoundState(SyncColumns, Base):
    """One round of one session, saved on every move so that a killed app resumes it exactly.

    The id is derived from (session, kind). ``current_participant_id`` is the speaker (None
    when nobody is: not begun, or everyone has spoken); ``current_started_at`` is when their
    turn began, so the speaker's timer survives a restart.
    """

    __tablename__ = "round_state"
    __table_args__ = (Index("ix_round_state_session_kind", "session_id", "kind", unique=True),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("group_session.id"), nullable=False
    )
    kind: Mapped[RoundKind] = mapped_column(str_enum(RoundKind), nullable=False)
    order_method: Mapped[RoundOrder] = mapped_column(str_enum(RoundOrder), nullable=False)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_participant_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=True
    )
    current_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    soft_limit_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RoundTurn(SyncColumns, Base):
    """One participant's place in a round; the id is derived from (round, participant)."""

    __tablename__ = "round_turn"
    __table_args__ = (
        Index("ix_round_turn_round_participant", "round_id", "participant_id", unique=True),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("round_state.id"), nullable=False)
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[TurnStatus] = mapped_column(str_enum(TurnStatus), nullable=False)
    seconds_spoken: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
