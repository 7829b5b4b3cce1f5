"""Drafts of the live cards: typed text kept locally between pauses, never synced.

A draft is the whole typed state of one card (one person, one round kind) as text fields,
exactly as the widgets hold them, so a resumed round puts every character back. Saving one
is a single upsert through Core statements: no ORM flush, so no clock stamp, no field
history and no audit event (``RoundDraft`` is not a synced row). ``RoundEntryService``
exposes these as ``save_draft``, ``drafts_for`` and ``discard_draft``; its ``commit`` calls
delete the draft in the same unit of work that writes the synced rows.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.services.errors import InvalidInput
from models import RoundDraft, RoundKind

MAX_FIELDS = 200
MAX_KEY = 80
MAX_VALUE = 4000


@dataclass(frozen=True, slots=True)
class DraftRow:
    """One card's typed state; ``fields`` as (name, text) pairs in the order they were given."""

    session_id: uuid.UUID
    participant_id: uuid.UUID
    kind: RoundKind
    fields: tuple[tuple[str, str], ...]
    saved_at: dt.datetime

    def as_dict(self) -> dict[str, str]:
        return dict(self.fields)


def encoded(fields: Mapping[str, str]) -> str:
    """``fields`` checked (text keys and values, bounded) and encoded as JSON."""
    if len(fields) > MAX_FIELDS:
        raise InvalidInput("draft", f"A draft holds at most {MAX_FIELDS} fields.")
    for key, value in fields.items():
        if not isinstance(key, str) or not key or len(key) > MAX_KEY:
            raise InvalidInput("draft", "A draft's field names are short text.")
        if not isinstance(value, str):
            raise InvalidInput(key, "A draft holds text only.")
        if len(value) > MAX_VALUE:
            raise InvalidInput(key, f"This field can be at most {MAX_VALUE} characters.")
        if "\x00" in value:
            raise InvalidInput(key, "This field contains a character that cannot be stored.")
    return json.dumps(dict(fields), ensure_ascii=False, separators=(",", ":"))


def save(
    db: Session,
    session_id: uuid.UUID,
    participant_id: uuid.UUID,
    kind: RoundKind,
    payload: str,
    at: dt.datetime,
) -> None:
    """Replace the card's draft with ``payload`` (from ``encoded``)."""
    key = (
        RoundDraft.session_id == session_id,
        RoundDraft.participant_id == participant_id,
        RoundDraft.kind == kind.value,
    )
    changed = db.execute(update(RoundDraft).where(*key).values(fields=payload, saved_at=at))
    if not changed.rowcount:  # type: ignore[attr-defined]
        db.execute(
            insert(RoundDraft).values(
                session_id=session_id,
                participant_id=participant_id,
                kind=kind.value,
                fields=payload,
                saved_at=at,
            )
        )


def discard(db: Session, session_id: uuid.UUID, participant_id: uuid.UUID, kind: RoundKind) -> None:
    db.execute(
        delete(RoundDraft).where(
            RoundDraft.session_id == session_id,
            RoundDraft.participant_id == participant_id,
            RoundDraft.kind == kind.value,
        )
    )


def load(
    db: Session,
    session_id: uuid.UUID,
    kind: RoundKind,
    participant_id: uuid.UUID | None = None,
) -> list[DraftRow]:
    query = select(RoundDraft).where(
        RoundDraft.session_id == session_id, RoundDraft.kind == kind.value
    )
    if participant_id is not None:
        query = query.where(RoundDraft.participant_id == participant_id)
    order = (RoundDraft.saved_at, RoundDraft.participant_id)
    return [_row(draft) for draft in db.scalars(query.order_by(*order))]


def _row(draft: RoundDraft) -> DraftRow:
    try:
        decoded = json.loads(draft.fields)
    except ValueError:
        decoded = {}
    fields = (
        tuple((str(k), v) for k, v in decoded.items() if isinstance(v, str))
        if isinstance(decoded, dict)
        else ()
    )
    return DraftRow(
        draft.session_id, draft.participant_id, RoundKind(draft.kind), fields, draft.saved_at
    )
