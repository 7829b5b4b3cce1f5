"""Attendance: marking who came to a session and for how many minutes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput
from app.services.ids import attendance_id
from app.services.lookup import live
from models import Attendance, AttendanceStatus, GroupSession, Participant, SessionStatus

LATE_DEFAULT_MINUTES_MISSED = 15
LEFT_EARLY_DEFAULT_MINUTES_MISSED = 30
OVERTIME_ALLOWANCE = 60


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    id: uuid.UUID
    session_id: uuid.UUID
    participant_id: uuid.UUID
    status: AttendanceStatus
    minutes_attended: int
    note: str


def default_minutes(status: AttendanceStatus, planned_minutes: int) -> int:
    """Minutes attended when the facilitator gives only a status."""
    match status:
        case AttendanceStatus.PRESENT:
            return planned_minutes
        case AttendanceStatus.LATE:
            return max(0, planned_minutes - LATE_DEFAULT_MINUTES_MISSED)
        case AttendanceStatus.LEFT_EARLY:
            return max(0, planned_minutes - LEFT_EARLY_DEFAULT_MINUTES_MISSED)
        case _:
            return 0


def to_row(mark: Attendance) -> AttendanceRow:
    return AttendanceRow(
        mark.id, mark.session_id, mark.participant_id, mark.status, mark.minutes_attended, mark.note
    )


class AttendanceService:
    """One mark per (session, participant); marking again changes the same mark."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def mark(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        status: AttendanceStatus,
        *,
        minutes: int | None = None,
        note: str = "",
    ) -> AttendanceRow:
        status = check.choice("status", status, AttendanceStatus)
        note = check.text("note", note, max_length=500)
        with self._context.database.write() as db:
            session = self._markable(db, session_id, participant_id)
            return to_row(self._put(db, session, participant_id, status, minutes, note))

    def clear(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> None:
        """Take a mark back: its row becomes a tombstone (nothing is physically deleted)."""
        with self._context.database.write() as db:
            mark = db.get(Attendance, attendance_id(session_id, participant_id))
            if mark is not None and not mark.deleted:
                mark.deleted = True

    def restore(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        previous: AttendanceRow | None,
        *,
        session_status: SessionStatus,
    ) -> AttendanceRow | None:
        """Put back exactly ``previous`` (None: no mark) and the session's status (undo).

        One unit of work: the mark's status, minutes and note as they were, or a tombstone
        when there was no mark, and the session's status as it was before the change that is
        being undone (a first mark makes a scheduled session "held").
        """
        session_status = check.choice("session_status", session_status, SessionStatus)
        with self._context.database.write() as db:
            if previous is None:
                session = live(db, GroupSession, session_id, "session")
                mark = db.get(Attendance, attendance_id(session_id, participant_id))
                if mark is not None and not mark.deleted:
                    mark.deleted = True
                restored = None
            else:
                if (previous.session_id, previous.participant_id) != (session_id, participant_id):
                    raise InvalidInput(
                        "previous", "That mark belongs to another session or person."
                    )
                session = self._markable(db, session_id, participant_id)
                note = check.text("note", previous.note, max_length=500)
                mark = self._put(
                    db, session, participant_id, previous.status, previous.minutes_attended, note
                )
                restored = to_row(mark)
            session.status = session_status
            db.flush()
            return restored

    @staticmethod
    def _markable(db: Session, session_id: uuid.UUID, participant_id: uuid.UUID) -> GroupSession:
        session = live(db, GroupSession, session_id, "session")
        live(db, Participant, participant_id, "participant")
        if session.status is SessionStatus.CANCELLED:
            raise InvalidInput("status", "This session was cancelled; no attendance can be marked.")
        require_member(db, participant_id, session.cohort_id)
        return session

    @staticmethod
    def _put(
        db: Session,
        session: GroupSession,
        participant_id: uuid.UUID,
        status: AttendanceStatus,
        minutes: int | None,
        note: str,
    ) -> Attendance:
        if minutes is None:
            minutes = default_minutes(status, session.planned_minutes)
        elif status.attended:
            check.integer(
                "minutes",
                minutes,
                0,
                session.planned_minutes + OVERTIME_ALLOWANCE,
                label="minutes attended",
            )
        elif minutes != 0:
            raise InvalidInput("minutes", "Someone who was absent attended 0 minutes.")
        mark_id = attendance_id(session.id, participant_id)
        mark = db.get(Attendance, mark_id)
        if mark is None:
            mark = Attendance(id=mark_id, session_id=session.id, participant_id=participant_id)
            db.add(mark)
        mark.status = status
        mark.minutes_attended = minutes
        mark.note = note
        mark.deleted = False
        # Recording anyone's attendance (even an absence) means the session took place.
        if status is not AttendanceStatus.NOT_RECORDED and session.status in (
            SessionStatus.SCHEDULED,
            SessionStatus.NOT_RECORDED,
        ):
            session.status = SessionStatus.HELD
        db.flush()
        return mark

    def for_session(self, session_id: uuid.UUID) -> list[AttendanceRow]:
        with self._context.database.read() as db:
            marks = db.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.deleted.is_(False)
                )
            )
            return [to_row(m) for m in marks]
