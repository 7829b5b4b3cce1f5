"""Undoable goal edits (QUndoCommand) and the queue that runs their writes one at a time."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from app.services.goals.board import BoardGoal
from app.services.goals.service import GoalRow, GoalService
from app.tasks import TaskRunner
from models import ReviewOutcome
from views.errors import user_message
from views.goals.goal_models import OUTCOME_TEXT

Work = Callable[[], Any]
OnSuccess = Callable[[Any], None]
OnFailure = Callable[[Exception], None]


class SerialWrites(QObject):
    """Runs writes through the task runner strictly in order, one at a time.

    An undo must never overtake the write it undoes, and the runner's pool runs tasks side
    by side; so writes queue here. ``written()`` follows each successful write; a refused
    one calls its ``on_failure(error)`` (else emits ``failed(message)``) and empties the
    queue, since later steps assumed it had worked.
    """

    written = Signal()
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._queue: deque[tuple[Work, OnSuccess | None, OnFailure | None]] = deque()
        self._running = False

    @property
    def busy(self) -> bool:
        return self._running or bool(self._queue)

    def run(
        self,
        work: Work,
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
    ) -> None:
        self._queue.append((work, on_success, on_failure))
        if not self._running:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self._running = False
            return
        self._running = True
        work, on_success, on_failure = self._queue.popleft()

        def succeeded(result: Any) -> None:
            if on_success is not None:
                on_success(result)
            self.written.emit()

        def failed(error: Exception) -> None:
            self._queue.clear()
            if on_failure is not None:
                on_failure(error)
            else:
                self.failed.emit(user_message(error))

        handle = self._tasks.submit(
            work, on_success=succeeded, on_failure=failed, owner=self, name="goal write"
        )
        handle.finished.connect(self._next)


class WriteCommand(QUndoCommand):
    """A command pushed after its first write succeeded: the stack's first ``redo()`` is
    skipped; later redos and undos queue their writes on ``writes``."""

    def __init__(self, text: str, writes: SerialWrites) -> None:
        super().__init__(text)
        self._writes = writes
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self.write_again()

    def write_again(self) -> None:
        raise NotImplementedError


class RecordOutcomeCommand(WriteCommand):
    """The report-back on ``goal`` at ``session_id`` (and its carrying forward, if asked)."""

    def __init__(
        self,
        writes: SerialWrites,
        goals: GoalService,
        goal: BoardGoal,
        session_id: uuid.UUID,
        outcome: ReviewOutcome,
        barrier_note: str,
        *,
        carry_forward: bool,
    ) -> None:
        action = "carry forward" if carry_forward else f"record “{OUTCOME_TEXT[outcome].lower()}”"
        super().__init__(f"{action} for {goal.participant_name}", writes)
        self._goals, self.goal = goals, goal
        self._session_id, self._outcome, self._note = session_id, outcome, barrier_note
        self._carry = carry_forward

    def write(self) -> Work:
        """The write itself: what the page runs first, and what a redo runs again."""
        goals, goal_id, session_id = self._goals, self.goal.id, self._session_id
        outcome, note = self._outcome, self._note
        if self._carry:
            return lambda: goals.carry_forward(goal_id, session_id, outcome, barrier_note=note)
        return lambda: goals.review(goal_id, session_id, outcome, barrier_note=note)

    def write_again(self) -> None:
        self._writes.run(self.write())

    def undo(self) -> None:
        goals, goal_id = self._goals, self.goal.id
        self._writes.run(lambda: goals.undo_review(goal_id))


class SetGoalCommand(WriteCommand):
    """A goal set for the coming week; undoing takes it back (while nobody reviewed it)."""

    def __init__(
        self,
        writes: SerialWrites,
        goals: GoalService,
        participant: tuple[uuid.UUID, str],
        session_id: uuid.UUID,
        text: str,
        domain: str,
    ) -> None:
        super().__init__(f"set a goal for {participant[1]}", writes)
        self._goals = goals
        self._participant_id, self._session_id = participant[0], session_id
        self._text, self._domain = text, domain
        # A plain holder, not an attribute of this command: the write reads it on a worker,
        # and the command may be gone by then (a lock clears the undo stack).
        self._set_ids: list[uuid.UUID] = []

    @property
    def goal_id(self) -> uuid.UUID | None:
        return self._set_ids[-1] if self._set_ids else None

    def write(self) -> Callable[[], GoalRow]:
        goals, who, session = self._goals, self._participant_id, self._session_id
        text, domain = self._text, self._domain
        return lambda: goals.set_goal(who, session, text, domain)

    def remember(self, row: GoalRow) -> None:
        self._set_ids.append(row.id)

    def write_again(self) -> None:
        self._writes.run(self.write(), self.remember)

    def undo(self) -> None:
        goals, ids = self._goals, self._set_ids
        # The id is read when the write runs: the queue puts the redo's result in first.
        self._writes.run(lambda: goals.retract(ids[-1]))
