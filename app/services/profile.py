"""A participant's profile: their stays, sessions, check-ins and goals read in one unit of work."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.figures.attendance import AttendanceTally, tally
from app.services.figures.goals import Completion, completion
from app.services.figures.today import (
    cohort_today,
    local_day_start,
    session_over,
    unzoned_today,
)
from app.services.profile_timeline import ProfileEvent, build_timeline
from models import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    ReviewOutcome,
    SessionStatus,
    ShareScope,
    Track,
)

UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class StayRow:
    """One enrollment with its cohort. Why it ended is in ``ClinicianOnly.stay_reasons``."""

    enrollment_id: uuid.UUID
    cohort_id: uuid.UUID
    cohort_name: str
    track: Track
    start_date: dt.date
    end_date: dt.date | None
    status: EnrollmentStatus


@dataclass(frozen=True, slots=True)
class MarkRow:
    """An attendance mark; ``at`` is the session's start in its cohort's time zone."""

    session_id: uuid.UUID
    at: dt.datetime
    status: AttendanceStatus
    minutes: int
    planned_minutes: int

    @property
    def day(self) -> dt.date:
        return self.at.date()


@dataclass(frozen=True, slots=True)
class CheckInEntry:
    """A check-in; ``clinician_only`` ones were not shared with the group."""

    id: uuid.UUID
    at: dt.datetime
    mood: int | None
    craving: int | None
    emotion_words: str
    accomplishments: str
    challenges: str
    clinician_only: bool


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    id: uuid.UUID
    at: dt.datetime
    outcome: ReviewOutcome
    barrier_note: str


@dataclass(frozen=True, slots=True)
class GoalEntry:
    id: uuid.UUID
    set_at: dt.datetime
    text: str
    value_domain: str
    status: GoalStatus
    reviews: tuple[ReviewEntry, ...]  # oldest first

    @property
    def outcome(self) -> ReviewOutcome | None:
        """The last report-back's outcome; None while nobody has reported on it."""
        return self.reviews[-1].outcome if self.reviews else None


@dataclass(frozen=True, slots=True)
class DomainSummary:
    """Goals of one value domain; dropped goals are left out of every figure."""

    domain: str
    goals: int
    done: int
    partly: int
    not_done: int
    open: int

    @property
    def completion(self) -> Completion:
        return Completion(self.done, self.partly, self.not_done)

    @property
    def reported(self) -> int:
        return self.completion.reported

    @property
    def completion_rate(self) -> float | None:
        """Done 1, partly ½, over reported back (``figures.goals``); None with nothing reported."""
        return self.completion.rate


@dataclass(frozen=True, slots=True)
class ClinicianOnly:
    """What only clinicians see: the notes, and the reasons stays ended (by enrollment id)."""

    notes: str
    stay_reasons: tuple[tuple[uuid.UUID, str], ...]


@dataclass(frozen=True, slots=True)
class ParticipantProfile:
    """Everything the profile shows, newest events first. ``clinician`` is kept apart.

    ``today`` is the local today of their current (else latest) stay's cohort; the figures
    are those of ``app.services.figures``: ``attendance`` over every session that counted
    for them in every stay, ``completion`` over all their goals reported back on.
    """

    participant_id: uuid.UUID
    display_name: str
    pronouns: str
    recovery_start: dt.date | None
    stays: tuple[StayRow, ...]  # oldest first
    marks: tuple[MarkRow, ...]  # oldest first
    checkins: tuple[CheckInEntry, ...]  # oldest first
    goals: tuple[GoalEntry, ...]  # oldest first
    domains: tuple[DomainSummary, ...]  # most goals first
    timeline: tuple[ProfileEvent, ...]  # newest first
    clinician: ClinicianOnly
    today: dt.date
    attendance: AttendanceTally
    completion: Completion

    @property
    def current_stay(self) -> StayRow | None:
        """The open stay (active or waitlist), else the latest one."""
        return _current(self.stays)

    @property
    def tracks_cravings(self) -> bool:
        """Whether any of their cohorts records cravings (substance use or dual diagnosis)."""
        return any(stay.track.has_cravings for stay in self.stays)


class ProfileService:
    """Reads a participant's profile: one read unit of work, six narrow queries, no ORM objects."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def load(self, participant_id: uuid.UUID) -> ParticipantProfile:
        now = self._context.now()
        with self._context.database.read() as db:
            person = db.execute(
                select(
                    Participant.display_name,
                    Participant.pronouns,
                    Participant.recovery_start,
                    Participant.clinician_notes,
                ).where(Participant.id == participant_id, Participant.deleted.is_(False))
            ).first()
            if person is None:
                raise NotFound("The participant")
            stays, zones, reasons = _stays(db, participant_id)
            marks = _marks(db, participant_id, zones)
            checkins = _checkins(db, participant_id, zones)
            goals = _goals(db, participant_id, zones)
            counted = _counted_sessions(db, stays, zones, now)
        name, pronouns, recovery_start, notes = person
        home = _current(stays)
        by_session = {m.session_id: m.status for m in marks}
        return ParticipantProfile(
            participant_id=participant_id,
            display_name=name,
            pronouns=pronouns,
            recovery_start=recovery_start,
            stays=stays,
            marks=marks,
            checkins=checkins,
            goals=goals,
            domains=summarise_domains(goals),
            timeline=build_timeline(participant_id, stays, marks, checkins, goals, zones),
            clinician=ClinicianOnly(notes, reasons),
            today=cohort_today(zones[home.cohort_id], now) if home else unzoned_today(now),
            attendance=tally(counted, by_session),
            completion=completion(
                g.outcome
                for g in goals
                if g.outcome is not None and g.status is not GoalStatus.DROPPED
            ),
        )


def _current(stays: tuple[StayRow, ...]) -> StayRow | None:
    """The open stay (active or waitlist), else the latest one."""
    open_stays = [s for s in stays if s.status.is_open]
    if open_stays:
        return open_stays[-1]
    return stays[-1] if stays else None


def _counted_sessions(
    db: Session, stays: tuple[StayRow, ...], zones: dict[uuid.UUID, ZoneInfo], now: dt.datetime
) -> list[uuid.UUID]:
    """The sessions that counted for them (held while enrolled, and over by ``now``)."""
    spans = []
    for stay in stays:
        if stay.status is EnrollmentStatus.WAITLIST:
            continue
        zone = zones[stay.cohort_id]
        begin = local_day_start(stay.start_date, zone)
        conditions = [
            GroupSession.cohort_id == stay.cohort_id,
            GroupSession.scheduled_start >= begin,
        ]
        if stay.end_date is not None:
            after = local_day_start(stay.end_date + dt.timedelta(days=1), zone)
            conditions.append(GroupSession.scheduled_start < after)
        spans.append(and_(*conditions))
    if not spans:
        return []
    rows = db.execute(
        select(GroupSession.id, GroupSession.scheduled_start, GroupSession.planned_minutes)
        .where(
            or_(*spans),
            GroupSession.status == SessionStatus.HELD,
            GroupSession.deleted.is_(False),
            GroupSession.scheduled_start < now,
        )
        .order_by(GroupSession.scheduled_start)
    )
    return [sid for sid, start, planned in rows if session_over(start, planned, now)]


def _stays(
    db: Session, participant_id: uuid.UUID
) -> tuple[tuple[StayRow, ...], dict[uuid.UUID, ZoneInfo], tuple[tuple[uuid.UUID, str], ...]]:
    stays, zones, reasons = [], {}, []
    for row in db.execute(
        select(
            Enrollment.id,
            Enrollment.cohort_id,
            Cohort.name,
            Cohort.track,
            Cohort.timezone,
            Enrollment.start_date,
            Enrollment.end_date,
            Enrollment.status,
            Enrollment.reason,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.participant_id == participant_id, Enrollment.deleted.is_(False))
        .order_by(Enrollment.start_date, Enrollment.id)
    ):
        enrollment_id, cohort_id, name, track, zone, start, end, status, reason = row
        zones[cohort_id] = ZoneInfo(zone)
        stays.append(StayRow(enrollment_id, cohort_id, name, track, start, end, status))
        if reason:
            reasons.append((enrollment_id, reason))
    return tuple(stays), zones, tuple(reasons)


def _marks(
    db: Session, participant_id: uuid.UUID, zones: dict[uuid.UUID, ZoneInfo]
) -> tuple[MarkRow, ...]:
    rows = db.execute(
        select(
            Attendance.session_id,
            GroupSession.cohort_id,
            GroupSession.scheduled_start,
            GroupSession.planned_minutes,
            Attendance.status,
            Attendance.minutes_attended,
        )
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(
            Attendance.participant_id == participant_id,
            Attendance.deleted.is_(False),
            GroupSession.deleted.is_(False),
        )
        .order_by(GroupSession.scheduled_start)
    )
    return tuple(
        MarkRow(session_id, start.astimezone(zones.get(cohort_id, UTC)), status, minutes, planned)
        for session_id, cohort_id, start, planned, status, minutes in rows
    )


def _checkins(
    db: Session, participant_id: uuid.UUID, zones: dict[uuid.UUID, ZoneInfo]
) -> tuple[CheckInEntry, ...]:
    rows = db.execute(
        select(
            CheckIn.id,
            GroupSession.cohort_id,
            GroupSession.scheduled_start,
            CheckIn.mood,
            CheckIn.craving,
            CheckIn.emotion_words,
            CheckIn.accomplishments,
            CheckIn.challenges,
            CheckIn.share_scope,
        )
        .join(GroupSession, GroupSession.id == CheckIn.session_id)
        .where(CheckIn.participant_id == participant_id, CheckIn.deleted.is_(False))
        .order_by(GroupSession.scheduled_start)
    )
    return tuple(
        CheckInEntry(
            row.id,
            row.scheduled_start.astimezone(zones.get(row.cohort_id, UTC)),
            row.mood,
            row.craving,
            row.emotion_words,
            row.accomplishments,
            row.challenges,
            row.share_scope is ShareScope.CLINICIAN,
        )
        for row in rows
    )


def _goals(
    db: Session, participant_id: uuid.UUID, zones: dict[uuid.UUID, ZoneInfo]
) -> tuple[GoalEntry, ...]:
    reviews: dict[uuid.UUID, list[ReviewEntry]] = defaultdict(list)
    for review_id, goal_id, cohort_id, start, outcome, note in db.execute(
        select(
            GoalReview.id,
            GoalReview.goal_id,
            GroupSession.cohort_id,
            GroupSession.scheduled_start,
            GoalReview.outcome,
            GoalReview.barrier_note,
        )
        .join(Goal, Goal.id == GoalReview.goal_id)
        .join(GroupSession, GroupSession.id == GoalReview.session_id)
        .where(Goal.participant_id == participant_id, GoalReview.deleted.is_(False))
        .order_by(GroupSession.scheduled_start)
    ):
        at = start.astimezone(zones.get(cohort_id, UTC))
        reviews[goal_id].append(ReviewEntry(review_id, at, outcome, note))
    rows = db.execute(
        select(
            Goal.id,
            GroupSession.cohort_id,
            GroupSession.scheduled_start,
            Goal.text,
            Goal.value_domain,
            Goal.status,
        )
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .where(Goal.participant_id == participant_id, Goal.deleted.is_(False))
        .order_by(GroupSession.scheduled_start, Goal.created_at)
    )
    return tuple(
        GoalEntry(
            goal_id,
            start.astimezone(zones.get(cohort_id, UTC)),
            text,
            domain,
            status,
            tuple(reviews.get(goal_id, ())),
        )
        for goal_id, cohort_id, start, text, domain, status in rows
    )


def summarise_domains(goals: tuple[GoalEntry, ...]) -> tuple[DomainSummary, ...]:
    """Goals per value domain with their outcomes; a carried-forward goal counts by its review."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for goal in goals:
        if goal.status is GoalStatus.DROPPED:
            continue
        tally = counts[goal.value_domain]
        tally["goals"] += 1
        outcome = goal.outcome
        tally[outcome.value if outcome is not None else "open"] += 1
    summaries = [
        DomainSummary(
            domain,
            tally["goals"],
            tally[ReviewOutcome.DONE.value],
            tally[ReviewOutcome.PARTLY.value],
            tally[ReviewOutcome.NOT_DONE.value],
            tally["open"],
        )
        for domain, tally in counts.items()
    ]
    summaries.sort(key=lambda s: (-s.goals, s.domain))
    return tuple(summaries)
