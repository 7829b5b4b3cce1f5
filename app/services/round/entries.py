"""What is typed during a live session: check-ins, closing goals, arrivals, the next peer leader.

``RoundEntryService`` (each call is one short unit of work):
- ``save_draft(session_id, participant_id, kind, fields)``: the card's typed text, saved after
  a pause in typing into a local table that never syncs (``round_drafts``), so autosave does
  not flood the synced rows' field history; ``drafts_for(session_id, kind)``; ``discard_draft``.
- ``commit(session_id, participant_id, draft, report_backs=()) -> CommittedCheckIn``: the
  check-in (one synced write; presence only when nothing was typed), the goals' report-backs
  (``ReportBack``: outcome, barrier note, carry forward) and the draft's deletion, in one
  commit, when the facilitator moves on. Marks them present if nobody marked them yet.
- ``commit_closing(session_id, participant_id, lines) -> list[GoalRow]``: the closing round's
  goals for the coming week (``GoalLine``s), and the closing draft's deletion.
- ``card_state(session_id, participant_id, kind) -> CardState``: what reopens a card (the
  committed check-in, report-backs and goals of this session, the draft, past words).
- ``save_check_in`` / ``save_goal``: the same writes without drafts (one call per save).
- ``arrived(session_id, participant_id, *, minute=None) -> PresenceRow``: late, arriving at
  ``minute`` after the scheduled start (by default: now).
- ``left_early(session_id, participant_id, *, minute=None) -> PresenceRow``.
- ``presence(session_id) -> list[PresenceRow]``.
- ``next_session(session_id) -> SessionRow | None``: the cohort's next session after it.
- ``set_peer_leader(session_id, participant_id | None) -> SessionRow``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import checkins
from app.services import validation as check
from app.services.attendance.service import OVERTIME_ALLOWANCE
from app.services.checkins import CheckInDraft, CheckInRow
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput
from app.services.goals.service import GoalRow
from app.services.ids import attendance_id, checkin_id
from app.services.lookup import live
from app.services.round import commit as round_commit
from app.services.round import drafts as round_drafts
from app.services.round.commit import GoalLine, RecordedReview, ReportBack
from app.services.round.drafts import DraftRow
from app.services.sessions import SessionRow
from app.services.sessions import to_row as session_row
from models import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    Cohort,
    Enrollment,
    GroupSession,
    Participant,
    RoundKind,
    SessionStatus,
)


@dataclass(frozen=True, slots=True)
class PresenceRow:
    """Attendance as the live session fills it in. Minutes count from the scheduled start."""

    participant_id: uuid.UUID
    status: AttendanceStatus
    minutes_attended: int
    arrived_minute: int | None
    left_minute: int | None


@dataclass(frozen=True, slots=True)
class EntryRow:
    check_in: CheckInRow
    presence: PresenceRow


@dataclass(frozen=True, slots=True)
class CommittedCheckIn:
    """A committed card: the check-in (None when nothing was typed), report-backs, presence."""

    check_in: CheckInRow | None
    reviews: tuple[RecordedReview, ...]
    presence: PresenceRow


@dataclass(frozen=True, slots=True)
class CardState:
    """What a card reopens with: this session's committed entries and the draft over them."""

    participant_id: uuid.UUID
    kind: RoundKind
    check_in: CheckInRow | None
    reviews: tuple[RecordedReview, ...]
    goals_set: tuple[GoalRow, ...]  # set in this session (closing round, carried forward)
    draft: DraftRow | None
    past_words: tuple[str, ...]  # shared with the group before, most used first
    presence: PresenceRow | None


def _presence(mark: Attendance) -> PresenceRow:
    return PresenceRow(
        mark.participant_id,
        mark.status,
        mark.minutes_attended,
        mark.arrived_minute,
        mark.left_minute,
    )


class RoundEntryService:
    """Saves the live session's entries; see the module docstring."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def save_check_in(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, draft: CheckInDraft
    ) -> EntryRow:
        values = checkins.validated(draft)
        now = self._context.now()
        with self._context.database.write() as db:
            session, participant, cohort = self._open(db, session_id, participant_id)
            checkin = checkins.write(db, session_id, participant_id, cohort, values, now)
            mark = db.get(Attendance, attendance_id(session_id, participant_id))
            if mark is None or mark.deleted:
                mark = self._mark(db, session, participant_id, AttendanceStatus.PRESENT, None, None)
            row = checkins.to_row(checkin, participant.display_name, session.scheduled_start)
            return EntryRow(row, _presence(mark))

    def save_goal(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        text: str,
        domain: str,
        *,
        goal_id: uuid.UUID | None = None,
    ) -> GoalRow:
        check.text("text", text, max_length=500, required=True, label="goal")
        with self._context.database.write() as db:
            session, participant, _ = self._open(db, session_id, participant_id)
            line = GoalLine(text, domain, goal_id)
            goal = round_commit.write_goal(db, session, participant, line, self._context.now())
            assert goal is not None  # the text is not blank
            return round_commit.goal_row(goal, participant, session)

    # -- drafts and commits -------------------------------------------------------------

    def save_draft(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        kind: RoundKind,
        fields: Mapping[str, str],
    ) -> None:
        """Keep the card's typed text (local, never synced); replaces the previous draft."""
        kind = check.choice("kind", kind, RoundKind, label="round")
        payload = round_drafts.encoded(fields)
        with self._context.database.write() as db:
            round_drafts.save(db, session_id, participant_id, kind, payload, self._context.now())

    def drafts_for(self, session_id: uuid.UUID, kind: RoundKind) -> list[DraftRow]:
        kind = check.choice("kind", kind, RoundKind, label="round")
        with self._context.database.read() as db:
            return round_drafts.load(db, session_id, kind)

    def discard_draft(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, kind: RoundKind
    ) -> None:
        kind = check.choice("kind", kind, RoundKind, label="round")
        with self._context.database.write() as db:
            round_drafts.discard(db, session_id, participant_id, kind)

    def commit(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        draft: CheckInDraft,
        report_backs: Sequence[ReportBack] = (),
    ) -> CommittedCheckIn:
        """The card's check-in and report-backs, and its draft deleted, in one commit."""
        values = checkins.validated(draft)
        with self._context.database.write() as db:
            session, participant, cohort = self._open(db, session_id, participant_id)
            return commit_check_in(
                db, session, participant, cohort, values, report_backs, self._context.now()
            )

    def commit_closing(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, lines: Sequence[GoalLine]
    ) -> list[GoalRow]:
        """The closing round's goals for the coming week, and the draft deleted, in one commit."""
        with self._context.database.write() as db:
            session, participant, _ = self._open(db, session_id, participant_id)
            return commit_goals(db, session, participant, lines, self._context.now())

    def card_state(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, kind: RoundKind
    ) -> CardState:
        """What reopens a card exactly: this session's saved entries, the draft, past words."""
        kind = check.choice("kind", kind, RoundKind, label="round")
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            participant = live(db, Participant, participant_id, "participant")
            mark = db.get(Attendance, attendance_id(session_id, participant_id))
            drafts = round_drafts.load(db, session_id, kind, participant_id)
            return CardState(
                participant_id=participant_id,
                kind=kind,
                check_in=round_commit.committed_check_in(db, session, participant),
                reviews=tuple(round_commit.recorded_reviews(db, session_id, participant_id)),
                goals_set=tuple(round_commit.goals_set_in(db, session, participant)),
                draft=drafts[0] if drafts else None,
                past_words=round_commit.past_words(db, participant_id),
                presence=_presence(mark) if mark is not None and not mark.deleted else None,
            )

    def next_session(self, session_id: uuid.UUID) -> SessionRow | None:
        """The cohort's next session after ``session_id`` that is not cancelled."""
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            cohort = live(db, Cohort, session.cohort_id, "cohort")
            following = db.scalar(
                select(GroupSession)
                .where(
                    GroupSession.cohort_id == session.cohort_id,
                    GroupSession.deleted.is_(False),
                    GroupSession.status != SessionStatus.CANCELLED,
                    GroupSession.scheduled_start > session.scheduled_start,
                )
                .order_by(GroupSession.scheduled_start)
                .limit(1)
            )
            return session_row(following, ZoneInfo(cohort.timezone)) if following else None

    def arrived(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, *, minute: int | None = None
    ) -> PresenceRow:
        with self._context.database.write() as db:
            session, _, _ = self._open(db, session_id, participant_id)
            minute = self._minute(session, minute)
            mark = db.get(Attendance, attendance_id(session_id, participant_id))
            left = mark.left_minute if mark is not None and not mark.deleted else None
            if left is not None and minute > left:
                raise InvalidInput("minute", "They cannot arrive after they left.")
            status = AttendanceStatus.LATE if minute > 0 else AttendanceStatus.PRESENT
            if left is not None:
                status = AttendanceStatus.LEFT_EARLY
            return _presence(self._mark(db, session, participant_id, status, minute or None, left))

    def left_early(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, *, minute: int | None = None
    ) -> PresenceRow:
        with self._context.database.write() as db:
            session, _, _ = self._open(db, session_id, participant_id)
            minute = self._minute(session, minute)
            mark = db.get(Attendance, attendance_id(session_id, participant_id))
            arrived = mark.arrived_minute if mark is not None and not mark.deleted else None
            if arrived is not None and minute < arrived:
                raise InvalidInput("minute", "They cannot leave before they arrived.")
            status = AttendanceStatus.LEFT_EARLY
            return _presence(self._mark(db, session, participant_id, status, arrived, minute))

    def presence(self, session_id: uuid.UUID) -> list[PresenceRow]:
        with self._context.database.read() as db:
            live(db, GroupSession, session_id, "session")
            marks = db.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.deleted.is_(False)
                )
            )
            return [_presence(m) for m in marks]

    def set_peer_leader(
        self, session_id: uuid.UUID, participant_id: uuid.UUID | None
    ) -> SessionRow:
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            cohort = live(db, Cohort, session.cohort_id, "cohort")
            if participant_id is not None:
                live(db, Participant, participant_id, "peer leader")
                require_member(db, participant_id, cohort.id)
            session.peer_leader_id = participant_id
            db.flush()
            return session_row(session, ZoneInfo(cohort.timezone))

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _open(
        db: Session, session_id: uuid.UUID, participant_id: uuid.UUID
    ) -> tuple[GroupSession, Participant, Cohort]:
        """The session, person and cohort, checked; one query on the usual path (every
        keystroke-save comes through here), the detailed checks only to explain a refusal."""
        enrolled = (
            select(Enrollment.id)
            .where(
                Enrollment.participant_id == participant_id,
                Enrollment.cohort_id == GroupSession.cohort_id,
                Enrollment.deleted.is_(False),
            )
            .exists()
        )
        found = db.execute(
            select(GroupSession, Participant, Cohort)
            .join(Cohort, Cohort.id == GroupSession.cohort_id)
            .join(Participant, Participant.id == participant_id)
            .where(
                GroupSession.id == session_id,
                GroupSession.deleted.is_(False),
                GroupSession.status != SessionStatus.CANCELLED,
                Participant.deleted.is_(False),
                Cohort.deleted.is_(False),
                enrolled,
            )
        ).first()
        if found is not None:
            return found[0], found[1], found[2]
        session = live(db, GroupSession, session_id, "session")
        participant = live(db, Participant, participant_id, "participant")
        cohort = live(db, Cohort, session.cohort_id, "cohort")
        if session.status is SessionStatus.CANCELLED:
            raise InvalidInput("session", "This session was cancelled; nothing can be recorded.")
        require_member(db, participant_id, cohort.id)
        return session, participant, cohort

    def _minute(self, session: GroupSession, minute: int | None) -> int:
        """``minute`` checked, or the minutes since the scheduled start by the clock."""
        limit = session.planned_minutes + OVERTIME_ALLOWANCE
        if minute is None:
            elapsed = (self._context.now() - session.scheduled_start) // dt.timedelta(minutes=1)
            return min(max(0, elapsed), limit)
        return check.integer("minute", minute, 0, limit)

    @staticmethod
    def _mark(
        db: Session,
        session: GroupSession,
        participant_id: uuid.UUID,
        status: AttendanceStatus,
        arrived: int | None,
        left: int | None,
    ) -> Attendance:
        mark_id = attendance_id(session.id, participant_id)
        mark = db.get(Attendance, mark_id)
        if mark is None:
            mark = Attendance(id=mark_id, session_id=session.id, participant_id=participant_id)
            db.add(mark)
        end = left if left is not None else session.planned_minutes
        mark.status = status
        mark.arrived_minute = arrived
        mark.left_minute = left
        mark.minutes_attended = max(0, end - (arrived or 0))
        mark.note = mark.note or ""
        mark.deleted = False
        if session.status in (SessionStatus.SCHEDULED, SessionStatus.NOT_RECORDED):
            session.status = SessionStatus.HELD
        db.flush()
        return mark


def commit_check_in(
    db: Session,
    session: GroupSession,
    participant: Participant,
    cohort: Cohort,
    values: dict[str, object],
    report_backs: Sequence[ReportBack],
    now: dt.datetime,
) -> CommittedCheckIn:
    """A check-in card's writes inside the caller's unit of work: the check-in (when something
    was typed, or to update one), the report-backs, presence if unmarked, the draft deleted."""
    session_id, participant_id = session.id, participant.id
    row = None
    typed = any(values[name] not in (None, "") for name in values if name != "share_scope")
    existing = db.get(CheckIn, checkin_id(session_id, participant_id))
    if typed or (existing is not None and not existing.deleted):
        checkin = checkins.write(db, session_id, participant_id, cohort, values, now)
        row = checkins.to_row(checkin, participant.display_name, session.scheduled_start)
    reviews = tuple(
        round_commit.report_back(db, session, participant_id, given, now) for given in report_backs
    )
    mark = db.get(Attendance, attendance_id(session_id, participant_id))
    if mark is None or mark.deleted:
        mark = RoundEntryService._mark(
            db, session, participant_id, AttendanceStatus.PRESENT, None, None
        )
    round_drafts.discard(db, session_id, participant_id, RoundKind.CHECK_IN)
    return CommittedCheckIn(row, reviews, _presence(mark))


def commit_goals(
    db: Session,
    session: GroupSession,
    participant: Participant,
    lines: Sequence[GoalLine],
    now: dt.datetime,
) -> list[GoalRow]:
    """A closing card's goals inside the caller's unit of work, and its draft deleted."""
    kept = []
    for line in lines:
        if line.goal_id is None and not line.text.strip():
            continue
        goal = round_commit.write_goal(db, session, participant, line, now)
        if goal is not None:
            kept.append(round_commit.goal_row(goal, participant, session))
    round_drafts.discard(db, session.id, participant.id, RoundKind.CLOSING)
    return kept


def open_entry(
    db: Session, session_id: uuid.UUID, participant_id: uuid.UUID
) -> tuple[GroupSession, Participant, Cohort]:
    """The session, person and cohort an entry is for, checked (``RoundEntryService._open``)."""
    return RoundEntryService._open(db, session_id, participant_id)
