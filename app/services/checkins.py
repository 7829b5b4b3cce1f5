"""Check-ins: mood, words, accomplishments, challenges and craving shared in a session."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput, NotFound
from app.services.ids import checkin_id
from app.services.lookup import live
from models import CheckIn, Cohort, GroupSession, Participant, ShareScope

MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class CheckInRow:
    id: uuid.UUID
    session_id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    session_start: dt.datetime
    recorded_at: dt.datetime
    mood: int | None
    emotion_words: str
    accomplishments: str
    challenges: str
    craving: int | None
    share_scope: ShareScope


@dataclass(frozen=True, slots=True)
class CheckInDraft:
    mood: int | None = None
    emotion_words: str = ""
    accomplishments: str = ""
    challenges: str = ""
    craving: int | None = None
    share_scope: ShareScope = ShareScope.GROUP


def validated(draft: CheckInDraft) -> dict[str, object]:
    """The draft's fields checked and cleaned, by column name (nothing is written)."""
    return {
        "mood": check.optional_score("mood", draft.mood),
        "emotion_words": check.text(
            "emotion_words", draft.emotion_words, max_length=200, label="emotion words"
        ),
        "accomplishments": check.text(
            "accomplishments", draft.accomplishments, max_length=MAX_TEXT
        ),
        "challenges": check.text("challenges", draft.challenges, max_length=MAX_TEXT),
        "craving": check.optional_score("craving", draft.craving),
        "share_scope": check.choice("share_scope", draft.share_scope, ShareScope, label="sharing"),
    }


def write(
    db: Session,
    session_id: uuid.UUID,
    participant_id: uuid.UUID,
    cohort: Cohort,
    values: dict[str, object],
    now: dt.datetime,
) -> CheckIn:
    """Create or edit the one check-in of (session, participant) from ``validated`` values."""
    if values["craving"] is not None and not cohort.track.has_cravings:
        raise InvalidInput(
            "craving", f"{cohort.name} is a mental health group; it records no cravings."
        )
    row_id = checkin_id(session_id, participant_id)
    checkin = db.get(CheckIn, row_id)
    if checkin is None:
        checkin = CheckIn(
            id=row_id, session_id=session_id, participant_id=participant_id, recorded_at=now
        )
        db.add(checkin)
    for name, value in values.items():
        setattr(checkin, name, value)
    checkin.deleted = False
    db.flush()
    return checkin


def to_row(checkin: CheckIn, name: str, session_start: dt.datetime) -> CheckInRow:
    return CheckInRow(
        checkin.id,
        checkin.session_id,
        checkin.participant_id,
        name,
        session_start,
        checkin.recorded_at,
        checkin.mood,
        checkin.emotion_words,
        checkin.accomplishments,
        checkin.challenges,
        checkin.craving,
        checkin.share_scope,
    )


class CheckInService:
    """Records one check-in per (session, participant); recording again edits it."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def record(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, draft: CheckInDraft
    ) -> CheckInRow:
        values = validated(draft)
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            participant = live(db, Participant, participant_id, "participant")
            cohort = live(db, Cohort, session.cohort_id, "cohort")
            require_member(db, participant_id, cohort.id)
            checkin = write(db, session_id, participant_id, cohort, values, self._context.now())
            return to_row(checkin, participant.display_name, session.scheduled_start)

    def remove(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> None:
        """Tombstone the check-in (undoing a new one); recording it again revives it."""
        with self._context.database.write() as db:
            checkin = db.get(CheckIn, checkin_id(session_id, participant_id))
            if checkin is None or checkin.deleted:
                raise NotFound("The check-in")
            checkin.deleted = True

    def history(self, participant_id: uuid.UUID, *, limit: int = 100) -> list[CheckInRow]:
        """A participant's check-ins, newest first."""
        with self._context.database.read() as db:
            name = live(db, Participant, participant_id, "participant").display_name
            rows = db.execute(
                select(CheckIn, GroupSession.scheduled_start)
                .join(GroupSession, GroupSession.id == CheckIn.session_id)
                .where(CheckIn.participant_id == participant_id, CheckIn.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc())
                .limit(limit)
            )
            return [to_row(c, name, start) for c, start in rows]

    def for_session(self, session_id: uuid.UUID) -> list[CheckInRow]:
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            rows = db.execute(
                select(CheckIn, Participant.display_name)
                .join(Participant, Participant.id == CheckIn.participant_id)
                .where(CheckIn.session_id == session_id, CheckIn.deleted.is_(False))
                .order_by(Participant.display_name)
            )
            return [to_row(c, name, session.scheduled_start) for c, name in rows]
