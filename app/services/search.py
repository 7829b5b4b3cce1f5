"""Global search over people, check-in text and goals; clinician-only text only when asked."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import QueryableAttribute, Session

from app.services.context import ServiceContext
from app.services.figures.today import local_date
from models import (
    CheckIn,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GroupSession,
    Participant,
    ShareScope,
)

MIN_LENGTH = 2
PROGRESS_STEPS = 50_000  # SQLite virtual-machine steps between two looks at ``stop``
MAX_LENGTH = 80
PER_KIND = 40
SNIPPET = 110  # characters of context shown around a match


class SearchStopped(Exception):
    """The search was stopped by its ``stop`` callback before it finished."""


class HitKind(enum.StrEnum):
    PERSON = "person"
    CHECK_IN = "check-in"
    GOAL = "goal"
    CLINICIAN_NOTE = "clinician note"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match; ``cohort_id`` is where to show it (the session's cohort, or the person's).

    ``clinician_only`` is True for text the group must not see (a check-in shared with the
    clinician only, a participant's clinician notes): a view shows it marked as such.
    ``when`` is the session's start; ``day`` its local date in its cohort's time zone, the
    date every other screen shows for the same record.
    """

    kind: HitKind
    record_id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    cohort_id: uuid.UUID | None
    cohort_name: str
    text: str
    when: dt.datetime | None
    clinician_only: bool
    day: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    hits: tuple[SearchHit, ...]
    truncated: bool  # some kind had more than ``PER_KIND`` matches


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(text: str, query: str, width: int = SNIPPET) -> str:
    """The part of ``text`` around the first match of ``query``, on one line."""
    flat = " ".join(text.split())
    at = flat.lower().find(query.lower())
    if at < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, min(at - width // 3, len(flat) - width))
    end = start + width
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


class SearchService:
    """Case-insensitive substring search (SQLite LIKE: ASCII letters fold, others match as typed).

    LIKE rather than FTS5: the vault has no full-text index to keep in step through sync
    and migrations yet, and a bounded, newest-first scan answers in well under a second on
    the five-year demo; each kind stops at ``PER_KIND`` matches.
    """

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def search(
        self,
        text: str,
        *,
        include_clinician_only: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> SearchResults:
        """Matches for ``text`` (at least ``MIN_LENGTH`` characters).

        ``stop`` is polled while SQLite scans; once it returns True the scan is interrupted
        and ``SearchStopped`` raised (a newer search made this one pointless).
        """
        query = " ".join(text.split())[:MAX_LENGTH]
        if len(query) < MIN_LENGTH:
            return SearchResults(query, (), False)
        pattern = like_pattern(query)
        with self._context.database.read() as db:
            if stop is None:
                return self._search(db, query, pattern, include_clinician_only)
            raw = db.connection().connection.dbapi_connection
            assert raw is not None
            raw.set_progress_handler(lambda: 1 if stop() else 0, PROGRESS_STEPS)
            try:
                return self._search(db, query, pattern, include_clinician_only)
            except OperationalError:
                if stop():
                    raise SearchStopped from None
                raise
            finally:
                raw.set_progress_handler(None, 0)

    @staticmethod
    def _search(
        db: Session, query: str, pattern: str, include_clinician_only: bool
    ) -> SearchResults:
        groups = [
            _people(db, pattern, query),
            _checkins(db, pattern, query, include_clinician_only),
            _goals(db, pattern, query),
        ]
        if include_clinician_only:
            groups.append(_clinician_notes(db, pattern, query))
        truncated = any(len(group) > PER_KIND for group in groups)
        hits = [hit for group in groups for hit in group[:PER_KIND]]
        return SearchResults(query, tuple(_with_home_cohorts(db, hits)), truncated)


def _like(column: QueryableAttribute[str], pattern: str) -> ColumnElement[bool]:
    return column.like(pattern, escape="\\")


def _people(db: Session, pattern: str, query: str) -> list[SearchHit]:
    found = db.execute(
        select(Participant.id, Participant.display_name)
        .where(_like(Participant.display_name, pattern), Participant.deleted.is_(False))
        .order_by(Participant.display_name)
        .limit(PER_KIND + 1)
    )
    return [
        SearchHit(HitKind.PERSON, pid, pid, name, None, "", name, None, False)
        for pid, name in found
    ]


def _clinician_notes(db: Session, pattern: str, query: str) -> list[SearchHit]:
    found = db.execute(
        select(Participant.id, Participant.display_name, Participant.clinician_notes)
        .where(_like(Participant.clinician_notes, pattern), Participant.deleted.is_(False))
        .order_by(Participant.display_name)
        .limit(PER_KIND + 1)
    )
    return [
        SearchHit(
            HitKind.CLINICIAN_NOTE, pid, pid, name, None, "", snippet(notes, query), None, True
        )
        for pid, name, notes in found
    ]


def _checkins(db: Session, pattern: str, query: str, clinician_too: bool) -> list[SearchHit]:
    statement = (
        select(
            CheckIn,
            Participant.display_name,
            Cohort.id,
            Cohort.name,
            Cohort.timezone,
            GroupSession.scheduled_start,
        )
        .join(Participant, Participant.id == CheckIn.participant_id)
        .join(GroupSession, GroupSession.id == CheckIn.session_id)
        .join(Cohort, Cohort.id == GroupSession.cohort_id)
        .where(
            CheckIn.deleted.is_(False),
            or_(
                _like(CheckIn.emotion_words, pattern),
                _like(CheckIn.accomplishments, pattern),
                _like(CheckIn.challenges, pattern),
            ),
        )
        .order_by(CheckIn.recorded_at.desc())
        .limit(PER_KIND + 1)
    )
    if not clinician_too:
        statement = statement.where(CheckIn.share_scope == ShareScope.GROUP)
    hits = []
    for checkin, name, cohort_id, cohort_name, zone, start in db.execute(statement):
        fields = (checkin.emotion_words, checkin.accomplishments, checkin.challenges)
        matched = next((f for f in fields if query.lower() in f.lower()), fields[0] or fields[1])
        hits.append(
            SearchHit(
                HitKind.CHECK_IN,
                checkin.id,
                checkin.participant_id,
                name,
                cohort_id,
                cohort_name,
                snippet(matched, query),
                start,
                checkin.share_scope is ShareScope.CLINICIAN,
                local_date(start, zone),
            )
        )
    return hits


def _goals(db: Session, pattern: str, query: str) -> list[SearchHit]:
    barrier = (
        select(GoalReview.goal_id)
        .where(_like(GoalReview.barrier_note, pattern), GoalReview.deleted.is_(False))
        .scalar_subquery()
    )
    found = db.execute(
        select(
            Goal,
            Participant.display_name,
            Cohort.id,
            Cohort.name,
            Cohort.timezone,
            GroupSession.scheduled_start,
        )
        .join(Participant, Participant.id == Goal.participant_id)
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .join(Cohort, Cohort.id == GroupSession.cohort_id)
        .where(Goal.deleted.is_(False), or_(_like(Goal.text, pattern), Goal.id.in_(barrier)))
        .order_by(GroupSession.scheduled_start.desc())
        .limit(PER_KIND + 1)
    )
    hits = []
    for goal, name, cohort_id, cohort_name, zone, start in found:
        text = goal.text
        if query.lower() not in text.lower():
            note = db.scalar(
                select(GoalReview.barrier_note).where(
                    GoalReview.goal_id == goal.id,
                    GoalReview.deleted.is_(False),
                    _like(GoalReview.barrier_note, pattern),
                )
            )
            text = f"{goal.text} — barrier: {snippet(note or '', query, SNIPPET // 2)}"
        hits.append(
            SearchHit(
                HitKind.GOAL,
                goal.id,
                goal.participant_id,
                name,
                cohort_id,
                cohort_name,
                snippet(text, query),
                start,
                False,
                local_date(start, zone),
            )
        )
    return hits


def _with_home_cohorts(db: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """Hits with each person's cohort filled in: the active enrollment's, else the latest."""
    wanted = {hit.participant_id for hit in hits if hit.cohort_id is None}
    if not wanted:
        return hits
    rows = db.execute(
        select(
            Enrollment.participant_id,
            Enrollment.status,
            Enrollment.start_date,
            Cohort.id,
            Cohort.name,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.participant_id.in_(wanted), Enrollment.deleted.is_(False))
    )
    best: dict[uuid.UUID, tuple[tuple[bool, dt.date], uuid.UUID, str]] = {}
    for participant_id, status, start, cohort_id, name in rows:
        rank = (status is EnrollmentStatus.ACTIVE, start)
        if participant_id not in best or rank > best[participant_id][0]:
            best[participant_id] = (rank, cohort_id, name)
    result = []
    for hit in hits:
        home = best.get(hit.participant_id)
        if hit.cohort_id is None and home is not None:
            hit = replace(hit, cohort_id=home[1], cohort_name=home[2])
        result.append(hit)
    return result
