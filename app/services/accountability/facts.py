"""The facts the engine's rules read: plain frozen snapshots of a cohort's history.

Built only by ``history.load_history``; tests may build them by hand.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from app.services.figures.today import session_over
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

    def over_by(self, at: dt.datetime) -> bool:
        """Whether the session's planned end has passed at ``at`` (it then counts; see
        ``app.services.figures.attendance``)."""
        return session_over(self.start, self.planned_minutes, at)


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

    ``session`` is the session being prepared (None for a plain date) and ``as_of_date`` the
    local date the history is about (the session's, or the date asked for): members,
    milestones and pairs are those of that day. Screens read as of now, so ``as_of`` is
    usually now and ``today`` the cohort's local today then (None: ``as_of_date``), which
    "this week" and partner contact days count to. ``focus`` is the session goals are due at
    (the session prepared, else the cohort's session in progress or next; None when there
    is none), and ``due_reported`` holds the goals already reported back at it (before
    ``as_of``), still due there. ``sessions`` holds all the cohort's live sessions, past and
    future, in time order; ``members`` are those enrolled on ``as_of_date``, by name.
    Per-person maps are keyed by participant id.
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
    focus: SessionFact | None = None
    due_reported: Mapping[uuid.UUID, tuple[GoalFact, ...]] = field(default_factory=dict)
    figures_today: dt.date | None = None
    _held: dict[uuid.UUID, list[SessionFact]] = field(  # by enrollment id
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def today(self) -> dt.date:
        """The cohort's local today at ``as_of``: "this week" is its ISO week."""
        return self.figures_today or self.as_of_date

    @property
    def anchor(self) -> dt.datetime:
        """The start of the session prepared, else ``as_of``: "previous" and "next" session
        are counted from it."""
        return self.session.start if self.session is not None else self.as_of

    def previous_session(self) -> SessionFact | None:
        """The latest session before ``anchor`` that was not cancelled."""
        earlier = [
            s
            for s in self.sessions
            if s.start < self.anchor and s.status != SessionStatus.CANCELLED
        ]
        return earlier[-1] if earlier else None

    def next_session(self) -> SessionFact | None:
        """The first session after ``anchor`` (so after ``session``) that is not cancelled."""
        for s in self.sessions:
            if s.start > self.anchor and s.status != SessionStatus.CANCELLED:
                return s
        return None

    def held_sessions_of(self, member: MemberFact) -> list[SessionFact]:
        """Held sessions over by ``as_of`` while ``member`` was enrolled, oldest first: the
        sessions that count for them (``app.services.figures.attendance``)."""
        counted = self._held.get(_EVERYONE)
        if counted is None:  # once per history: rosters ask for hundreds of stays
            counted = self._held[_EVERYONE] = [
                s for s in self.sessions if s.status == SessionStatus.HELD and s.over_by(self.as_of)
            ]
        cached = self._held.get(member.enrollment_id)
        if cached is None:
            first = bisect.bisect_left(counted, member.joined, key=_local_date)
            after = (
                len(counted)
                if member.left is None
                else bisect.bisect_right(counted, member.left, key=_local_date)
            )
            cached = self._held[member.enrollment_id] = counted[first:after]
        return list(cached)

    def attended(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
        mark = self.marks.get((session_id, participant_id))
        return mark is not None and mark.status.attended


_EVERYONE = uuid.UUID(int=0)  # ``_held``'s key for the held sessions that are over


def _local_date(session: SessionFact) -> dt.date:
    return session.local_date
