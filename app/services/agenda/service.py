"""The pre-session agenda: milestones, who needs a check-in and why, goals due, partners, leader.

``AgendaService`` (read-only):
- ``for_session(session_id) -> Agenda``
- ``for_cohort(cohort_id, on=None) -> Agenda``: the cohort's session in progress or next
  (``on``: a local date to look from instead, default today in the cohort's zone); a
  date-only agenda when none is planned.
- ``for_active_cohorts(on=None) -> list[Agenda]``: every active cohort, by name.
- ``presenter(session_id) -> PresenterView``: the screen the group may see (``presenter.py``).
``agenda_markdown.render(agenda)`` prints an agenda as Markdown (the CLI's ``agenda``).

An ``Agenda`` is for the facilitator: it holds flags. It never holds clinician-only text (the
engine's history has none) and never a partner-contact note. Its figures are read as of now
(for a session on an earlier day, as they read then): each member's ``MemberFigures`` are
the ones the roster and the live card show.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.services.accountability.facts import CohortHistory
from app.services.accountability.flags import Flag
from app.services.accountability.history import load_history
from app.services.accountability.milestones import Milestone
from app.services.accountability.moment import focus_session_id
from app.services.accountability.service import Evaluation, evaluate_history
from app.services.agenda.presenter import PresenterView, presenter_view
from app.services.context import ServiceContext
from app.services.figures.member import MemberFigures
from app.services.figures.today import cohort_today, local_day_start
from app.services.lookup import live
from app.services.round.view import derive_round_id, view
from models import Cohort, CohortStatus, GroupSession, RoundKind, RoundState, SessionStatus


@dataclass(frozen=True, slots=True)
class AgendaSession:
    id: uuid.UUID
    local_date: dt.date
    local_start: dt.time
    planned_minutes: int
    status: SessionStatus
    topic: str


@dataclass(frozen=True, slots=True)
class CheckInNeeded:
    participant_id: uuid.UUID
    display_name: str
    flags: tuple[Flag, ...]  # the reasons, each with its evidence


@dataclass(frozen=True, slots=True)
class GoalDueLine:
    participant_id: uuid.UUID
    display_name: str
    goal_id: uuid.UUID
    text: str
    value_domain: str
    set_on: dt.date
    sessions_since: int


@dataclass(frozen=True, slots=True)
class PairLine:
    pair_id: uuid.UUID
    names: tuple[str, ...]
    since: dt.date
    last_contact: dt.date | None


@dataclass(frozen=True, slots=True)
class PeerLeaderLine:
    participant_id: uuid.UUID
    display_name: str
    assigned: bool  # already set on the session; otherwise the engine's suggestion
    reason: str


@dataclass(frozen=True, slots=True)
class AgendaMember:
    participant_id: uuid.UUID
    display_name: str
    pronouns: str
    figures: MemberFigures


@dataclass(frozen=True, slots=True)
class Agenda:
    cohort_id: uuid.UUID
    cohort_name: str
    timezone: str
    day: dt.date  # the session's local date, or the date asked for
    session: AgendaSession | None  # None: no session planned on or after ``day``
    milestones: tuple[Milestone, ...]
    check_ins: tuple[CheckInNeeded, ...]
    goals_due: tuple[GoalDueLine, ...]
    pairs: tuple[PairLine, ...]
    unpaired: tuple[str, ...]  # members without a current partner
    peer_leader: PeerLeaderLine | None
    members: tuple[AgendaMember, ...]  # everyone expected, by name


class AgendaService:
    """Builds agendas and the presenter's view; see the module docstring."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def for_session(self, session_id: uuid.UUID) -> Agenda:
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            history = load_history(
                db, session.cohort_id, now=self._context.now(), session_id=session_id
            )
        return build_agenda(history, evaluate_history(history))

    def for_cohort(self, cohort_id: uuid.UUID, on: dt.date | None = None) -> Agenda:
        """The agenda of the session in progress or next (the one the roster's goals are due
        at); with ``on`` after today, of the first session on or after that date; with ``on``
        before today, of that one as it read then."""
        now = self._context.now()
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            day = on or cohort_today(zone, now)
            if day == cohort_today(zone, now):
                session_id = focus_session_id(db, cohort_id, now)
            else:
                session_id = db.scalar(
                    select(GroupSession.id)
                    .where(
                        GroupSession.cohort_id == cohort_id,
                        GroupSession.deleted.is_(False),
                        GroupSession.status != SessionStatus.CANCELLED,
                        GroupSession.scheduled_start >= local_day_start(day, zone),
                    )
                    .order_by(GroupSession.scheduled_start)
                    .limit(1)
                )
            if session_id is not None:
                history = load_history(db, cohort_id, now=now, session_id=session_id)
            else:
                history = load_history(db, cohort_id, now=now, on=day)
        return build_agenda(history, evaluate_history(history))

    def for_active_cohorts(self, on: dt.date | None = None) -> list[Agenda]:
        with self._context.database.read() as db:
            ids = list(
                db.scalars(
                    select(Cohort.id)
                    .where(Cohort.deleted.is_(False), Cohort.status == CohortStatus.ACTIVE)
                    .order_by(Cohort.name)
                )
            )
        return [self.for_cohort(cohort_id, on) for cohort_id in ids]

    def presenter(self, session_id: uuid.UUID) -> PresenterView:
        """What the group may see: round order, peer leader, milestones; no flag, ever."""
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            history = load_history(
                db, session.cohort_id, now=self._context.now(), session_id=session_id
            )
            round_view = None
            # The closing round once it has begun, else the check-in round, if any.
            for kind in (RoundKind.CLOSING, RoundKind.CHECK_IN):
                state = db.get(RoundState, derive_round_id(session_id, kind))
                if state is not None and not state.deleted:
                    round_view = view(db, state)
                    break
        agenda = build_agenda(history, evaluate_history(history))
        return presenter_view(agenda, round_view)


def build_agenda(history: CohortHistory, evaluation: Evaluation) -> Agenda:
    """The agenda of one moment from its history and the engine's evaluation (pure)."""
    zone = history.cohort.zone
    names = {m.participant_id: m.display_name for m in history.members}
    session = None
    if history.session is not None:
        local = history.session.start.astimezone(zone)
        session = AgendaSession(
            history.session.id,
            local.date(),
            local.time().replace(tzinfo=None),
            history.session.planned_minutes,
            history.session.status,
            history.session.topic,
        )
    check_ins: list[CheckInNeeded] = []
    goals: list[GoalDueLine] = []
    for card in evaluation.cards:
        if card.flags:
            check_ins.append(CheckInNeeded(card.participant_id, card.display_name, card.flags))
        goals.extend(
            GoalDueLine(
                card.participant_id,
                card.display_name,
                g.goal_id,
                g.text,
                g.value_domain,
                g.set_on,
                g.sessions_since,
            )
            for g in card.goals_due
        )
    pairs: list[PairLine] = []
    paired: set[uuid.UUID] = set()
    for pair in history.pairs:
        if pair.cohort_id != history.cohort.id or not pair.active_on(history.as_of_date):
            continue
        contacts = history.contacts.get(pair.id, ())
        pairs.append(
            PairLine(
                pair.id,
                tuple(names.get(pid, "a former member") for pid in pair.member_ids),
                pair.start_date,
                contacts[-1].contact_date if contacts else None,
            )
        )
        paired.update(pair.member_ids)
    return Agenda(
        cohort_id=history.cohort.id,
        cohort_name=history.cohort.name,
        timezone=history.cohort.zone.key,
        day=history.as_of_date,
        session=session,
        milestones=evaluation.celebrations,
        check_ins=tuple(check_ins),
        goals_due=tuple(goals),
        pairs=tuple(pairs),
        unpaired=tuple(m.display_name for m in history.members if m.participant_id not in paired),
        peer_leader=_peer_leader(history, evaluation, names),
        members=tuple(
            AgendaMember(m.participant_id, m.display_name, m.pronouns, card.figures)
            for m, card in zip(history.members, evaluation.cards, strict=True)
            if card.figures is not None
        ),
    )


def _peer_leader(
    history: CohortHistory, evaluation: Evaluation, names: dict[uuid.UUID, str]
) -> PeerLeaderLine | None:
    assigned = history.session.peer_leader_id if history.session else None
    if assigned is not None:
        return PeerLeaderLine(assigned, names.get(assigned, ""), True, "Assigned to this session.")
    if not evaluation.peer_leaders:
        return None
    best = evaluation.peer_leaders[0]
    return PeerLeaderLine(best.participant_id, best.display_name, False, best.reason)
