"""The facts the engine's rules read: plain frozen snapshots of a cohort's history.

Built only by ``history.load_history``; tests may build them by hand.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from app.services.values import ValueRow
from models import (
    AttendanceStatus,
    CohortType,
    EnrollmentStatus,
    GoalStatus,
    SessionStatus,
    Track,
)


@dataclass(frozen=True, slots=True)
class CohortFacts:
    id: uuid.UUID
    name: str
    track: Track
    zone: ZoneInfo
    cohort_type: CohortType
    meeting_days: tuple[int, ...]
    weekly_minimum_minutes: int
    partner_contact_days: int
    program_weeks: int | None
    start_date: dt.date
    end_date: dt.date | None


@dataclass(frozen=True, slots=True)
class SessionFact:
    id: uuid.UUID
    start: dt.datetime  # UTC
    local_date: dt.date
    planned_minutes: int
    status: SessionStatus
    peer_leader_id: uuid.UUID | None
    topic: str = ""


@dataclass(frozen=True, slots=True)
class MemberFact:
    participant_id: uuid.UUID
    display_name: str
    pronouns: str
    recovery_start: dt.date | None
    enrollment_id: uuid.UUID
    joined: dt.date
    left: dt.date | None
    status: EnrollmentStatus


@dataclass(frozen=True, slots=True)
class MarkFact:
    id: uuid.UUID
    status: AttendanceStatus
    minutes: int


@dataclass(frozen=True, slots=True)
class CheckInFact:
    id: uuid.UUID
    session_id: uuid.UUID
    session_start: dt.datetime
    mood: int | None
    craving: int | None
    emotion_words: str  # "" for a clinician-only check-in
    shared: bool  # share scope GROUP


@dataclass(frozen=True, slots=True)
class GoalFact:
    id: uuid.UUID
    text: str
    value_domain: str
    status: GoalStatus
    set_in_session_id: uuid.UUID
    set_start: dt.datetime


@dataclass(frozen=True, slots=True)
class DoneReviewFact:
    id: uuid.UUID  # the GoalReview's id
    goal_id: uuid.UUID
    session_start: dt.datetime


@dataclass(frozen=True, slots=True)
class PairFact:
    id: uuid.UUID
    cohort_id: uuid.UUID
    member_ids: tuple[uuid.UUID, ...]
    start_date: dt.date
    end_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True, slots=True)
class ContactFact:
    id: uuid.UUID
    contact_date: dt.date
    initiated_by_id: uuid.UUID
    reached_id: uuid.UUID | None

    def involves(self, participant_id: uuid.UUID) -> bool:
        return self.reached_id is None or participant_id in (self.initiated_by_id, self.reached_id)


@dataclass(frozen=True, slots=True)
class CohortHistory:
    """Everything the rules see, as of ``as_of`` (records at or after it are not included).

    ``session`` is the session being prepared (None for a plain date); ``sessions`` holds all
    the cohort's live sessions, past and future, in time order. ``members`` are those enrolled
    on ``as_of_date``, by name. Per-person maps are keyed by participant id.
    """

    cohort: CohortFacts
    as_of: dt.datetime
    as_of_date: dt.date
    session: SessionFact | None
    sessions: tuple[SessionFact, ...]
    members: tuple[MemberFact, ...]
    marks: Mapping[tuple[uuid.UUID, uuid.UUID], MarkFact]  # (session id, participant id)
    checkins: Mapping[uuid.UUID, tuple[CheckInFact, ...]]  # oldest first, before as_of
    open_goals: Mapping[uuid.UUID, tuple[GoalFact, ...]]  # set before as_of, still open
    done_reviews: Mapping[uuid.UUID, tuple[DoneReviewFact, ...]]  # oldest first
    values: Mapping[uuid.UUID, tuple[ValueRow, ...]]  # rank 1 first
    pairs: tuple[PairFact, ...]  # every pair any member was ever in, in any cohort
    contacts: Mapping[uuid.UUID, tuple[ContactFact, ...]]  # current pairs', oldest first
    _held: dict[uuid.UUID, list[SessionFact]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def previous_session(self) -> SessionFact | None:
        """The latest session before ``as_of`` that was not cancelled."""
        earlier = [
            s for s in self.sessions if s.start < self.as_of and s.status != SessionStatus.CANCELLED
        ]
        return earlier[-1] if earlier else None

    def next_session(self) -> SessionFact | None:
        """The first session after ``as_of`` (and after ``session``) that is not cancelled."""
        for s in self.sessions:
            if s.start > self.as_of and s.status != SessionStatus.CANCELLED:
                return s
        return None

    def held_sessions_of(self, member: MemberFact) -> list[SessionFact]:
        """Held sessions before ``as_of`` while ``member`` was enrolled, oldest first."""
        cached = self._held.get(member.participant_id)
        if cached is None:
            cached = self._held[member.participant_id] = [
                s
                for s in self.sessions
                if s.status == SessionStatus.HELD
                and s.start < self.as_of
                and member.joined <= s.local_date
                and (member.left is None or s.local_date <= member.left)
            ]
        return list(cached)

    def attended(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
        mark = self.marks.get((session_id, participant_id))
        return mark is not None and mark.status.attended
