"""What every desk page shares: its contract with the window and its honest empty states."""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStackedLayout, QWidget

from app.tasks import TaskRunner
from views.empty_state import EmptyState
from views.shell.locked import locked_stand_in

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.container import Services
    from app.services.search import SearchHit


class DeskPage(QWidget):
    """One page of the desk, hosted by the main window.

    Contract: ``key`` (stable, kept in the settings) and ``title`` name the page. The window
    calls ``set_cohort(row)`` whenever the selected cohort changes, with None when there is
    no cohort at all; the page then shows that cohort (or the empty state that teaches the
    next step). ``new_cohort_requested`` asks for the new-cohort dialog; ``page_requested(key)``
    asks the window to show another page; ``loaded`` says the cohort's data (or its empty
    state) is on screen (tests and the end-to-end probe wait on it). A page gets its
    collaborators in the constructor and does every database call through the task runner.

    Optional: ``undo_stack`` (a QUndoStack or None); the window's Edit ▸ Undo/Redo follow
    the stack of the page on show. ``show_record(hit)`` is called after a global-search
    result was opened on this page, with the hit's cohort already selected (or about to
    be): select that record once the page has loaded it. The default does nothing.

    The lock contract (the LockController calls both; see views/shell/lock_controller.py):

    ``clear()`` — the vault is locking. Called on the GUI thread after the task runner has
    been drained (no result of an earlier task arrives afterwards) and before the engine is
    disposed. Synchronously drop every piece of participant data the page shows or holds:
    reset item models to empty, clear forms, labels, tooltips and charts, empty the undo
    stack, and forget the services (``super().clear()`` swaps ``self._services`` for a
    stand-in that raises ``views.shell.locked.VaultLocked``). Keep only where the user was, as
    ids and plain UI state (tab, selected record id, sort column), never participant text.
    Idempotent.

    ``restore(services)`` — the vault is open again. ``services`` are new (the old ones
    belong to the disposed engine). Called before the window re-selects the cohort: the
    page then receives ``set_cohort(row)`` as usual, loads, and re-applies what ``clear()``
    kept. ``super().restore(services)`` installs the services.
    """

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""

    new_cohort_requested = Signal()
    page_requested = Signal(str)
    loaded = Signal()  # the selected cohort's data (or its empty state) is on screen
    undo_stack: QUndoStack | None = None

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{self.key}Page")
        self.setAccessibleName(self.title)
        self._services = services
        self._tasks = tasks
        self.cohort: CohortRow | None = None
        self.empty_state = EmptyState(self)
        self.empty_state.setObjectName(f"{self.key}EmptyState")
        self.empty_state.action_triggered.connect(self.new_cohort_requested)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty_state)
        self.empty_state.show_state("Loading…", "Reading the vault’s cohorts.")

    def set_cohort(self, cohort: CohortRow | None) -> None:
        self.cohort = cohort
        if cohort is None:
            self.empty_state.show_state(
                "Create your first cohort", self.no_cohort_text(), "Create a cohort…"
            )
        else:
            self.show_cohort(cohort)

    # -- the lock contract (see the class docstring) ---------------------------------------

    def clear(self) -> None:
        self.cohort = None
        self._services = locked_stand_in("services")
        if self.undo_stack is not None:
            self.undo_stack.clear()
        self.empty_state.show_state("Locked", "")
        self._stack.setCurrentWidget(self.empty_state)

    def undo(self) -> None:
        """Edit ▸ Undo (the window's Ctrl+Z) on this page; pages may add their own checks."""
        if self.undo_stack is not None and self.undo_stack.canUndo():
            self.undo_stack.undo()

    def redo(self) -> None:
        if self.undo_stack is not None and self.undo_stack.canRedo():
            self.undo_stack.redo()

    def restore(self, services: Services) -> None:
        self._services = services
        self.empty_state.show_state("Loading…", "Reading the vault’s cohorts.")

    def show_record(self, hit: SearchHit) -> None:
        """Select the record ``hit`` names once it is loaded; pages that list records do."""
        del hit

    def no_cohort_text(self) -> str:
        """Why this page needs a cohort, in one or two sentences."""
        raise NotImplementedError

    def show_cohort(self, cohort: CohortRow) -> None:
        """Show ``cohort``; issue 3 replaces this with the page's real content."""
        raise NotImplementedError

    def count_sessions(self, cohort: CohortRow) -> None:
        """Load how many sessions ``cohort`` has, then call ``show_session_count``."""
        sessions = self._services.sessions
        self._tasks.submit(
            lambda: (cohort, len(sessions.for_cohort(cohort.id))),
            on_success=self._on_sessions_counted,
            on_failure=self._on_failed,
            key=f"{self.key}-session-count",  # a newer cohort's count supersedes this one
            owner=self,
        )

    def _on_sessions_counted(self, counted: tuple[CohortRow, int]) -> None:
        cohort, count = counted
        if self.cohort is not None and self.cohort.id == cohort.id:
            self.show_session_count(cohort, count)
            self.loaded.emit()

    def show_session_count(self, cohort: CohortRow, count: int) -> None:
        raise NotImplementedError

    def _on_failed(self, error: Exception) -> None:
        from views.errors import user_message

        self.empty_state.show_state("This page could not be loaded", user_message(error))


def schedule_text(cohort: CohortRow) -> str:
    """``Mon, Wed, Fri at 18:00 for 180 minutes`` (the cohort's own time zone)."""
    days = ", ".join(calendar.day_abbr[day - 1] for day in cohort.meeting_days)
    return f"{days} at {cohort.start_time:%H:%M} for {cohort.planned_minutes} minutes"


def minimum_hours(cohort: CohortRow) -> str:
    hours = cohort.weekly_minimum_minutes / 60
    return f"{hours:g}\u2011hour"  # a non-breaking hyphen: "9-" must not end a line


def sessions_phrase(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"
