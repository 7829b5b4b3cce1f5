"""What a live card commits (check-in, report-backs, closing goals) and what it reopens with.

Helpers for ``RoundEntryService``: each works inside the caller's unit of work, so a card's
check-in, its report-backs and the deletion of its draft are one commit. The report-back
rules are ``GoalService.review`` / ``carry_forward``'s (an open goal, set in an earlier
session), applied here so they share that one commit.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.services import checkins
from app.services import validation as check
from app.services.checkins import CheckInDraft, CheckInRow
from app.services.errors import InvalidInput
from app.services.goals.service import GoalRow, value_domain
from app.services.ids import checkin_id
from app.services.lookup import live
from models import (
    CheckIn,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    ReviewOutcome,
    ShareScope,
)

PAST_CHECKINS = 100
PAST_WORDS = 60
_WORD_SPLIT = re.compile(r"[,;/\n]+")


@dataclass(frozen=True, slots=True)
class ReportBack:
    """The outcome of an open goal, told in this session; ``carry_forward`` sets it again."""

    goal_id: uuid.UUID
    outcome: ReviewOutcome
    barrier_note: str = ""
    carry_forward: bool = False


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """A report-back already recorded in this session (shown, not asked again)."""

    goal_id: uuid.UUID
    outcome: ReviewOutcome
    barrier_note: str
    carried_goal_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class GoalLine:
    """A closing-round goal as typed: new (``goal_id`` None) or one set earlier this session.
    Blank text with a ``goal_id`` takes that goal back (it was set by mistake)."""

    text: str
    domain: str
    goal_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class CheckInCommit:
    """What a check-in round's card commits: the check-in as typed, and the report-backs."""

    draft: CheckInDraft
    report_backs: tuple[ReportBack, ...] = ()


@dataclass(frozen=True, slots=True)
class ClosingCommit:
    """What a closing round's card commits: the goals for the coming week."""

    lines: tuple[GoalLine, ...]


CardCommit = CheckInCommit | ClosingCommit


def report_back(
    db: Session,
    session: GroupSession,
    participant_id: uuid.UUID,
    given: ReportBack,
    now: dt.datetime,
) -> RecordedReview:
    """Record ``given`` (idempotent: a goal already reported on in this session is kept)."""
    outcome = check.choice("outcome", given.outcome, ReviewOutcome)
    note = check.text("barrier_note", given.barrier_note, max_length=1000, label="barrier note")
    if given.carry_forward and outcome is ReviewOutcome.DONE:
        raise InvalidInput("outcome", "A goal that is done is not carried forward.")
    goal = live(db, Goal, given.goal_id, "goal")
    if goal.participant_id != participant_id:
        raise InvalidInput("goal", "That goal belongs to someone else.")
    already = _recorded(db, session.id, [goal.id])
    if already:
        return already[0]
    if goal.status is not GoalStatus.OPEN:
        raise InvalidInput(
            "status", f"This goal was already reported on ({goal.status.value.replace('_', ' ')})."
        )
    set_in = live(db, GroupSession, goal.set_in_session_id, "session")
    if session.scheduled_start <= set_in.scheduled_start:
        raise InvalidInput(
            "session", "A goal is reported on in a session after the one that set it."
        )
    db.add(
        GoalReview(
            goal_id=goal.id,
            session_id=session.id,
            outcome=outcome,
            barrier_note=note,
            reviewed_at=now,
        )
    )
    carried = None
    if given.carry_forward:
        goal.status = GoalStatus.CARRIED_FORWARD
        carried = Goal(
            participant_id=participant_id,
            set_in_session_id=session.id,
            text=goal.text,
            value_domain=goal.value_domain,
            status=GoalStatus.OPEN,
            created_at=now,
            carried_from_id=goal.id,
        )
        db.add(carried)
    else:
        goal.status = GoalStatus(outcome.value)
    db.flush()
    return RecordedReview(goal.id, outcome, note, carried.id if carried else None)


def write_goal(
    db: Session,
    session: GroupSession,
    participant: Participant,
    line: GoalLine,
    now: dt.datetime,
) -> Goal | None:
    """Create or edit a closing-round goal; None when a blank line took one back."""
    if line.goal_id is not None:
        goal = live(db, Goal, line.goal_id, "goal")
        if (
            goal.participant_id != participant.id
            or goal.set_in_session_id != session.id
            or goal.status is not GoalStatus.OPEN
        ):
            raise InvalidInput("goal", "Only an open goal set in this session can be edited here.")
        if not line.text.strip():
            goal.deleted = True
            db.flush()
            return None
    text = check.text("text", line.text, max_length=500, required=True, label="goal")
    domain = value_domain(line.domain)
    if line.goal_id is None:
        goal = Goal(
            participant_id=participant.id,
            set_in_session_id=session.id,
            status=GoalStatus.OPEN,
            created_at=now,
        )
        db.add(goal)
    goal.text = text
    goal.value_domain = domain
    db.flush()
    return goal


def goal_row(goal: Goal, participant: Participant, session: GroupSession) -> GoalRow:
    return GoalRow(
        goal.id,
        participant.id,
        participant.display_name,
        session.id,
        session.scheduled_start,
        goal.text,
        goal.value_domain,
        goal.status,
        goal.carried_from_id,
        "",
    )


def recorded_reviews(
    db: Session, session_id: uuid.UUID, participant_id: uuid.UUID
) -> list[RecordedReview]:
    goal_ids = db.scalars(
        select(Goal.id).where(Goal.participant_id == participant_id, Goal.deleted.is_(False))
    ).all()
    return _recorded(db, session_id, list(goal_ids))


def _recorded(
    db: Session, session_id: uuid.UUID, goal_ids: list[uuid.UUID]
) -> list[RecordedReview]:
    if not goal_ids:
        return []
    carried = aliased(Goal)
    rows = db.execute(
        select(GoalReview, carried.id)
        .outerjoin(
            carried,
            (carried.carried_from_id == GoalReview.goal_id)
            & (carried.set_in_session_id == session_id)
            & carried.deleted.is_(False),
        )
        .where(
            GoalReview.session_id == session_id,
            GoalReview.goal_id.in_(goal_ids),
            GoalReview.deleted.is_(False),
        )
        .order_by(GoalReview.reviewed_at, GoalReview.goal_id)
    )
    return [RecordedReview(r.goal_id, r.outcome, r.barrier_note, c) for r, c in rows]


def goals_set_in(db: Session, session: GroupSession, participant: Participant) -> list[GoalRow]:
    goals = db.scalars(
        select(Goal)
        .where(
            Goal.set_in_session_id == session.id,
            Goal.participant_id == participant.id,
            Goal.deleted.is_(False),
        )
        .order_by(Goal.created_at, Goal.id)
    )
    return [goal_row(g, participant, session) for g in goals]


def committed_check_in(
    db: Session, session: GroupSession, participant: Participant
) -> CheckInRow | None:
    found = db.get(CheckIn, checkin_id(session.id, participant.id))
    if found is None or found.deleted:
        return None
    return checkins.to_row(found, participant.display_name, session.scheduled_start)


def past_words(db: Session, participant_id: uuid.UUID) -> tuple[str, ...]:
    """The emotion words the person shared with the group before, most used first."""
    texts = db.scalars(
        select(CheckIn.emotion_words)
        .join(GroupSession, GroupSession.id == CheckIn.session_id)
        .where(
            CheckIn.participant_id == participant_id,
            CheckIn.deleted.is_(False),
            CheckIn.share_scope == ShareScope.GROUP,
            CheckIn.emotion_words != "",
        )
        .order_by(GroupSession.scheduled_start.desc())
        .limit(PAST_CHECKINS)
    )
    counts: collections.Counter[str] = collections.Counter()
    first_seen: dict[str, int] = {}
    for text in texts:
        for raw in _WORD_SPLIT.split(text):
            word = " ".join(raw.split()).lower()
            if word:
                counts[word] += 1
                first_seen.setdefault(word, len(first_seen))
    ranked = sorted(counts, key=lambda w: (-counts[w], first_seen[w]))
    return tuple(ranked[:PAST_WORDS])
