"""Values: what matters to each participant, from the standard list or in their own words, ranked.

``ValueService`` (GUI and CLI use these; each call is one unit of work):
- ``for_participant(participant_id) -> list[ValueRow]``: live values, rank 1 first.
- ``add(participant_id, text) -> ValueRow``: appended at the bottom of the ranking; the text
  is matched against ``STANDARD_VALUES`` (case-insensitively) to record where it came from.
- ``rank(participant_id, ordered_ids) -> list[ValueRow]``: the new order, rank 1 first.
- ``remove(value_id) -> list[ValueRow]``: tombstones it and renumbers the rest.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.lookup import live
from models import Participant, Value, ValueSource

MAX_VALUES = 10

# A short list a facilitator can offer; participants may always use their own words.
STANDARD_VALUES = (
    "honesty",
    "courage",
    "kindness",
    "family",
    "health",
    "responsibility",
    "respect",
    "faith",
    "growth",
    "connection",
    "independence",
    "creativity",
    "community",
    "humor",
    "patience",
    "gratitude",
    "loyalty",
    "learning",
    "service",
    "self-care",
)


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One of a participant's values. Group-safe: the participant shares values with the group."""

    id: uuid.UUID
    participant_id: uuid.UUID
    text: str
    source: ValueSource
    rank: int
    created_at: dt.datetime


def to_row(value: Value) -> ValueRow:
    return ValueRow(
        value.id, value.participant_id, value.text, value.source, value.rank, value.created_at
    )


def source_of(text: str) -> tuple[str, ValueSource]:
    """The stored text (standard values in lower case) and where it came from."""
    lowered = text.lower()
    if lowered in STANDARD_VALUES:
        return lowered, ValueSource.LIST
    return text, ValueSource.OWN_WORDS


class ValueService:
    """A participant's ranked values; removing one keeps it as a tombstone."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def for_participant(self, participant_id: uuid.UUID) -> list[ValueRow]:
        with self._context.database.read() as db:
            live(db, Participant, participant_id, "participant")
            return [to_row(v) for v in _live_values(db, participant_id)]

    def add(self, participant_id: uuid.UUID, text: str) -> ValueRow:
        cleaned = check.text("text", text, max_length=60, required=True, label="value")
        stored, source = source_of(cleaned)
        with self._context.database.write() as db:
            live(db, Participant, participant_id, "participant")
            current = _live_values(db, participant_id)
            if any(v.text.lower() == stored.lower() for v in current):
                raise InvalidInput("text", f"{stored!r} is already one of their values.")
            if len(current) >= MAX_VALUES:
                raise InvalidInput("text", f"Keep to {MAX_VALUES} values; remove one first.")
            value = Value(
                participant_id=participant_id,
                text=stored,
                source=source,
                rank=len(current) + 1,
                created_at=self._context.now(),
            )
            db.add(value)
            db.flush()
            return to_row(value)

    def rank(self, participant_id: uuid.UUID, ordered_ids: Sequence[uuid.UUID]) -> list[ValueRow]:
        """Rank the participant's values in ``ordered_ids`` order (every live value, once)."""
        with self._context.database.write() as db:
            live(db, Participant, participant_id, "participant")
            current = {v.id: v for v in _live_values(db, participant_id)}
            if len(ordered_ids) != len(set(ordered_ids)) or set(ordered_ids) != set(current):
                raise InvalidInput("order", "Rank every one of their values exactly once.")
            for position, value_id in enumerate(ordered_ids, start=1):
                current[value_id].rank = position
            db.flush()
            return [to_row(current[v]) for v in ordered_ids]

    def remove(self, value_id: uuid.UUID) -> list[ValueRow]:
        """Tombstone one value and renumber the others; returns what remains."""
        with self._context.database.write() as db:
            value = live(db, Value, value_id, "value")
            value.deleted = True
            db.flush()
            remaining = _live_values(db, value.participant_id)
            for position, other in enumerate(remaining, start=1):
                other.rank = position
            db.flush()
            return [to_row(v) for v in remaining]


def _live_values(db: Session, participant_id: uuid.UUID) -> list[Value]:
    # created_at breaks ties that a merge of two devices' rankings may leave behind.
    return list(
        db.scalars(
            select(Value)
            .where(Value.participant_id == participant_id, Value.deleted.is_(False))
            .order_by(Value.rank, Value.created_at)
        )
    )
