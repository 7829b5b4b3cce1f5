"""Participants: the people in treatment, known by the least identifying data that works."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.figures.today import cohort_today, unzoned_today
from app.services.lookup import live
from models import Cohort, Enrollment, Participant


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """A participant as the group may see them (no clinician notes)."""

    id: uuid.UUID
    display_name: str
    pronouns: str
    recovery_start: dt.date | None


@dataclass(frozen=True, slots=True)
class ParticipantDraft:
    display_name: str
    pronouns: str = ""
    recovery_start: dt.date | None = None


def validated(draft: ParticipantDraft, today: dt.date) -> dict[str, object]:
    """The draft's values checked, as ``Participant``'s columns (no clinician notes);
    ``today`` is the local today of their cohort (``person_today``)."""
    check.not_in_future("recovery_start", draft.recovery_start, today, label="recovery start date")
    return {
        "display_name": check.text(
            "display_name", draft.display_name, max_length=80, required=True, label="name"
        ),
        "pronouns": check.text("pronouns", draft.pronouns, max_length=40),
        "recovery_start": draft.recovery_start,
    }


def person_today(db: Session, participant_id: uuid.UUID | None, now: dt.datetime) -> dt.date:
    """Today for someone: in the zone of their current stay's cohort (else their latest);
    in UTC for someone enrolled nowhere yet."""
    if participant_id is not None:
        zones = db.execute(
            select(Cohort.timezone, Enrollment.status)
            .join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(Enrollment.participant_id == participant_id, Enrollment.deleted.is_(False))
            .order_by(Enrollment.start_date)
        ).all()
        current = [zone for zone, status in zones if status.is_open] or [z for z, _ in zones]
        if current:
            return cohort_today(current[-1], now)
    return unzoned_today(now)


def to_row(participant: Participant) -> ParticipantRow:
    return ParticipantRow(
        participant.id, participant.display_name, participant.pronouns, participant.recovery_start
    )


class ParticipantService:
    """Creates and edits participants; clinician notes are read and written separately."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, draft: ParticipantDraft) -> ParticipantRow:
        """Someone enrolled nowhere yet (``EnrollmentService.enroll_new`` enrolls them too)."""
        values = validated(draft, unzoned_today(self._context.now()))
        with self._context.database.write() as db:
            participant = Participant(clinician_notes="", **values)
            db.add(participant)
            db.flush()
            return to_row(participant)

    def update(self, participant_id: uuid.UUID, draft: ParticipantDraft) -> ParticipantRow:
        with self._context.database.write() as db:
            participant = live(db, Participant, participant_id, "participant")
            values = validated(draft, person_today(db, participant_id, self._context.now()))
            for name, value in values.items():
                setattr(participant, name, value)
            db.flush()
            return to_row(participant)

    def get(self, participant_id: uuid.UUID) -> ParticipantRow:
        with self._context.database.read() as db:
            return to_row(live(db, Participant, participant_id, "participant"))

    def search(self, text: str, limit: int = 50) -> list[ParticipantRow]:
        pattern = f"%{check.text('text', text, max_length=80)}%"
        with self._context.database.read() as db:
            found = db.scalars(
                select(Participant)
                .where(Participant.display_name.ilike(pattern), Participant.deleted.is_(False))
                .order_by(Participant.display_name)
                .limit(limit)
            )
            return [to_row(p) for p in found]

    def clinician_notes(self, participant_id: uuid.UUID) -> str:
        """Notes for clinicians only: never show them where the group can see."""
        with self._context.database.read() as db:
            return live(db, Participant, participant_id, "participant").clinician_notes

    def set_clinician_notes(self, participant_id: uuid.UUID, notes: str) -> None:
        cleaned = check.text("clinician_notes", notes, max_length=20_000, label="clinician notes")
        with self._context.database.write() as db:
            live(db, Participant, participant_id, "participant").clinician_notes = cleaned
