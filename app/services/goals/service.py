"""Goals: set for the coming week with a value domain, reported back on in a later session."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.enrollments import require_member
from app.services.errors import InvalidInput
from app.services.lookup import live
from models import (
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    ReviewOutcome,
    ValueDomain,
)

STANDARD_DOMAINS = tuple(d.value for d in ValueDomain)


@dataclass(frozen=True, slots=True)
class GoalRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    set_in_session_id: uuid.UUID
    set_on: dt.datetime
    text: str
    value_domain: str
    status: GoalStatus
    carried_from_id: uuid.UUID | None
    last_barrier_note: str


def value_domain(value: str) -> str:
    """A standard value domain, or the participant's own word (letters, spaces, hyphens)."""
    cleaned = check.text("value_domain", value, max_length=40, required=True, label="value domain")
    lowered = cleaned.lower()
    if lowered in STANDARD_DOMAINS:
        return lowered
    if not all(ch.isalpha() or ch in " -'" for ch in cleaned):
        raise InvalidInput(
            "value_domain", "A value in the participant's own words uses letters only."
        )
    return cleaned


class GoalService:
    """Sets goals, records report-backs, carries goals forward; nothing is deleted."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def set_goal(
        self, participant_id: uuid.UUID, session_id: uuid.UUID, text: str, domain: str
    ) -> GoalRow:
        text = check.text("text", text, max_length=500, required=True, label="goal")
        domain = value_domain(domain)
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            participant = live(db, Participant, participant_id, "participant")
            require_member(db, participant_id, session.cohort_id)
            goal = Goal(
                participant_id=participant_id,
                set_in_session_id=session_id,
                text=text,
                value_domain=domain,
                status=GoalStatus.OPEN,
                created_at=self._context.now(),
            )
            db.add(goal)
            db.flush()
            return _row(goal, participant.display_name, session.scheduled_start, "")

    def review(
        self,
        goal_id: uuid.UUID,
        session_id: uuid.UUID,
        outcome: ReviewOutcome,
        *,
        barrier_note: str = "",
    ) -> GoalRow:
        """Record the report-back on an open goal in a session after the one that set it."""
        outcome = check.choice("outcome", outcome, ReviewOutcome)
        barrier_note = check.text(
            "barrier_note", barrier_note, max_length=1000, label="barrier note"
        )
        with self._context.database.write() as db:
            goal, session = self._reviewable(db, goal_id, session_id)
            self._add_review(db, goal, session, outcome, barrier_note)
            goal.status = GoalStatus(outcome.value)
            db.flush()
            return self._row_of(db, goal, barrier_note)

    def carry_forward(
        self,
        goal_id: uuid.UUID,
        session_id: uuid.UUID,
        outcome: ReviewOutcome = ReviewOutcome.NOT_DONE,
        *,
        barrier_note: str = "",
    ) -> GoalRow:
        """Review the goal and set it again for the coming week in one step; returns the new one."""
        outcome = check.choice("outcome", outcome, ReviewOutcome)
        if outcome is ReviewOutcome.DONE:
            raise InvalidInput("outcome", "A goal that is done is not carried forward.")
        barrier_note = check.text(
            "barrier_note", barrier_note, max_length=1000, label="barrier note"
        )
        with self._context.database.write() as db:
            goal, session = self._reviewable(db, goal_id, session_id)
            self._add_review(db, goal, session, outcome, barrier_note)
            goal.status = GoalStatus.CARRIED_FORWARD
            carried = Goal(
                participant_id=goal.participant_id,
                set_in_session_id=session_id,
                text=goal.text,
                value_domain=goal.value_domain,
                status=GoalStatus.OPEN,
                created_at=self._context.now(),
                carried_from_id=goal.id,
            )
            db.add(carried)
            db.flush()
            return self._row_of(db, carried, barrier_note)

    def drop(self, goal_id: uuid.UUID) -> GoalRow:
        with self._context.database.write() as db:
            goal = live(db, Goal, goal_id, "goal")
            if goal.status is not GoalStatus.OPEN:
                raise InvalidInput("status", "Only an open goal can be dropped.")
            goal.status = GoalStatus.DROPPED
            db.flush()
            return self._row_of(db, goal, "")

    def undo_review(self, goal_id: uuid.UUID) -> GoalRow:
        """Take back the latest report-back on ``goal_id``: the goal is open again.

        The review is tombstoned, not erased (the audit trail keeps both steps). When the
        goal had been carried forward, the goal that continued it is tombstoned too, which
        is refused once that one has a report-back of its own.
        """
        with self._context.database.write() as db:
            goal = live(db, Goal, goal_id, "goal")
            if goal.status in (GoalStatus.OPEN, GoalStatus.DROPPED):
                raise InvalidInput("status", "This goal has no report-back to take back.")
            if goal.status is GoalStatus.CARRIED_FORWARD:
                for carried in db.scalars(
                    select(Goal).where(Goal.carried_from_id == goal.id, Goal.deleted.is_(False))
                ):
                    if carried.status is not GoalStatus.OPEN or _reviews(db, carried.id):
                        raise InvalidInput(
                            "status",
                            "The goal it was carried into has been reported on since; "
                            "take that report-back back first.",
                        )
                    carried.deleted = True
            reviews = _reviews(db, goal.id)
            if reviews:
                reviews[0].deleted = True
            goal.status = GoalStatus.OPEN
            db.flush()
            return self._row_of(db, goal, "")

    def retract(self, goal_id: uuid.UUID) -> None:
        """Take back a goal set by mistake: only an open, never reviewed, uncarried goal."""
        with self._context.database.write() as db:
            goal = live(db, Goal, goal_id, "goal")
            if goal.status is not GoalStatus.OPEN or _reviews(db, goal.id):
                raise InvalidInput(
                    "status", "Only a goal nobody has reported on can be taken back."
                )
            if goal.carried_from_id is not None:
                raise InvalidInput(
                    "status", "This goal continues an earlier one; take back the carry-forward."
                )
            goal.deleted = True

    def for_participant(self, participant_id: uuid.UUID) -> list[GoalRow]:
        """All of a participant's goals, newest first."""
        with self._context.database.read() as db:
            name = live(db, Participant, participant_id, "participant").display_name
            rows = db.execute(
                select(Goal, GroupSession.scheduled_start)
                .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
                .where(Goal.participant_id == participant_id, Goal.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc(), Goal.created_at.desc())
            )
            return [_row(g, name, start, _last_barrier(db, g.id)) for g, start in rows]

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _reviewable(
        db: Session, goal_id: uuid.UUID, session_id: uuid.UUID
    ) -> tuple[Goal, GroupSession]:
        goal = live(db, Goal, goal_id, "goal")
        session = live(db, GroupSession, session_id, "session")
        if goal.status is not GoalStatus.OPEN:
            raise InvalidInput(
                "status",
                f"This goal was already reported on ({goal.status.value.replace('_', ' ')}).",
            )
        set_in = live(db, GroupSession, goal.set_in_session_id, "session")
        if session.scheduled_start <= set_in.scheduled_start:
            raise InvalidInput(
                "session", "A goal is reported on in a session after the one that set it."
            )
        return goal, session

    def _add_review(
        self, db: Session, goal: Goal, session: GroupSession, outcome: ReviewOutcome, note: str
    ) -> None:
        db.add(
            GoalReview(
                goal_id=goal.id,
                session_id=session.id,
                outcome=outcome,
                barrier_note=note,
                reviewed_at=self._context.now(),
            )
        )

    @staticmethod
    def _row_of(db: Session, goal: Goal, barrier_note: str) -> GoalRow:
        name = live(db, Participant, goal.participant_id, "participant").display_name
        start = live(db, GroupSession, goal.set_in_session_id, "session").scheduled_start
        return _row(goal, name, start, barrier_note)


def _reviews(db: Session, goal_id: uuid.UUID) -> list[GoalReview]:
    """The live reviews of a goal, newest first."""
    return list(
        db.scalars(
            select(GoalReview)
            .where(GoalReview.goal_id == goal_id, GoalReview.deleted.is_(False))
            .order_by(GoalReview.reviewed_at.desc(), GoalReview.version.desc())
        )
    )


def _last_barrier(db: Session, goal_id: uuid.UUID) -> str:
    note = db.scalar(
        select(GoalReview.barrier_note)
        .where(GoalReview.goal_id == goal_id, GoalReview.deleted.is_(False))
        .order_by(GoalReview.reviewed_at.desc())
        .limit(1)
    )
    return note or ""


def _row(goal: Goal, name: str, set_on: dt.datetime, barrier_note: str) -> GoalRow:
    return GoalRow(
        goal.id,
        goal.participant_id,
        name,
        goal.set_in_session_id,
        set_on,
        goal.text,
        goal.value_domain,
        goal.status,
        goal.carried_from_id,
        barrier_note,
    )
