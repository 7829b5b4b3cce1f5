"""The live round's state on the GUI side: moves shown at once, saved in order, cards prefetched."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.accountability.cards import ParticipantCard
from app.services.accountability.service import Evaluation
from app.services.changes import Changes
from app.services.round.commit import CardCommit
from app.services.round.drafts import DraftRow
from app.services.round.entries import CardState, PresenceRow
from app.services.round.view import RoundView
from models import RoundKind, RoundOrder, TurnStatus
from views.errors import user_message
from views.live.round_prediction import predicted
from views.live.write_queue import SerialLane

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.container import Services
    from app.services.sessions import SessionRow
    from app.tasks import TaskRunner


@dataclass(frozen=True, slots=True)
class RoundSetup:
    """Everything a round window needs to begin: loaded once, off the GUI thread."""

    session: SessionRow
    cohort: CohortRow
    round: RoundView
    evaluation: Evaluation
    state: CardState | None  # the current speaker's
    presence: tuple[PresenceRow, ...]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RoundController(QObject):
    """Holds one round and talks to the services for the round window.

    A move (``commit_and_advance``, ``skip``, ``go_to``) changes ``view`` at once, so the
    next card appears without waiting, and queues its writes on one ordered lane
    (``SerialLane``); the saved round that comes back replaces the prediction once no other
    move is pending. The card of whoever is next is read ahead (``state_ready``), so the
    window can build it before Enter. Drafts typed into a card are kept locally until saved
    (``unsaved``), so nothing typed can be lost between a keystroke and its save.
    ``refresh(changes)`` reads the engine's cards and the presence marks again after a
    change elsewhere (the saved round too, after an import); ``refreshed`` follows.
    """

    loaded = Signal(object)  # RoundSetup
    round_changed = Signal(object)  # RoundView (predicted or saved)
    speaker_changed = Signal(object)  # uuid.UUID | None: show this person's card
    state_ready = Signal(object)  # CardState
    presence_changed = Signal(object)  # PresenceRow
    draft_saved = Signal(float, float)  # requested, saved (time.perf_counter seconds)
    refreshed = Signal()  # the engine's cards and presence were read again (refresh)
    failed = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.clock = clock
        self.lane = SerialLane(tasks, self)
        self.setup: RoundSetup | None = None
        self.view: RoundView | None = None
        self.states: dict[uuid.UUID, CardState] = {}
        self.unsaved: dict[uuid.UUID, dict[str, str]] = {}
        self._pending_moves = 0
        self._asked: set[uuid.UUID] = set()

    # -- opening --------------------------------------------------------------------------

    def open(
        self,
        *,
        session_id: uuid.UUID | None,
        cohort_id: uuid.UUID,
        kind: RoundKind = RoundKind.CHECK_IN,
        order: RoundOrder = RoundOrder.ALPHABETICAL,
        soft_limit: int | None = None,
    ) -> None:
        """Begin (or resume) the session's round of ``kind``; None: an unscheduled session."""
        s = self.services

        def load() -> RoundSetup:
            if session_id is None:
                view = s.rounds.start_unscheduled(cohort_id, kind, order=order)
            else:
                view = s.rounds.start(session_id, kind, order=order)
            if soft_limit is not None and view.soft_limit_seconds is None and not view.finished_at:
                view = s.rounds.set_soft_limit(view.id, soft_limit)
            current = view.current_participant_id
            return RoundSetup(
                s.sessions.get(view.session_id),
                s.cohorts.get(view.cohort_id),
                view,
                s.accountability.evaluate(view.session_id),
                s.round_entries.card_state(view.session_id, current, kind) if current else None,
                tuple(s.round_entries.presence(view.session_id)),
            )

        self.lane.submit(load, on_success=self._on_loaded, on_failure=self._fail, name="open round")

    def _on_loaded(self, setup: RoundSetup) -> None:
        self.setup, self.states, self._asked = setup, {}, set()
        if setup.state is not None:
            self.states[setup.state.participant_id] = setup.state
            self._asked.add(setup.state.participant_id)
        self.view = setup.round
        self.loaded.emit(setup)
        self.round_changed.emit(self.view)
        self.speaker_changed.emit(self.view.current_participant_id)
        self._read_ahead()

    @property
    def kind(self) -> RoundKind:
        return self.view.kind if self.view is not None else RoundKind.CHECK_IN

    def card(self, participant_id: uuid.UUID) -> ParticipantCard:
        """The engine's card for the person (an empty one for someone it does not know)."""
        assert self.setup is not None
        for card in self.setup.evaluation.cards:
            if card.participant_id == participant_id:
                return card
        turn = next(t for t in self.setup.round.turns if t.participant_id == participant_id)
        return ParticipantCard(
            participant_id,
            turn.display_name,
            turn.pronouns,
            None,
            (),
            (),
            (),
            False,
            (),
            None,
            (),
            (),
        )

    def state(self, participant_id: uuid.UUID) -> CardState | None:
        """The person's saved card state with what is still unsaved laid over it."""
        state = self.states.get(participant_id)
        local = self.unsaved.get(participant_id)
        if state is None or local is None:
            return state
        draft = DraftRow(
            state.draft.session_id if state.draft else self._session_id(),
            participant_id,
            self.kind,
            tuple(local.items()),
            self.clock(),
        )
        return dataclasses.replace(state, draft=draft)

    @property
    def next_up(self) -> uuid.UUID | None:
        if self.view is None or self.view.next_up is None:
            return None
        return self.view.next_up.participant_id

    @property
    def idle(self) -> bool:
        return self.lane.idle and self._pending_moves == 0

    # -- typing ---------------------------------------------------------------------------

    def save_draft(self, participant_id: uuid.UUID, fields: Mapping[str, str]) -> None:
        """Keep the card's typed text (a local, never-synced draft), after the latest save."""
        copy = dict(fields)
        self.unsaved[participant_id] = copy
        session_id, kind, entries = self._session_id(), self.kind, self.services.round_entries
        requested = time.perf_counter()

        def save() -> float:
            entries.save_draft(session_id, participant_id, kind, copy)
            return time.perf_counter()

        def saved(at: float) -> None:
            if self.unsaved.get(participant_id) is copy:
                del self.unsaved[participant_id]
                self._forget_state(participant_id)
            self.draft_saved.emit(requested, at)

        self.lane.submit(
            save, on_success=saved, on_failure=self._fail, coalesce=f"draft/{participant_id}"
        )

    # -- moves ------------------------------------------------------------------------------

    def commit_and_advance(self, fields: Mapping[str, str], card: CardCommit) -> None:
        """Enter: commit the speaker's card and move to the next person, in one service call
        (one transaction); the next person is shown at once."""
        view = self.view
        if view is None or view.current_participant_id is None:
            return
        speaker, rounds = view.current_participant_id, self.services.rounds
        self.unsaved[speaker] = dict(fields)
        self.lane.drop(f"draft/{speaker}")  # the commit deletes the draft anyway

        def work() -> RoundView:
            return rounds.commit_and_advance(view.id, speaker, card).view

        def done(saved: RoundView) -> None:
            self.unsaved.pop(speaker, None)
            self._forget_state(speaker)
            self._on_moved(saved)

        self._move(predicted(view, TurnStatus.DONE, None, self.clock()), work, done, view)

    def skip(self, fields: Mapping[str, str] | None) -> None:
        """Pass over the speaker for now (what was typed stays as their draft)."""
        view = self.view
        if view is None or view.current_participant_id is None:
            return
        if fields is not None:
            self.save_draft(view.current_participant_id, fields)
        rounds = self.services.rounds
        work = lambda: rounds.skip(view.id)  # noqa: E731
        self._move(
            predicted(view, TurnStatus.SKIPPED, None, self.clock()), work, self._on_moved, view
        )

    def go_to(self, participant_id: uuid.UUID, fields: Mapping[str, str] | None) -> None:
        """Come back to someone (skipped, or to fix an entry)."""
        view = self.view
        if view is None or participant_id == view.current_participant_id:
            return
        if fields is not None and view.current_participant_id is not None:
            self.save_draft(view.current_participant_id, fields)
        rounds = self.services.rounds
        work = lambda: rounds.go_to(view.id, participant_id)  # noqa: E731
        self._move(predicted(view, None, participant_id, self.clock()), work, self._on_moved, view)

    def set_order(self, method: RoundOrder) -> None:
        view = self.view
        if view is None or view.finished_at is not None:
            return
        rounds = self.services.rounds
        self._pending_moves += 1
        self.lane.submit(
            lambda: rounds.set_order(view.id, method),
            on_success=self._on_moved,
            on_failure=lambda error: self._on_move_failed(view, error),
        )

    def set_soft_limit(self, seconds: int | None) -> None:
        view = self.view
        if view is None:
            return
        rounds = self.services.rounds
        self.lane.submit(
            lambda: rounds.set_soft_limit(view.id, seconds),
            on_success=self._on_settings_saved,
            on_failure=self._fail,
        )

    def finish(self) -> None:
        view = self.view
        if view is None or view.finished_at is not None:
            return
        rounds = self.services.rounds
        self._move(
            dataclasses.replace(view, current_participant_id=None, finished_at=self.clock()),
            lambda: rounds.finish(view.id),
            self._on_moved,
            view,
        )

    def mark_late(self, participant_id: uuid.UUID) -> None:
        entries, session_id = self.services.round_entries, self._session_id()
        self.lane.submit(
            lambda: entries.arrived(session_id, participant_id),
            on_success=self.presence_changed.emit,
            on_failure=self._fail,
        )

    def mark_left_early(self, participant_id: uuid.UUID) -> None:
        entries, session_id = self.services.round_entries, self._session_id()
        self.lane.submit(
            lambda: entries.left_early(session_id, participant_id),
            on_success=self.presence_changed.emit,
            on_failure=self._fail,
        )

    # -- changes made elsewhere --------------------------------------------------------------

    def refresh(self, changes: Changes) -> None:
        """Read the cards, the presence marks (and, after an import, the round) again.

        Queued on the lane, so it reads after every write this window has asked for. The
        card states of the people the change names are read again when next needed.
        """
        setup, view = self.setup, self.view
        if setup is None or view is None:
            return
        s, session_id, round_id, everything = (
            self.services,
            view.session_id,
            view.id,
            (changes.everything),
        )
        people = set(changes.participants)

        def load() -> tuple[Evaluation, tuple[PresenceRow, ...], RoundView | None]:
            return (
                s.accountability.evaluate(session_id),
                tuple(s.round_entries.presence(session_id)),
                s.rounds.get(round_id) if everything else None,
            )

        def done(loaded: tuple[Evaluation, tuple[PresenceRow, ...], RoundView | None]) -> None:
            evaluation, presence, saved = loaded
            if self.setup is None or self.view is None or self.view.id != round_id:
                return
            self.setup = dataclasses.replace(self.setup, evaluation=evaluation, presence=presence)
            for person in list(self.states) if everything else people:
                self._forget_state(person)  # after every read queued before this one
            for row in presence:
                self.presence_changed.emit(row)
            if saved is not None and self._pending_moves == 0:
                self._show(saved)
            self.refreshed.emit()
            self._read_ahead()

        self.lane.submit(
            load, on_success=done, on_failure=self._fail, coalesce="refresh", name="refresh"
        )

    # -- internals --------------------------------------------------------------------------

    def _move(
        self,
        guess: RoundView,
        work: Callable[[], RoundView],
        done: Callable[[RoundView], None],
        before: RoundView,
    ) -> None:
        self._pending_moves += 1
        self.lane.submit(
            work, on_success=done, on_failure=lambda e: self._on_move_failed(before, e)
        )
        self._show(guess)

    def _show(self, view: RoundView) -> None:
        speaker_moved = (
            self.view is None or view.current_participant_id != self.view.current_participant_id
        )
        self.view = view
        self.round_changed.emit(view)
        if speaker_moved:
            self.speaker_changed.emit(view.current_participant_id)
        self._read_ahead()

    def _on_moved(self, saved: RoundView) -> None:
        self._pending_moves -= 1
        if self._pending_moves == 0:
            self._show(saved)

    def _on_settings_saved(self, saved: RoundView) -> None:
        if self._pending_moves == 0:
            self._show(saved)

    def _on_move_failed(self, before: RoundView, error: Exception) -> None:
        self._pending_moves -= 1
        self._fail(error)
        if self._pending_moves == 0:
            self._asked.clear()
            self._show(before)

    def _read_ahead(self) -> None:
        """Read the cards of the speaker and of whoever is next, once each, in order."""
        if self.view is None:
            return
        upcoming = self.next_up
        for pid in (self.view.current_participant_id, upcoming):
            if pid is None or pid in self._asked:
                continue
            if pid in self.states:
                if pid == upcoming:  # known already: say so once the move is on screen
                    QTimer.singleShot(0, self, lambda pid=pid: self._announce(pid))
                continue
            self._asked.add(pid)
            self._read(pid)

    def _announce(self, participant_id: uuid.UUID) -> None:
        state = self.state(participant_id)
        if state is not None and participant_id == self.next_up:
            self.state_ready.emit(state)

    def _read(self, participant_id: uuid.UUID) -> None:
        entries, session_id, kind = self.services.round_entries, self._session_id(), self.kind
        self.lane.submit(
            lambda: entries.card_state(session_id, participant_id, kind),
            on_success=self._on_state,
            on_failure=self._fail,
            name="read a card",
        )

    def _on_state(self, state: CardState) -> None:
        self._asked.discard(state.participant_id)
        self.states[state.participant_id] = state
        self.state_ready.emit(self.state(state.participant_id))

    def _forget_state(self, participant_id: uuid.UUID) -> None:
        """The saved state changed: read it again when the card is next needed."""
        self.states.pop(participant_id, None)

    def _session_id(self) -> uuid.UUID:
        assert self.view is not None
        return self.view.session_id

    def _fail(self, error: Exception) -> None:
        self.failed.emit(user_message(error))
