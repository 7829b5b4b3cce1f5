"""Participants: the people in treatment, known by the least identifying data that works."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.lookup import live
from models import Participant


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


def to_row(participant: Participant) -> ParticipantRow:
    return ParticipantRow(
        participant.id, participant.display_name, participant.pronouns, participant.recovery_start
    )


class ParticipantService:
    """Creates and edits participants; clinician notes are read and written separately."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def _validated(self, draft: ParticipantDraft) -> dict[str, object]:
        check.not_in_future(
            "recovery_start",
            draft.recovery_start,
            self._context.today(),
            label="recovery start date",
        )
        return {
            "display_name": check.text(
                "display_name", draft.display_name, max_length=80, required=True, label="name"
            ),
            "pronouns": check.text("pronouns", draft.pronouns, max_length=40),
            "recovery_start": draft.recovery_start,
        }

    def create(self, draft: ParticipantDraft) -> ParticipantRow:
        values = self._validated(draft)
        with self._context.database.write() as db:
            participant = Participant(clinician_notes="", **values)
            db.add(participant)
            db.flush()
            return to_row(participant)

    def update(self, participant_id: uuid.UUID, draft: ParticipantDraft) -> ParticipantRow:
        values = self._validated(draft)
        with self._context.database.write() as db:
            participant = live(db, Participant, participant_id, "participant")
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
