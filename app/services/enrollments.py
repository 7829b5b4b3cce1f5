"""Enrollments: joining a cohort, the waitlist, transfers, graduating and discharging."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import participants
from app.services import validation as check
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today, local_day_start
from app.services.lookup import live
from app.services.participants import ParticipantDraft
from models import (
    Attendance,
    CheckIn,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GroupSession,
    Participant,
)


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    cohort_id: uuid.UUID
    start_date: dt.date
    end_date: dt.date | None
    status: EnrollmentStatus
    reason: str


@dataclass(frozen=True, slots=True)
class EnrollResult:
    """The new enrollment, and a warning to show when it takes the cohort past capacity."""

    enrollment: EnrollmentRow
    capacity_warning: str | None


@dataclass(frozen=True, slots=True)
class TransferResult:
    """A transfer: the stay that ended here (``TRANSFERRED``) and the one begun there."""

    ended: EnrollmentRow
    enrollment: EnrollmentRow  # the new stay
    capacity_warning: str | None


ENDING_STATUSES = (
    EnrollmentStatus.GRADUATED,
    EnrollmentStatus.DISCHARGED,
    EnrollmentStatus.WITHDREW,
)


def to_row(enrollment: Enrollment, name: str) -> EnrollmentRow:
    return EnrollmentRow(
        enrollment.id,
        enrollment.participant_id,
        name,
        enrollment.cohort_id,
        enrollment.start_date,
        enrollment.end_date,
        enrollment.status,
        enrollment.reason,
    )


class EnrollmentService:
    """Who is in which cohort, and how each stay ended. Nothing is deleted outright."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def enroll(
        self,
        participant_id: uuid.UUID,
        cohort_id: uuid.UUID,
        *,
        start_date: dt.date | None = None,
        waitlist: bool = False,
    ) -> EnrollResult:
        with self._context.database.write() as db:
            participant = live(db, Participant, participant_id, "participant")
            return self._enroll(db, participant, cohort_id, start_date, waitlist)

    def enroll_new(
        self,
        draft: ParticipantDraft,
        cohort_id: uuid.UUID,
        *,
        start_date: dt.date | None = None,
        waitlist: bool = False,
    ) -> EnrollResult:
        """Create a participant and enroll them, in one unit of work: when the enrollment is
        refused, nobody is created (never a person on no roster)."""
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            participant = Participant(
                clinician_notes="", **participants.validated(draft, self._today(cohort))
            )
            db.add(participant)
            db.flush()
            return self._enroll(db, participant, cohort_id, start_date, waitlist)

    def _enroll(
        self,
        db: Session,
        participant: Participant,
        cohort_id: uuid.UUID,
        start_date: dt.date | None,
        waitlist: bool,
    ) -> EnrollResult:
        cohort = live(db, Cohort, cohort_id, "cohort")
        start = start_date or self._today(cohort)
        if cohort.status is not CohortStatus.ACTIVE:
            raise InvalidInput(
                "cohort", f"{cohort.name} is {cohort.status.value}; it takes no one new."
            )
        if _open_enrollment(db, participant.id, cohort_id) is not None:
            raise InvalidInput("cohort", f"{participant.display_name} is already in {cohort.name}.")
        status = EnrollmentStatus.WAITLIST if waitlist else EnrollmentStatus.ACTIVE
        enrollment = Enrollment(
            participant_id=participant.id,
            cohort_id=cohort_id,
            start_date=start,
            status=status,
            reason="",
        )
        db.add(enrollment)
        db.flush()
        warning = capacity_warning(db, cohort) if status is EnrollmentStatus.ACTIVE else None
        return EnrollResult(to_row(enrollment, participant.display_name), warning)

    def _today(self, cohort: Cohort) -> dt.date:
        """Today in ``cohort``'s time zone: the default day of every change to a stay."""
        return cohort_today(cohort.timezone, self._context.now())

    def _cohort_today(self, db: Session, enrollment: Enrollment) -> dt.date:
        return self._today(live(db, Cohort, enrollment.cohort_id, "cohort"))

    def activate(self, enrollment_id: uuid.UUID, *, on: dt.date | None = None) -> EnrollmentRow:
        """Move someone from the waitlist into the group."""
        with self._context.database.write() as db:
            enrollment = live(db, Enrollment, enrollment_id, "enrollment")
            if enrollment.status is not EnrollmentStatus.WAITLIST:
                raise InvalidInput(
                    "status", "Only someone on the waitlist can be moved into the group."
                )
            enrollment.status = EnrollmentStatus.ACTIVE
            enrollment.start_date = on or self._cohort_today(db, enrollment)
            return self._row(db, enrollment)

    def waitlist(self, enrollment_id: uuid.UUID, *, on: dt.date | None = None) -> EnrollmentRow:
        """Move an active member back to the waitlist (``on``: the date they wait from)."""
        with self._context.database.write() as db:
            enrollment = live(db, Enrollment, enrollment_id, "enrollment")
            if enrollment.status is not EnrollmentStatus.ACTIVE:
                raise InvalidInput("status", "Only an active member can go on the waitlist.")
            enrollment.status = EnrollmentStatus.WAITLIST
            enrollment.start_date = on or self._cohort_today(db, enrollment)
            return self._row(db, enrollment)

    def reopen(
        self, enrollment_id: uuid.UUID, status: EnrollmentStatus = EnrollmentStatus.ACTIVE
    ) -> EnrollmentRow:
        """Undo the end of a stay: back to ``status`` (active or waitlist), no end date, no reason.

        The audit trail keeps both changes; nothing is removed.
        """
        status = check.choice("status", status, EnrollmentStatus)
        if not status.is_open:
            raise InvalidInput("status", "A stay is reopened as active or on the waitlist.")
        with self._context.database.write() as db:
            enrollment = live(db, Enrollment, enrollment_id, "enrollment")
            if enrollment.status.is_open:
                raise InvalidInput("status", "This stay has not ended.")
            if enrollment.status is EnrollmentStatus.TRANSFERRED:
                raise InvalidInput(
                    "status", "This stay ended with a transfer; take the transfer back instead."
                )
            if _open_enrollment(db, enrollment.participant_id, enrollment.cohort_id) is not None:
                raise InvalidInput("cohort", "They already have a current stay in this cohort.")
            enrollment.status = status
            enrollment.end_date = None
            enrollment.reason = ""
            return self._row(db, enrollment)

    def end(
        self,
        enrollment_id: uuid.UUID,
        status: EnrollmentStatus,
        *,
        reason: str = "",
        on: dt.date | None = None,
    ) -> EnrollmentRow:
        """Graduate, discharge (a reason is required) or record a withdrawal."""
        status = check.choice("status", status, EnrollmentStatus)
        if status not in ENDING_STATUSES:
            raise InvalidInput("status", "A stay ends by graduating, a discharge or a withdrawal.")
        reason = check.text("reason", reason, max_length=1000)
        if status is EnrollmentStatus.DISCHARGED and not reason:
            raise InvalidInput("reason", "A discharge needs a reason.")
        with self._context.database.write() as db:
            enrollment = live(db, Enrollment, enrollment_id, "enrollment")
            end_date = on or self._cohort_today(db, enrollment)
            if not enrollment.status.is_open:
                raise InvalidInput(
                    "status", f"This stay already ended ({enrollment.status.value})."
                )
            check.date_order("end_date", enrollment.start_date, end_date)
            enrollment.status = status
            enrollment.end_date = end_date
            enrollment.reason = reason
            return self._row(db, enrollment)

    def transfer(
        self, enrollment_id: uuid.UUID, to_cohort_id: uuid.UUID, *, on: dt.date | None = None
    ) -> TransferResult:
        """Move someone to another cohort on ``on`` (default: today in the cohort they leave),
        in one unit of work: the stay here ends as ``TRANSFERRED`` and one begins there (on
        its waitlist if they were waiting here). ``undo_transfer`` takes it back."""
        with self._context.database.write() as db:
            enrollment = live(db, Enrollment, enrollment_id, "enrollment")
            source = live(db, Cohort, enrollment.cohort_id, "cohort")
            target = live(db, Cohort, to_cohort_id, "cohort")
            day = on or self._today(source)
            if not enrollment.status.is_open:
                raise InvalidInput("status", "Only a current member can be moved.")
            if to_cohort_id == enrollment.cohort_id:
                raise InvalidInput("cohort", "They are already in that cohort.")
            if target.status is not CohortStatus.ACTIVE:
                raise InvalidInput(
                    "cohort", f"{target.name} is {target.status.value}; it takes no one new."
                )
            if _open_enrollment(db, enrollment.participant_id, to_cohort_id) is not None:
                raise InvalidInput("cohort", f"They are already in {target.name}.")
            check.date_order("end_date", enrollment.start_date, day, label="move date")
            was_waiting = enrollment.status is EnrollmentStatus.WAITLIST
            enrollment.status = EnrollmentStatus.TRANSFERRED
            enrollment.end_date = day
            enrollment.reason = f"Transferred to {target.name}."[:1000]
            moved = Enrollment(
                participant_id=enrollment.participant_id,
                cohort_id=to_cohort_id,
                start_date=day,
                status=EnrollmentStatus.WAITLIST if was_waiting else EnrollmentStatus.ACTIVE,
                reason="",
                note=f"transferred from {source.name}"[:200],
            )
            db.add(moved)
            db.flush()
            warning = capacity_warning(db, target) if not was_waiting else None
            return TransferResult(self._row(db, enrollment), self._row(db, moved), warning)

    def undo_transfer(self, ended_id: uuid.UUID, started_id: uuid.UUID) -> EnrollmentRow:
        """Take back ``transfer``: the stay there is withdrawn (tombstoned, audited) and the
        stay here reopens as it was, in one unit of work. Refused once anything was recorded
        for them in the other cohort since, or when either stay changed meanwhile."""
        with self._context.database.write() as db:
            ended = live(db, Enrollment, ended_id, "enrollment")
            started = live(db, Enrollment, started_id, "enrollment")
            if (
                ended.status is not EnrollmentStatus.TRANSFERRED
                or not started.status.is_open
                or started.participant_id != ended.participant_id
                or started.start_date != ended.end_date
            ):
                raise InvalidInput(
                    "status", "These two stays are no longer the transfer; nothing was changed."
                )
            target = live(db, Cohort, started.cohort_id, "cohort")
            if _recorded_since(db, started, target):
                raise InvalidInput(
                    "status",
                    f"Attendance, check-ins or goals are recorded for them in {target.name} "
                    "since the transfer; end that stay instead.",
                )
            if _open_enrollment(db, ended.participant_id, ended.cohort_id) is not None:
                raise InvalidInput("cohort", "They already have a current stay in this cohort.")
            started.deleted = True
            ended.status = started.status
            ended.end_date = None
            ended.reason = ""
            return self._row(db, ended)

    def for_cohort(
        self, cohort_id: uuid.UUID, *, include_ended: bool = False
    ) -> list[EnrollmentRow]:
        with self._context.database.read() as db:
            query = (
                select(Enrollment, Participant.display_name)
                .join(Participant, Participant.id == Enrollment.participant_id)
                .where(Enrollment.cohort_id == cohort_id, Enrollment.deleted.is_(False))
                .order_by(Participant.display_name)
            )
            if not include_ended:
                query = query.where(
                    Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST])
                )
            return [to_row(e, name) for e, name in db.execute(query)]

    def for_participant(self, participant_id: uuid.UUID) -> list[EnrollmentRow]:
        with self._context.database.read() as db:
            name = live(db, Participant, participant_id, "participant").display_name
            rows = db.scalars(
                select(Enrollment)
                .where(Enrollment.participant_id == participant_id, Enrollment.deleted.is_(False))
                .order_by(Enrollment.start_date)
            )
            return [to_row(e, name) for e in rows]

    @staticmethod
    def _row(db: Session, enrollment: Enrollment) -> EnrollmentRow:
        name = live(db, Participant, enrollment.participant_id, "participant").display_name
        db.flush()
        return to_row(enrollment, name)


def _open_enrollment(
    db: Session, participant_id: uuid.UUID, cohort_id: uuid.UUID
) -> Enrollment | None:
    return db.scalars(
        select(Enrollment).where(
            Enrollment.participant_id == participant_id,
            Enrollment.cohort_id == cohort_id,
            Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST]),
            Enrollment.deleted.is_(False),
        )
    ).first()


def _recorded_since(db: Session, stay: Enrollment, cohort: Cohort) -> bool:
    """Whether anything was recorded for the stay's person in its cohort from its start."""
    since = local_day_start(stay.start_date, cohort.timezone)
    sessions = select(GroupSession.id).where(
        GroupSession.cohort_id == cohort.id, GroupSession.scheduled_start >= since
    )
    for entity, column in (
        (Attendance, Attendance.session_id),
        (CheckIn, CheckIn.session_id),
        (Goal, Goal.set_in_session_id),
    ):
        found = db.scalar(
            select(entity.id)
            .where(
                entity.participant_id == stay.participant_id,
                entity.deleted.is_(False),
                column.in_(sessions),
            )
            .limit(1)
        )
        if found is not None:
            return True
    return False


def active_count(db: Session, cohort_id: uuid.UUID) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.deleted.is_(False),
            )
        )
        or 0
    )


def require_member(db: Session, participant_id: uuid.UUID, cohort_id: uuid.UUID) -> None:
    """Refuse a record about someone who never belonged to the cohort."""
    enrolled = db.scalar(
        select(Enrollment.id).where(
            Enrollment.participant_id == participant_id,
            Enrollment.cohort_id == cohort_id,
            Enrollment.deleted.is_(False),
        )
    )
    if enrolled is None:
        raise InvalidInput("participant", "This person is not enrolled in the session's cohort.")


def capacity_warning(db: Session, cohort: Cohort) -> str | None:
    """A sentence when the cohort has more active members than its capacity."""
    active = active_count(db, cohort.id)
    if active <= cohort.capacity:
        return None
    return f"{cohort.name} now has {active} active members, over its capacity of {cohort.capacity}."
