"""Attendance: marking who came to a session and for how many minutes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

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
            session = live(db, GroupSession, session_id, "session")
            live(db, Participant, participant_id, "participant")
            if session.status is SessionStatus.CANCELLED:
                raise InvalidInput(
                    "status", "This session was cancelled; no attendance can be marked."
                )
            require_member(db, participant_id, session.cohort_id)
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
            mark_id = attendance_id(session_id, participant_id)
            mark = db.get(Attendance, mark_id)
            if mark is None:
                mark = Attendance(id=mark_id, session_id=session_id, participant_id=participant_id)
                db.add(mark)
            mark.status = status
            mark.minutes_attended = minutes
            mark.note = note
            # A mark set by hand replaces the minute-by-minute one of the live session.
            mark.arrived_minute = None
            mark.left_minute = None
            mark.deleted = False
            # Recording anyone's attendance (even an absence) means the session took place.
            if status is not AttendanceStatus.NOT_RECORDED and session.status in (
                SessionStatus.SCHEDULED,
                SessionStatus.NOT_RECORDED,
            ):
                session.status = SessionStatus.HELD
            db.flush()
            return to_row(mark)

    def for_session(self, session_id: uuid.UUID) -> list[AttendanceRow]:
        with self._context.database.read() as db:
            marks = db.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.deleted.is_(False)
                )
            )
            return [to_row(m) for m in marks]
