"""The moment a read is taken at: as of now on every screen, and the session goals are due at.

``resolve_moment`` gives the instant records are counted up to (now, or for an earlier day
the start of that session or day) and the local dates; ``focus_session`` is the session in
progress or next, the one goals are due at on the roster and the agenda.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accountability.facts import SessionFact
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today, local_date, local_day_start
from app.services.lookup import live
from models import Cohort, GroupSession, SessionStatus

MAX_SESSION = dt.timedelta(hours=8)  # the longest planned length a session may have
FOCUS_CANDIDATES = 50  # sessions looked at for the one in progress or next


@dataclass(frozen=True, slots=True)
class Moment:
    """What a history is read about: the session (if any), the local date it is about, the
    instant records are counted up to, and the cohort's local today then."""

    session: GroupSession | None
    day: dt.date
    as_of: dt.datetime
    today: dt.date


def resolve_moment(
    db: Session,
    cohort: Cohort,
    now: dt.datetime,
    session_id: uuid.UUID | None = None,
    on: dt.date | None = None,
) -> Moment:
    """The moment a read takes place at: as of ``now`` for today and later, the one "as of"
    instant of every screen (nothing can be recorded in the future, so it sees every record).

    A session or a date before the cohort's today is read as it was then: records from before
    the session's start (or before that day) count, so an old agenda reads as it did.
    """
    zone = ZoneInfo(cohort.timezone)
    today = cohort_today(zone, now)
    session = None
    if session_id is not None:
        session = live(db, GroupSession, session_id, "session")
        if session.cohort_id != cohort.id:
            raise InvalidInput("session", "That session belongs to another cohort.")
        day = local_date(session.scheduled_start, zone)
        then = session.scheduled_start
    else:
        day = on if on is not None else today
        then = local_day_start(day, zone)
    if day < today:
        return Moment(session, day, then, day)
    return Moment(session, day, now, today)


def focus_session(sessions: Sequence[SessionFact], at: dt.datetime) -> SessionFact | None:
    """The session goals are due at: the first not cancelled that is not over at ``at`` (in
    progress, or the next); None when none is planned."""
    for session in sessions:
        if session.status is not SessionStatus.CANCELLED and not session.over_by(at):
            return session
    return None


def focus_session_id(db: Session, cohort_id: uuid.UUID, at: dt.datetime) -> uuid.UUID | None:
    """``focus_session`` of the cohort at ``at``, read without loading its whole history."""
    candidates = [
        SessionFact(sid, start, start.date(), planned, status, None)
        for sid, start, planned, status in db.execute(
            select(
                GroupSession.id,
                GroupSession.scheduled_start,
                GroupSession.planned_minutes,
                GroupSession.status,
            )
            .where(
                GroupSession.cohort_id == cohort_id,
                GroupSession.deleted.is_(False),
                GroupSession.status != SessionStatus.CANCELLED,
                # No session lasts longer than the longest planned length (8 hours).
                GroupSession.scheduled_start > at - MAX_SESSION,
            )
            .order_by(GroupSession.scheduled_start, GroupSession.id)
            .limit(FOCUS_CANDIDATES)
        )
    ]
    found = focus_session(candidates, at)
    return found.id if found is not None else None
