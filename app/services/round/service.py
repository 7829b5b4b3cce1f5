"""The live round: who speaks in which order, who is speaking now, who was skipped.

Every move is one short write, so the GUI can save after each keystroke-driven move and a
killed app resumes exactly: ``start`` on a session whose round exists returns that round as
it was. ``RoundService`` (all calls return a fresh ``RoundView``):
- ``sessions_today(cohort_id) -> list[SessionRow]``: the cohort's sessions on today's local
  date, to offer "start Monday's session"; ``start_unscheduled`` makes one starting now.
- ``start(session_id, kind=CHECK_IN, *, order=ALPHABETICAL, seed=None)``: begin or resume.
- ``find(session_id, kind)``, ``get(round_id)``, ``in_progress(cohort_id=None)`` (to resume).
- ``set_order(round_id, method, *, seed=None, custom=None)``: reorders those still to speak.
- ``advance`` (the speaker is done), ``skip`` (come back later), ``go_to(participant)``
  (come back to someone, or revisit), ``include(participant)`` (a late joiner), ``finish``.
- ``commit_and_advance(round_id, participant_id, card)`` (Enter): the speaker's card
  committed (``CheckInCommit`` or ``ClosingCommit``) and the round advanced, in one commit.
- ``set_soft_limit(round_id, seconds)``: the per-speaker soft limit.

The speaker's timer is ``RoundView.elapsed_seconds(now)``: seconds already spoken plus the
time since their turn began (kept in the database, so it survives a restart).
Entries (check-ins, goals, attendance) are saved by ``RoundEntryService``.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import checkins
from app.services import validation as check
from app.services.accountability.history import members_on
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today, local_day_start
from app.services.goals.service import GoalRow
from app.services.lookup import live
from app.services.round.commit import CardCommit, CheckInCommit
from app.services.round.entries import CommittedCheckIn, commit_check_in, commit_goals, open_entry
from app.services.round.view import (
    RoundView,
    derive_round_id,
    derive_turn_id,
    flushed_view,
    forget_turns,
    load_turns,
    next_speaker,
    seconds_between,
    turn_row,
    view,
)
from app.services.sessions import SessionRow
from app.services.sessions import to_row as session_row
from models import (
    Cohort,
    GroupSession,
    Participant,
    RoundKind,
    RoundOrder,
    RoundState,
    RoundTurn,
    SessionStatus,
    TurnStatus,
)

ROUND_NAMES = {RoundKind.CHECK_IN: "check-in", RoundKind.CLOSING: "closing"}


@dataclass(frozen=True, slots=True)
class AdvancedRound:
    """``commit_and_advance``'s result: the round moved on, and what the card stored."""

    view: RoundView
    check_in: CommittedCheckIn | None  # a check-in round's card
    goals: tuple[GoalRow, ...]  # a closing round's card


class RoundService:
    """Starts, moves and resumes rounds; see the module docstring for the calls."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def sessions_today(self, cohort_id: uuid.UUID) -> list[SessionRow]:
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            today = cohort_today(zone, self._context.now())
            rows = db.scalars(
                select(GroupSession)
                .where(
                    GroupSession.cohort_id == cohort_id,
                    GroupSession.deleted.is_(False),
                    GroupSession.status != SessionStatus.CANCELLED,
                    GroupSession.scheduled_start >= local_day_start(today, zone),
                    GroupSession.scheduled_start
                    < local_day_start(today + dt.timedelta(days=1), zone),
                )
                .order_by(GroupSession.scheduled_start)
            )
            return [session_row(s, zone) for s in rows]

    def start(
        self,
        session_id: uuid.UUID,
        kind: RoundKind = RoundKind.CHECK_IN,
        *,
        order: RoundOrder = RoundOrder.ALPHABETICAL,
        seed: int | None = None,
    ) -> RoundView:
        """Begin the session's round of ``kind``, or return it as saved if it exists."""
        kind = check.choice("kind", kind, RoundKind, label="round")
        order = check.choice("order", order, RoundOrder)
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            existing = db.get(RoundState, derive_round_id(session_id, kind))
            if existing is not None and not existing.deleted:
                return view(db, existing)
            return self._create(db, session, kind, order, seed)

    def start_unscheduled(
        self,
        cohort_id: uuid.UUID,
        kind: RoundKind = RoundKind.CHECK_IN,
        *,
        order: RoundOrder = RoundOrder.ALPHABETICAL,
        seed: int | None = None,
        topic: str = "",
    ) -> RoundView:
        """A session starting now, outside the schedule, and its round, in one step."""
        topic = check.text("topic", topic, max_length=200)
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            session = GroupSession(
                cohort_id=cohort_id,
                scheduled_start=self._context.now().astimezone(dt.UTC),
                planned_minutes=cohort.planned_minutes,
                status=SessionStatus.SCHEDULED,
                topic=topic,
                facilitator=cohort.facilitators.split(",")[0].strip(),
            )
            db.add(session)
            db.flush()
            return self._create(db, session, kind, order, seed)

    def find(self, session_id: uuid.UUID, kind: RoundKind = RoundKind.CHECK_IN) -> RoundView | None:
        with self._context.database.read() as db:
            state = db.get(RoundState, derive_round_id(session_id, kind))
            return None if state is None or state.deleted else view(db, state)

    def get(self, round_id: uuid.UUID) -> RoundView:
        with self._context.database.read() as db:
            return view(db, live(db, RoundState, round_id, "round"))

    def in_progress(self, cohort_id: uuid.UUID | None = None) -> list[RoundView]:
        """Unfinished rounds, newest session first: what to offer to resume at start-up."""
        with self._context.database.read() as db:
            query = (
                select(RoundState)
                .join(GroupSession, GroupSession.id == RoundState.session_id)
                .where(RoundState.deleted.is_(False), RoundState.finished_at.is_(None))
                .order_by(GroupSession.scheduled_start.desc())
            )
            if cohort_id is not None:
                query = query.where(GroupSession.cohort_id == cohort_id)
            return [view(db, s) for s in db.scalars(query)]

    def set_order(
        self,
        round_id: uuid.UUID,
        method: RoundOrder,
        *,
        seed: int | None = None,
        custom: Sequence[uuid.UUID] | None = None,
    ) -> RoundView:
        """Reorder those who have not spoken; those who have keep their places at the front."""
        method = check.choice("order", method, RoundOrder)
        with self._context.database.write() as db:
            state = _unfinished(db, round_id)
            session = live(db, GroupSession, state.session_id, "session")
            turns = _turns(db, state.id)
            done = [t for t in turns if t.status is TurnStatus.DONE]
            rest = [t.participant_id for t in turns if t.status is not TurnStatus.DONE]
            names = _names(db, rest)
            if method is RoundOrder.CUSTOM:
                if custom is None or sorted(custom) != sorted(rest):
                    raise InvalidInput("custom", "Give everyone still to speak, once each.")
                ordered, used_seed = list(custom), None
            else:
                method, ordered, used_seed = _ordered(db, session, state.kind, method, seed, names)
            by_id = {t.participant_id: t for t in turns}
            for position, pid in enumerate([t.participant_id for t in done] + ordered):
                by_id[pid].position = position
            state.order_method, state.seed = method, used_seed
            self._move_to(state, by_id, ordered[0] if ordered else None)
            return flushed_view(db, state)

    def advance(self, round_id: uuid.UUID) -> RoundView:
        """The speaker is done; move to the next one (waiting first, then skipped)."""
        return self._step(round_id, TurnStatus.DONE)

    def commit_and_advance(
        self, round_id: uuid.UUID, participant_id: uuid.UUID, card: CardCommit
    ) -> AdvancedRound:
        """Enter: commit the speaker's card and move to the next speaker, in one unit of work.

        Refused, with nothing written, when ``participant_id`` is not the speaker any more,
        when the card is not of the round's kind, or when any part of the card is.
        """
        values = checkins.validated(card.draft) if isinstance(card, CheckInCommit) else None
        with self._context.database.write() as db:
            state = _unfinished(db, round_id)
            if state.current_participant_id != participant_id:
                raise InvalidInput("round", "The round has moved on; their card was not saved.")
            kind = RoundKind.CHECK_IN if values is not None else RoundKind.CLOSING
            if state.kind is not kind:
                raise InvalidInput(
                    "round", f"That card is for the {ROUND_NAMES[kind]} round, not this one."
                )
            session, participant, cohort = open_entry(db, state.session_id, participant_id)
            now = self._context.now()
            check_in: CommittedCheckIn | None = None
            goals: tuple[GoalRow, ...] = ()
            if isinstance(card, CheckInCommit):
                assert values is not None
                check_in = commit_check_in(
                    db, session, participant, cohort, values, card.report_backs, now
                )
            else:
                goals = tuple(commit_goals(db, session, participant, card.lines, now))
            return AdvancedRound(self._step_in(db, state, TurnStatus.DONE), check_in, goals)

    def skip(self, round_id: uuid.UUID) -> RoundView:
        """Pass over the speaker for now; the round comes back to them after the others."""
        return self._step(round_id, TurnStatus.SKIPPED)

    def go_to(self, round_id: uuid.UUID, participant_id: uuid.UUID) -> RoundView:
        """Make ``participant_id`` the speaker (coming back to someone skipped, or revisiting)."""
        with self._context.database.write() as db:
            state = _unfinished(db, round_id)
            by_id = {t.participant_id: t for t in _turns(db, state.id)}
            if participant_id not in by_id:
                raise InvalidInput("participant", "That person is not in this round.")
            if by_id[participant_id].status is TurnStatus.SKIPPED:
                by_id[participant_id].status = TurnStatus.WAITING
            self._move_to(state, by_id, participant_id)
            return flushed_view(db, state)

    def include(self, round_id: uuid.UUID, participant_id: uuid.UUID) -> RoundView:
        """Add a member who joined after the round began, at the end of the order."""
        with self._context.database.write() as db:
            state = _unfinished(db, round_id)
            session = live(db, GroupSession, state.session_id, "session")
            live(db, Participant, participant_id, "participant")
            day = session.scheduled_start.astimezone(_zone(db, session)).date()
            if participant_id not in {
                m.participant_id for m in members_on(db, session.cohort_id, day)
            }:
                raise InvalidInput("participant", "They are not a member of this cohort that day.")
            turns = _turns(db, state.id)
            if any(t.participant_id == participant_id for t in turns):
                return view(db, state)
            db.add(_turn(state.id, participant_id, len(turns)))
            forget_turns(db, state.id)
            if state.current_participant_id is None:
                state.current_participant_id = participant_id
                state.current_started_at = self._context.now()
            return flushed_view(db, state)

    def set_soft_limit(self, round_id: uuid.UUID, seconds: int | None) -> RoundView:
        if seconds is not None:
            check.integer("soft_limit_seconds", seconds, 15, 30 * 60, label="time per speaker")
        with self._context.database.write() as db:
            state = live(db, RoundState, round_id, "round")
            state.soft_limit_seconds = seconds
            return flushed_view(db, state)

    def finish(self, round_id: uuid.UUID) -> RoundView:
        """Close the round (anyone still skipped did not speak)."""
        with self._context.database.write() as db:
            state = _unfinished(db, round_id)
            by_id = {t.participant_id: t for t in _turns(db, state.id)}
            self._move_to(state, by_id, None)
            state.finished_at = self._context.now()
            return flushed_view(db, state)

    # -- helpers -------------------------------------------------------------------------

    def _step(self, round_id: uuid.UUID, status: TurnStatus) -> RoundView:
        with self._context.database.write() as db:
            return self._step_in(db, _unfinished(db, round_id), status)

    def _step_in(self, db: Session, state: RoundState, status: TurnStatus) -> RoundView:
        turns = _turns(db, state.id)
        by_id = {t.participant_id: t for t in turns}
        current = state.current_participant_id
        if current is None or current not in by_id:
            raise InvalidInput("round", "Nobody is speaking; choose who speaks next.")
        if status is TurnStatus.DONE or by_id[current].status is not TurnStatus.DONE:
            by_id[current].status = status
        rows = [turn_row(t, "", "") for t in turns]
        self._move_to(state, by_id, next_speaker(rows, current))
        return flushed_view(db, state)

    def _move_to(
        self, state: RoundState, by_id: dict[uuid.UUID, RoundTurn], target: uuid.UUID | None
    ) -> None:
        """Bank the current speaker's time and make ``target`` the speaker from now."""
        now = self._context.now()
        current = state.current_participant_id
        if current is not None and current in by_id and state.current_started_at is not None:
            by_id[current].seconds_spoken += seconds_between(state.current_started_at, now)
        state.current_participant_id = target
        state.current_started_at = now if target is not None else None

    def _create(
        self,
        db: Session,
        session: GroupSession,
        kind: RoundKind,
        order: RoundOrder,
        seed: int | None,
    ) -> RoundView:
        if session.status is SessionStatus.CANCELLED:
            raise InvalidInput("session", "This session was cancelled; it has no round.")
        day = session.scheduled_start.astimezone(_zone(db, session)).date()
        members = members_on(db, session.cohort_id, day)
        if not members:
            raise InvalidInput("session", "Nobody is enrolled in this cohort on that day.")
        names = {m.participant_id: m.display_name for m in members}
        order, ordered, used_seed = _ordered(db, session, kind, order, seed, names)
        state = RoundState(
            id=derive_round_id(session.id, kind),
            session_id=session.id,
            kind=kind,
            order_method=order,
            seed=used_seed,
            current_participant_id=ordered[0],
            current_started_at=self._context.now(),
            started_at=self._context.now(),
        )
        db.add(state)
        db.flush()
        db.add_all(_turn(state.id, pid, position) for position, pid in enumerate(ordered))
        return flushed_view(db, state)


def _ordered(
    db: Session,
    session: GroupSession,
    kind: RoundKind,
    method: RoundOrder,
    seed: int | None,
    names: dict[uuid.UUID, str],
) -> tuple[RoundOrder, list[uuid.UUID], int | None]:
    """(the method used, the order, the seed) for the people in ``names``."""
    alphabetical = sorted(names, key=lambda pid: (names[pid].casefold(), str(pid)))
    if method is RoundOrder.RANDOM:
        used = seed if seed is not None else secrets.randbelow(2**31)
        random.Random(used).shuffle(alphabetical)  # noqa: S311 (a reproducible order, not a secret)
        return method, alphabetical, used
    if method is RoundOrder.REVERSE_LAST:
        last = _previous_order(db, session, kind)
        if last:
            reversed_last = [pid for pid in reversed(last) if pid in names]
            newcomers = [pid for pid in alphabetical if pid not in reversed_last]
            return method, reversed_last + newcomers, None
    return RoundOrder.ALPHABETICAL, alphabetical, None


def _previous_order(db: Session, session: GroupSession, kind: RoundKind) -> list[uuid.UUID]:
    """The speaking order of the cohort's latest earlier round of the same kind."""
    previous = db.scalar(
        select(RoundState.id)
        .join(GroupSession, GroupSession.id == RoundState.session_id)
        .where(
            GroupSession.cohort_id == session.cohort_id,
            GroupSession.scheduled_start < session.scheduled_start,
            GroupSession.deleted.is_(False),
            RoundState.kind == kind,
            RoundState.deleted.is_(False),
        )
        .order_by(GroupSession.scheduled_start.desc())
        .limit(1)
    )
    return [] if previous is None else [t.participant_id for t in _turns(db, previous)]


def _unfinished(db: Session, round_id: uuid.UUID) -> RoundState:
    state = live(db, RoundState, round_id, "round")
    if state.finished_at is not None:
        raise InvalidInput("round", "This round is finished.")
    return state


def _turns(db: Session, round_id: uuid.UUID) -> list[RoundTurn]:
    return load_turns(db, round_id)


def _turn(state_id: uuid.UUID, participant_id: uuid.UUID, position: int) -> RoundTurn:
    return RoundTurn(
        id=derive_turn_id(state_id, participant_id),
        round_id=state_id,
        participant_id=participant_id,
        position=position,
        status=TurnStatus.WAITING,
        seconds_spoken=0,
    )


def _names(db: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(
        db.execute(
            select(Participant.id, Participant.display_name).where(Participant.id.in_(ids))
        ).all()
    )


def _zone(db: Session, session: GroupSession) -> ZoneInfo:
    return ZoneInfo(live(db, Cohort, session.cohort_id, "cohort").timezone)
