"""The live round's snapshots: ``RoundView`` and its ``TurnRow``s, and who speaks next."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import NotFound
from app.services.ids import NAMESPACE
from models import (
    GroupSession,
    Participant,
    RoundKind,
    RoundOrder,
    RoundState,
    RoundTurn,
    TurnStatus,
)


def derive_round_id(session_id: uuid.UUID, kind: RoundKind) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"round/{session_id}/{kind.value}")


def derive_turn_id(round_id: uuid.UUID, participant_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"round-turn/{round_id}/{participant_id}")


@dataclass(frozen=True, slots=True)
class TurnRow:
    participant_id: uuid.UUID
    display_name: str
    pronouns: str
    position: int
    status: TurnStatus
    seconds_spoken: int  # finished stretches only; see RoundView.elapsed_seconds


@dataclass(frozen=True, slots=True)
class RoundView:
    """A round as saved. ``turns`` are in speaking order; the current speaker's status is
    WAITING (or DONE when revisited) until they are moved past."""

    id: uuid.UUID
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    kind: RoundKind
    order_method: RoundOrder
    seed: int | None
    turns: tuple[TurnRow, ...]
    current_participant_id: uuid.UUID | None
    current_started_at: dt.datetime | None
    soft_limit_seconds: int | None
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def current(self) -> TurnRow | None:
        return next(
            (t for t in self.turns if t.participant_id == self.current_participant_id), None
        )

    @property
    def next_up(self) -> TurnRow | None:
        """Who ``advance`` would move to (prefetch their card)."""
        following = next_speaker(self.turns, self.current_participant_id)
        return next((t for t in self.turns if t.participant_id == following), None)

    @property
    def skipped(self) -> tuple[TurnRow, ...]:
        return tuple(t for t in self.turns if t.status is TurnStatus.SKIPPED)

    @property
    def is_complete(self) -> bool:
        """Finished, or everyone has spoken."""
        return self.finished_at is not None or all(t.status is TurnStatus.DONE for t in self.turns)

    def elapsed_seconds(self, now: dt.datetime) -> int:
        """The current speaker's time so far, for the per-speaker timer."""
        turn = self.current
        if turn is None or self.current_started_at is None:
            return 0
        return turn.seconds_spoken + seconds_between(self.current_started_at, now)


def next_speaker(turns: Sequence[TurnRow], current: uuid.UUID | None) -> uuid.UUID | None:
    """After ``current``: the next one waiting (wrapping round), else the next one skipped."""
    order = sorted(turns, key=lambda t: t.position)
    index = next((i for i, t in enumerate(order) if t.participant_id == current), -1)
    rotated = order[index + 1 :] + order[: index + 1]
    for wanted in (TurnStatus.WAITING, TurnStatus.SKIPPED):
        for turn in rotated:
            if turn.status is wanted and turn.participant_id != current:
                return turn.participant_id
    return None


def seconds_between(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds()))


def turn_row(turn: RoundTurn, name: str, pronouns: str) -> TurnRow:
    return TurnRow(
        turn.participant_id, name, pronouns, turn.position, turn.status, turn.seconds_spoken
    )


def flushed_view(db: Session, state: RoundState) -> RoundView:
    db.flush()
    return view(db, state)


# Turns loaded in this unit of work, with the names and cohort the view needs: a move then
# costs one read, its writes and no re-read (the p95 of a keystroke-driven move is ~2 commits).
_LOADED = "circlekeeper.round_turns"
_Loaded = tuple[uuid.UUID | None, dict[uuid.UUID, tuple[str, str]], list[RoundTurn]]


def load_turns(db: Session, round_id: uuid.UUID) -> list[RoundTurn]:
    """The round's live turns (ORM rows to change), in order; remembered for ``view``."""
    rows = db.execute(
        select(RoundTurn, Participant.display_name, Participant.pronouns, GroupSession.cohort_id)
        .join(Participant, Participant.id == RoundTurn.participant_id)
        .join(RoundState, RoundState.id == RoundTurn.round_id)
        .join(GroupSession, GroupSession.id == RoundState.session_id)
        .where(RoundTurn.round_id == round_id, RoundTurn.deleted.is_(False))
        .order_by(RoundTurn.position, RoundTurn.id)
    ).all()
    names = {turn.participant_id: (name, pronouns) for turn, name, pronouns, _ in rows}
    cohort_id = rows[0][3] if rows else None
    turns = [row[0] for row in rows]
    db.info.setdefault(_LOADED, {})[round_id] = (cohort_id, names, turns)
    return list(turns)


def forget_turns(db: Session, round_id: uuid.UUID) -> None:
    """After adding a turn: the next ``view`` reads them all again."""
    db.info.get(_LOADED, {}).pop(round_id, None)


def view(db: Session, state: RoundState) -> RoundView:
    loaded: _Loaded | None = db.info.get(_LOADED, {}).get(state.id)
    if loaded is None:
        load_turns(db, state.id)
        loaded = db.info[_LOADED][state.id]
    cohort_id, names, turns = loaded
    if cohort_id is None:
        session = db.get(GroupSession, state.session_id)
        if session is None:
            raise NotFound("The round's session")
        cohort_id = session.cohort_id
    ordered = sorted(turns, key=lambda t: (t.position, str(t.id)))
    return RoundView(
        id=state.id,
        session_id=state.session_id,
        cohort_id=cohort_id,
        kind=state.kind,
        order_method=state.order_method,
        seed=state.seed,
        turns=tuple(turn_row(t, *names.get(t.participant_id, ("", ""))) for t in ordered),
        current_participant_id=state.current_participant_id,
        current_started_at=state.current_started_at,
        soft_limit_seconds=state.soft_limit_seconds,
        started_at=state.started_at,
        finished_at=state.finished_at,
    )
