"""Goal figures: which goals are due for report-back at a session, and goal completion.

Due for report-back at a session: a goal set at an earlier session, not dropped, and not
reported back on at any session before this one. A goal reported back *at* the session is
still one of its goals due (it is what the session reported on); the goal board's round
lists only those still to report (``still_to_report``). Screens count goals due at the
cohort's session in progress, else its next one (``CohortHistory.focus``).

Completion: each goal reported back on counts once, by its latest report-back: done 1,
partly ½, not done 0, over the goals reported back on (dropped and open goals are left
out), and reads "3 done, 1 partly, of 5".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import aliased

from app.services.accountability.facts import CohortHistory, GoalFact, MemberFact
from app.services.figures.attendance import counted_sessions
from models import Goal, GoalReview, GoalStatus, GroupSession, ReviewOutcome


@dataclass(frozen=True, slots=True)
class GoalDue:
    """An open goal to report back on; record the outcome with ``GoalService.review``."""

    goal_id: uuid.UUID
    text: str
    value_domain: str
    set_on: dt.date
    sessions_since: int  # held sessions they attended since it was set


def due_anchor(history: CohortHistory) -> dt.datetime:
    """The instant goals are due at: the focus session's start, else ``as_of``."""
    return history.focus.start if history.focus is not None else history.as_of


def due_goal_facts(history: CohortHistory, member: MemberFact) -> list[GoalFact]:
    """The member's goals due at the focus session, oldest first."""
    anchor = due_anchor(history)
    pid = member.participant_id
    found = [g for g in history.open_goals.get(pid, ()) if g.set_start < anchor]
    found += [g for g in history.due_reported.get(pid, ()) if g.set_start < anchor]
    return sorted(found, key=lambda g: (g.set_start, str(g.id)))


def goals_due(history: CohortHistory, member: MemberFact) -> tuple[GoalDue, ...]:
    pid = member.participant_id
    zone = history.cohort.zone
    attended = [s for s in counted_sessions(history, member) if history.attended(s.id, pid)]
    return tuple(
        GoalDue(
            g.id,
            g.text,
            g.value_domain,
            g.set_start.astimezone(zone).date(),
            sum(1 for s in attended if s.start > g.set_start),
        )
        for g in due_goal_facts(history, member)
    )


def reported_before(instant: dt.datetime) -> ColumnElement[bool]:
    """SQL: ``Goal`` has a live report-back at a session that started before ``instant``."""
    review_session = aliased(GroupSession)
    return exists(
        select(GoalReview.id)
        .join(review_session, review_session.id == GoalReview.session_id)
        .where(
            GoalReview.goal_id == Goal.id,
            GoalReview.deleted.is_(False),
            review_session.scheduled_start < instant,
        )
    )


def due_at(
    instant: dt.datetime, set_in: type[GroupSession] = GroupSession
) -> list[ColumnElement[bool]]:
    """SQL conditions for "due for report-back at a session starting at ``instant``", on a
    query of ``Goal`` joined to the session that set it (``set_in``)."""
    return [
        Goal.deleted.is_(False),
        Goal.status != GoalStatus.DROPPED,
        set_in.scheduled_start < instant,
        ~reported_before(instant),
    ]


def still_to_report() -> ColumnElement[bool]:
    """SQL: ``Goal`` has no live report-back at all yet (the report-back round's list)."""
    return ~exists(
        select(GoalReview.id).where(GoalReview.goal_id == Goal.id, GoalReview.deleted.is_(False))
    )


@dataclass(frozen=True, slots=True)
class Completion:
    """Goals reported back on, by outcome; see the module docstring."""

    done: int = 0
    partly: int = 0
    not_done: int = 0

    @property
    def reported(self) -> int:
        return self.done + self.partly + self.not_done

    @property
    def rate(self) -> float | None:
        """Done 1, partly ½, not done 0, over the goals reported back on; None with none."""
        return (self.done + self.partly / 2) / self.reported if self.reported else None

    @property
    def text(self) -> str:
        """``"3 done, 1 partly, of 5"``; ``"none reported back yet"``."""
        if not self.reported:
            return "none reported back yet"
        return f"{self.done} done, {self.partly} partly, of {self.reported}"


def completion(outcomes: Iterable[ReviewOutcome]) -> Completion:
    """The completion of goals whose latest report-backs had ``outcomes`` (one per goal)."""
    counts = dict.fromkeys(ReviewOutcome, 0)
    for outcome in outcomes:
        counts[outcome] += 1
    return Completion(
        counts[ReviewOutcome.DONE], counts[ReviewOutcome.PARTLY], counts[ReviewOutcome.NOT_DONE]
    )


def latest_outcomes(
    reviews: Iterable[tuple[uuid.UUID, dt.datetime, ReviewOutcome]],
) -> dict[uuid.UUID, ReviewOutcome]:
    """Each goal's latest outcome from (goal id, when, outcome) report-backs."""
    latest: dict[uuid.UUID, tuple[dt.datetime, ReviewOutcome]] = {}
    for goal_id, when, outcome in reviews:
        known = latest.get(goal_id)
        if known is None or when >= known[0]:
            latest[goal_id] = (when, outcome)
    return {goal_id: outcome for goal_id, (_when, outcome) in latest.items()}
