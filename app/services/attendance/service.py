"""Attendance: marking who came to a session and for how many minutes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today
from app.services.ids import attendance_id
from app.services.lookup import live
from app.services.sessions import SessionRow
from app.services.sessions import to_row as session_row
from models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    GroupSession,
    Participant,
    SessionStatus,
)

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
    # Minutes from the start at which they came or went, when a live round recorded them.
    arrived_minute: int | None = None
    left_minute: int | None = None


@dataclass(frozen=True, slots=True)
class GridMember:
    """Someone enrolled in the cohort at some time within the grid's days."""

    participant_id: uuid.UUID
    display_name: str
    stays: tuple[tuple[dt.date, dt.date | None], ...]  # (start, end or None), oldest first

    def enrolled_on(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.stays)


@dataclass(frozen=True, slots=True)
class AttendanceGrid:
    """A cohort's sessions from ``first_day`` to ``last_day`` (its own zone), members, marks."""

    cohort_id: uuid.UUID
    first_day: dt.date
    last_day: dt.date
    today: dt.date
    sessions: list[SessionRow]
    members: list[GridMember]  # by name
    marks: dict[tuple[uuid.UUID, uuid.UUID], AttendanceRow]  # (session, participant)
    total_sessions: int  # the cohort's live sessions at any time, for the empty state


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
        mark.id,
        mark.session_id,
        mark.participant_id,
        mark.status,
        mark.minutes_attended,
        mark.note,
        mark.arrived_minute,
        mark.left_minute,
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

        One unit of work: the mark's status, minutes, note and live-round minutes as they
        were, or a tombstone when there was no mark, and the session's status as it was
        before the change that is being undone (a first mark makes a scheduled session "held").
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
                mark.arrived_minute = previous.arrived_minute
                mark.left_minute = previous.left_minute
                db.flush()
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
        return mark

    def grid(
        self, cohort_id: uuid.UUID, *, weeks: int = 2, ending: dt.date | None = None
    ) -> AttendanceGrid:
        """``weeks`` ISO weeks of sessions ending with the week of ``ending``.

        By default the window ends with this week in the cohort's zone, or with the week
        of its last session when that came earlier (a finished cohort shows its last weeks).
        """
        check.integer("weeks", weeks, 1, 26)
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            today = cohort_today(zone, self._context.now())
            live_sessions = (GroupSession.cohort_id == cohort_id, GroupSession.deleted.is_(False))
            total = db.scalar(select(func.count()).where(*live_sessions)) or 0
            if ending is None:
                latest = db.scalar(
                    select(func.max(GroupSession.scheduled_start)).where(*live_sessions)
                )
                ending = min(today, latest.astimezone(zone).date()) if latest else today
            last = ending + dt.timedelta(days=6 - ending.weekday())
            first = last - dt.timedelta(days=7 * weeks - 1)
            start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
            end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            sessions = [
                session_row(s, zone)
                for s in db.scalars(
                    select(GroupSession)
                    .where(
                        *live_sessions,
                        GroupSession.scheduled_start >= start.astimezone(dt.UTC),
                        GroupSession.scheduled_start < end.astimezone(dt.UTC),
                    )
                    .order_by(GroupSession.scheduled_start)
                )
            ]
            stays: dict[uuid.UUID, tuple[str, list[tuple[dt.date, dt.date | None]]]] = {}
            for participant_id, name, begun, ended in db.execute(
                select(
                    Enrollment.participant_id,
                    Participant.display_name,
                    Enrollment.start_date,
                    Enrollment.end_date,
                )
                .join(Participant, Participant.id == Enrollment.participant_id)
                .where(
                    Enrollment.cohort_id == cohort_id,
                    Enrollment.deleted.is_(False),
                    Enrollment.status != EnrollmentStatus.WAITLIST,
                    Enrollment.start_date <= last,
                    (Enrollment.end_date.is_(None)) | (Enrollment.end_date >= first),
                )
                .order_by(Participant.display_name, Enrollment.start_date)
            ):
                stays.setdefault(participant_id, (name, []))[1].append((begun, ended))
            marks = {}
            if sessions:
                for mark in db.scalars(
                    select(Attendance).where(
                        Attendance.session_id.in_([s.id for s in sessions]),
                        Attendance.deleted.is_(False),
                    )
                ):
                    marks[mark.session_id, mark.participant_id] = to_row(mark)
            members = [GridMember(pid, name, tuple(spans)) for pid, (name, spans) in stays.items()]
            return AttendanceGrid(cohort_id, first, last, today, sessions, members, marks, total)

    def for_session(self, session_id: uuid.UUID) -> list[AttendanceRow]:
        with self._context.database.read() as db:
            marks = db.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.deleted.is_(False)
                )
            )
            return [to_row(m) for m in marks]
