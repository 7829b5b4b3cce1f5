"""One cohort's goal board at one session: report-backs due, the week's goals, rates, history."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, aliased

from app.services.context import ServiceContext
from app.services.figures.goals import (
    Completion,
    completion,
    due_at,
    latest_outcomes,
    still_to_report,
)
from app.services.figures.today import cohort_today, local_date, local_day_start, week_bounds
from app.services.lookup import live
from models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    ReviewOutcome,
    SessionStatus,
)

HISTORY_LIMIT = 500
SESSIONS_BEFORE = dt.timedelta(weeks=12)  # the session picker lists this much around its pick
SESSIONS_AFTER = dt.timedelta(weeks=3)


@dataclass(frozen=True, slots=True)
class BoardSession:
    id: uuid.UUID
    starts_at: dt.datetime  # UTC
    local_date: dt.date  # in the cohort's zone
    status: SessionStatus
    topic: str


@dataclass(frozen=True, slots=True)
class Member:
    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class BoardGoal:
    """A goal as the board shows it; ``times_carried`` counts the weeks it was carried before."""

    id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    text: str
    value_domain: str
    status: GoalStatus
    set_in_session_id: uuid.UUID
    set_on: dt.date  # the local date of the session that set it
    times_carried: int


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One report-back: what became of a goal, and what got in the way."""

    id: uuid.UUID
    goal_id: uuid.UUID
    participant_id: uuid.UUID
    participant_name: str
    goal_text: str
    value_domain: str
    outcome: ReviewOutcome
    barrier_note: str
    set_on: dt.date
    reviewed_on: dt.date
    carried_forward: bool


@dataclass(frozen=True, slots=True)
class CompletionRow:
    """Goal completion (``app.services.figures.goals``) of one participant or value domain."""

    label: str
    participant_id: uuid.UUID | None
    completion: Completion

    @property
    def done(self) -> int:
        return self.completion.done

    @property
    def partly(self) -> int:
        return self.completion.partly

    @property
    def not_done(self) -> int:
        return self.completion.not_done

    @property
    def reviewed(self) -> int:
        return self.completion.reported

    @property
    def rate(self) -> float | None:
        return self.completion.rate


@dataclass(frozen=True, slots=True)
class GoalBoard:
    """Everything the goal tracker shows for ``cohort_id`` at ``session`` (None: no sessions).

    ``due``: current members' goals due for report-back at the session and not reported on
    yet (``figures.goals``). ``this_week``: goals set in the session's ISO week;
    ``without_goal``: current members who set none that week. Completion counts current
    members' goals set in this cohort and reported back on, each by its latest outcome.
    ``history``: the newest report-backs of anyone in this cohort (``history_truncated``
    when there were more than ``HISTORY_LIMIT``).
    """

    cohort_id: uuid.UUID
    cohort_name: str
    today: dt.date  # in the cohort's zone
    session: BoardSession | None
    sessions: tuple[BoardSession, ...]
    members: tuple[Member, ...]
    due: tuple[BoardGoal, ...]
    this_week: tuple[BoardGoal, ...]
    without_goal: tuple[Member, ...]
    by_participant: tuple[CompletionRow, ...]
    by_domain: tuple[CompletionRow, ...]
    history: tuple[ReviewEntry, ...]
    history_truncated: bool

    @property
    def has_goals(self) -> bool:
        return bool(self.due or self.this_week or self.history)


class GoalBoardService:
    """Read-only: the goal board in one short read transaction."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def board(self, cohort_id: uuid.UUID, session_id: uuid.UUID | None = None) -> GoalBoard:
        """The board at ``session_id``, else at today's session (or the latest before it)."""
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            session = (
                live(db, GroupSession, session_id, "session")
                if session_id is not None
                else self._default_session(db, cohort_id, zone)
            )
            members = _members(db, cohort_id)
            today = cohort_today(zone, self._context.now())
            if session is None:
                return GoalBoard(
                    cohort_id, cohort.name, today, None, (), members, (), (), (), (), (), (), False
                )
            sessions = _sessions_around(db, cohort_id, session.scheduled_start, zone)
            member_ids = [m.id for m in members]
            due = _goals(
                db,
                zone,
                _goal_query()
                .where(
                    *due_at(session.scheduled_start),
                    still_to_report(),
                    Goal.participant_id.in_(member_ids),
                )
                .order_by(Participant.display_name, GroupSession.scheduled_start),
            )
            week_from, week_to = week_bounds(local_date(session.scheduled_start, zone), zone)
            week = _goals(
                db,
                zone,
                _goal_query()
                .where(
                    GroupSession.cohort_id == cohort_id,
                    Goal.participant_id.in_(member_ids),
                    GroupSession.scheduled_start >= week_from,
                    GroupSession.scheduled_start < week_to,
                )
                .order_by(Participant.display_name, Goal.created_at),
            )
            with_goal = {g.participant_id for g in week}
            by_participant, by_domain = _completion(db, cohort_id, members)
            history = _history(db, cohort_id, zone)
            return GoalBoard(
                cohort_id=cohort_id,
                cohort_name=cohort.name,
                today=today,
                session=_board_session(session, zone),
                sessions=sessions,
                members=members,
                due=due,
                this_week=week,
                without_goal=tuple(m for m in members if m.id not in with_goal),
                by_participant=by_participant,
                by_domain=by_domain,
                history=tuple(history[:HISTORY_LIMIT]),
                history_truncated=len(history) > HISTORY_LIMIT,
            )

    def _default_session(
        self, db: Session, cohort_id: uuid.UUID, zone: ZoneInfo
    ) -> GroupSession | None:
        today = cohort_today(zone, self._context.now())
        query = select(GroupSession).where(
            GroupSession.cohort_id == cohort_id,
            GroupSession.deleted.is_(False),
            GroupSession.status != SessionStatus.CANCELLED,
        )
        before = local_day_start(today + dt.timedelta(days=1), zone)
        latest = db.scalars(
            query.where(GroupSession.scheduled_start < before)
            .order_by(GroupSession.scheduled_start.desc())
            .limit(1)
        ).first()
        if latest is not None:
            return latest
        return db.scalars(query.order_by(GroupSession.scheduled_start).limit(1)).first()


def _board_session(session: GroupSession, zone: ZoneInfo) -> BoardSession:
    start = session.scheduled_start
    return BoardSession(
        session.id, start, start.astimezone(zone).date(), session.status, session.topic
    )


def _members(db: Session, cohort_id: uuid.UUID) -> tuple[Member, ...]:
    rows = db.execute(
        select(Participant.id, Participant.display_name)
        .join(Enrollment, Enrollment.participant_id == Participant.id)
        .where(
            Enrollment.cohort_id == cohort_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.deleted.is_(False),
            Participant.deleted.is_(False),
        )
        .order_by(Participant.display_name)
        .distinct()
    )
    return tuple(Member(pid, name) for pid, name in rows)


def _sessions_around(
    db: Session, cohort_id: uuid.UUID, at: dt.datetime, zone: ZoneInfo
) -> tuple[BoardSession, ...]:
    found = db.scalars(
        select(GroupSession)
        .where(
            GroupSession.cohort_id == cohort_id,
            GroupSession.deleted.is_(False),
            GroupSession.status != SessionStatus.CANCELLED,
            GroupSession.scheduled_start >= at - SESSIONS_BEFORE,
            GroupSession.scheduled_start <= at + SESSIONS_AFTER,
        )
        .order_by(GroupSession.scheduled_start)
    )
    return tuple(_board_session(s, zone) for s in found)


def _goal_query() -> Select[Goal, str, dt.datetime]:
    return (
        select(Goal, Participant.display_name, GroupSession.scheduled_start)
        .join(Participant, Participant.id == Goal.participant_id)
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .where(Goal.deleted.is_(False))
    )


def _goals(
    db: Session, zone: ZoneInfo, query: Select[Goal, str, dt.datetime]
) -> tuple[BoardGoal, ...]:
    rows = list(db.execute(query))
    carried = _times_carried(db, [goal.id for goal, _, _ in rows if goal.carried_from_id])
    return tuple(
        BoardGoal(
            goal.id,
            goal.participant_id,
            name,
            goal.text,
            goal.value_domain,
            goal.status,
            goal.set_in_session_id,
            start.astimezone(zone).date(),
            carried.get(goal.id, 0),
        )
        for goal, name, start in rows
    )


def _times_carried(db: Session, goal_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many goals each of ``goal_ids`` continues (the length of its carried-from chain)."""
    if not goal_ids:
        return {}
    earlier = aliased(Goal)
    chain = (
        select(
            Goal.id.label("goal_id"), Goal.carried_from_id.label("origin"), literal(1).label("n")
        )
        .where(Goal.id.in_(goal_ids))
        .cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(chain.c.goal_id, earlier.carried_from_id, chain.c.n + 1)
        .join(earlier, earlier.id == chain.c.origin)
        .where(earlier.carried_from_id.is_not(None), chain.c.n < 520)
    )
    counted = select(chain.c.goal_id, func.max(chain.c.n)).group_by(chain.c.goal_id)
    return {goal_id: int(n) for goal_id, n in db.execute(counted)}


def _completion(
    db: Session, cohort_id: uuid.UUID, members: tuple[Member, ...]
) -> tuple[tuple[CompletionRow, ...], tuple[CompletionRow, ...]]:
    reviewed_in = aliased(GroupSession)
    rows = db.execute(
        select(
            Goal.id,
            Goal.participant_id,
            Goal.value_domain,
            reviewed_in.scheduled_start,
            GoalReview.outcome,
        )
        .join(GoalReview, GoalReview.goal_id == Goal.id)
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .join(reviewed_in, reviewed_in.id == GoalReview.session_id)
        .where(
            GroupSession.cohort_id == cohort_id,
            Goal.participant_id.in_([m.id for m in members]),
            Goal.deleted.is_(False),
            Goal.status != GoalStatus.DROPPED,
            GoalReview.deleted.is_(False),
        )
    ).all()
    outcomes = latest_outcomes((goal_id, at, outcome) for goal_id, _, _, at, outcome in rows)
    owner = {goal_id: (person, domain) for goal_id, person, domain, _, _ in rows}
    people: dict[uuid.UUID, list[ReviewOutcome]] = {m.id: [] for m in members}
    domains: dict[str, list[ReviewOutcome]] = {}
    for goal_id, outcome in outcomes.items():
        person, domain = owner[goal_id]
        people[person].append(outcome)
        domains.setdefault(domain, []).append(outcome)
    by_participant = tuple(CompletionRow(m.name, m.id, completion(people[m.id])) for m in members)
    by_domain = tuple(
        CompletionRow(d, None, completion(domains[d])) for d in sorted(domains, key=str.lower)
    )
    return by_participant, by_domain


def _history(db: Session, cohort_id: uuid.UUID, zone: ZoneInfo) -> list[ReviewEntry]:
    """The report-backs on goals set in the cohort's latest sessions, newest first.

    Walking the cohort's sessions newest first (its index) stops after the limit instead of
    sorting years of report-backs; plain columns, not entities, keep it quick.
    """
    set_in = aliased(GroupSession)
    reviewed_in = aliased(GroupSession)
    rows = db.execute(
        select(
            GoalReview.id,
            Goal.id,
            Goal.participant_id,
            Participant.display_name,
            Goal.text,
            Goal.value_domain,
            GoalReview.outcome,
            GoalReview.barrier_note,
            set_in.scheduled_start,
            reviewed_in.scheduled_start,
            Goal.status,
        )
        .select_from(set_in)
        .join(Goal, Goal.set_in_session_id == set_in.id)
        .join(GoalReview, GoalReview.goal_id == Goal.id)
        .join(Participant, Participant.id == Goal.participant_id)
        .join(reviewed_in, reviewed_in.id == GoalReview.session_id)
        .where(
            set_in.cohort_id == cohort_id,
            GoalReview.deleted.is_(False),
            Goal.deleted.is_(False),
        )
        .order_by(set_in.cohort_id.desc(), set_in.scheduled_start.desc())
        .limit(HISTORY_LIMIT + 1)
    )
    entries = [
        ReviewEntry(
            review_id,
            goal_id,
            participant_id,
            name,
            text,
            domain,
            outcome,
            note,
            set_start.astimezone(zone).date(),
            review_start.astimezone(zone).date(),
            status is GoalStatus.CARRIED_FORWARD,
        )
        for (
            review_id,
            goal_id,
            participant_id,
            name,
            text,
            domain,
            outcome,
            note,
            set_start,
            review_start,
            status,
        ) in rows
    ]
    entries.sort(key=lambda e: (-e.reviewed_on.toordinal(), e.participant_name.casefold()))
    return entries
