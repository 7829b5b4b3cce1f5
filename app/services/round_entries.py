"""What is typed during a live session: check-ins, closing goals, arrivals, the next peer leader.

``RoundEntryService`` (each call is one short write, safe to repeat as the text grows):
- ``save_check_in(session_id, participant_id, draft) -> EntryRow``: creates or edits the
  person's one check-in for the session, and marks them present if nobody marked them yet.
- ``save_goal(session_id, participant_id, text, domain, *, goal_id=None) -> GoalRow``: the
  closing round's goal for the coming week; pass the returned id back to edit it as typed.
- ``arrived(session_id, participant_id, *, minute=None) -> PresenceRow``: late, arriving at
  ``minute`` after the scheduled start (by default: now).
- ``left_early(session_id, participant_id, *, minute=None) -> PresenceRow``.
- ``presence(session_id) -> list[PresenceRow]``.
- ``set_peer_leader(session_id, participant_id | None) -> SessionRow``.
Goal report-backs use ``GoalService.review`` / ``carry_forward`` (the goal ids are on the cards).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import checkins
from app.services import validation as check
from app.services.attendance import OVERTIME_ALLOWANCE
from app.services.checkins import CheckInDraft, CheckInRow
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput
from app.services.goals import GoalRow, value_domain
from app.services.ids import attendance_id
from app.services.lookup import live
from app.services.sessions import SessionRow
from app.services.sessions import to_row as session_row
from models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrollment,
    Goal,
    GoalStatus,
    GroupSession,
    Participant,
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
        text = check.text("text", text, max_length=500, required=True, label="goal")
        domain = value_domain(domain)
        with self._context.database.write() as db:
            session, participant, _ = self._open(db, session_id, participant_id)
            if goal_id is None:
                goal = Goal(
                    participant_id=participant_id,
                    set_in_session_id=session_id,
                    status=GoalStatus.OPEN,
                    created_at=self._context.now(),
                )
                db.add(goal)
            else:
                goal = live(db, Goal, goal_id, "goal")
                if (
                    goal.participant_id != participant_id
                    or goal.set_in_session_id != session_id
                    or goal.status is not GoalStatus.OPEN
                ):
                    raise InvalidInput(
                        "goal", "Only an open goal set in this session can be edited here."
                    )
            goal.text = text
            goal.value_domain = domain
            db.flush()
            return GoalRow(
                goal.id,
                participant_id,
                participant.display_name,
                session_id,
                session.scheduled_start,
                goal.text,
                goal.value_domain,
                goal.status,
                goal.carried_from_id,
                "",
            )

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
