"""Weekly goals and their report-backs."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import UTCDateTime, str_enum


class ValueDomain(enum.StrEnum):
    """The standard value domains; a participant may also name their own word."""

    FAMILY = "family"
    HEALTH = "health"
    WORK_OR_SCHOOL = "work or school"
    RELATIONSHIPS = "relationships"
    RECOVERY = "recovery"
    CREATIVITY = "creativity"
    SPIRITUALITY = "spirituality"
    COMMUNITY = "community"


class GoalStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"
    CARRIED_FORWARD = "carried_forward"
    DROPPED = "dropped"


class ReviewOutcome(enum.StrEnum):
    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"


class Goal(SyncColumns, Base):
    """A goal set in ``set_in_session_id`` for the coming week.

    ``value_domain`` is one of ``ValueDomain``'s values or the participant's own word.
    ``carried_from_id`` links a goal carried forward to the one it continues.
    """

    __tablename__ = "goal"
    __table_args__ = (
        Index("ix_goal_participant_status", "participant_id", "status"),
        Index("ix_goal_set_in_session", "set_in_session_id"),
        Index("ix_goal_carried_from", "carried_from_id"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id"), nullable=False
    )
    set_in_session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("group_session.id"), nullable=False
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    value_domain: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("goal.id"), nullable=True
    )


class GoalReview(SyncColumns, Base):
    """The report-back on a goal in a later session."""

    __tablename__ = "goal_review"
    __table_args__ = (Index("ix_goal_review_goal", "goal_id"),)

    goal_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("goal.id"), nullable=False)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("group_session.id"), nullable=False
    )
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome), nullable=False)
    barrier_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
