"""Naming a synced record for people: "Ana’s check-in, 2 Mar 2026", not a table and a UUID."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Callable

from sqlalchemy.orm import Session

from models import (
    Attendance,
    CheckIn,
    Cohort,
    Enrollment,
    Goal,
    GoalReview,
    GroupSession,
    Participant,
)

SHORT_TEXT = 40


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"


def _person(db: Session, participant_id: uuid.UUID) -> str:
    person = db.get(Participant, participant_id)
    return person.display_name if person is not None else "someone"


def _local_day(db: Session, session: GroupSession) -> str:
    """The session's date where its cohort meets (an evening group is late at night in UTC)."""
    cohort = db.get(Cohort, session.cohort_id)
    start = session.scheduled_start
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(cohort.timezone) if cohort is not None else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    local = start.astimezone(zone) if start.tzinfo is not None else start
    return f"{local.day} {local:%b %Y}"


def _day(db: Session, session_id: uuid.UUID) -> str:
    session = db.get(GroupSession, session_id)
    return _local_day(db, session) if session is not None else "a session"


def _cohort(db: Session, cohort_id: uuid.UUID) -> str:
    cohort = db.get(Cohort, cohort_id)
    return cohort.name if cohort is not None else "a cohort"


def _participant(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(Participant, row_id)
    return None if found is None else found.display_name


def _cohort_row(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(Cohort, row_id)
    return None if found is None else f"the cohort {found.name}"


def _checkin(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(CheckIn, row_id)
    if found is None:
        return None
    return f"{_person(db, found.participant_id)}’s check-in, {_day(db, found.session_id)}"


def _attendance(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(Attendance, row_id)
    if found is None:
        return None
    return f"{_person(db, found.participant_id)}’s attendance, {_day(db, found.session_id)}"


def _goal(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(Goal, row_id)
    if found is None:
        return None
    return f"{_person(db, found.participant_id)}’s goal “{_short(found.text)}”"


def _goal_review(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(GoalReview, row_id)
    if found is None:
        return None
    goal = db.get(Goal, found.goal_id)
    whose = _person(db, goal.participant_id) if goal is not None else "someone"
    return f"the review of {whose}’s goal, {_day(db, found.session_id)}"


def _enrollment(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(Enrollment, row_id)
    if found is None:
        return None
    return f"{_person(db, found.participant_id)} in {_cohort(db, found.cohort_id)}"


def _session(db: Session, row_id: uuid.UUID) -> str | None:
    found = db.get(GroupSession, row_id)
    if found is None:
        return None
    return f"the {_cohort(db, found.cohort_id)} session, {_local_day(db, found)}"


_DESCRIBERS: dict[str, Callable[[Session, uuid.UUID], str | None]] = {
    "participant": _participant,
    "cohort": _cohort_row,
    "checkin": _checkin,
    "attendance": _attendance,
    "goal": _goal,
    "goal_review": _goal_review,
    "enrollment": _enrollment,
    "group_session": _session,
}

_KINDS = {
    "participant": "a participant",
    "cohort": "a cohort",
    "checkin": "a check-in",
    "attendance": "an attendance mark",
    "goal": "a goal",
    "goal_review": "a goal review",
    "enrollment": "an enrollment",
    "group_session": "a session",
    "audit_event": "an audit event",
}


def describe_record(db: Session, entity: str, row_id: uuid.UUID) -> str:
    """A short phrase naming the record (deleted ones too); the kind of record if it is gone."""
    describer = _DESCRIBERS.get(entity)
    found = describer(db, row_id) if describer is not None else None
    return found or _KINDS.get(entity, entity.replace("_", " "))
