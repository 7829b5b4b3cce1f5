"""What every desk page shares: its contract with the window and the bus, honest empty states."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStackedLayout, QWidget

from app.services.changes import ROUND_PROGRESS, Changes
from app.tasks import TaskRunner
from views.empty_state import EmptyState

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.search import SearchHit


@dataclass(frozen=True, slots=True)
class PagePlace:
    """Where the user was on a page: ids only, never anything a participant said."""

    record_id: uuid.UUID | None = None  # the record selected (a person, a goal)
    session_id: uuid.UUID | None = None  # the session shown
    order: str = ""  # how a list is sorted, in the page's own words ("mood asc")


class DeskPage(QWidget):
    """One page of the desk, hosted by the main window.

    Contract: ``key`` (stable, kept in the settings) and ``title`` name the page. The window
    calls ``set_cohort(row)`` whenever the selected cohort changes, with None when there is
    no cohort at all; the page then shows that cohort (or the empty state that teaches the
    next step). ``new_cohort_requested`` asks for the new-cohort dialog; ``page_requested(key)``
    asks the window to show another page; ``loaded`` says the cohort's data (or its empty
    state) is on screen (tests and the end-to-end probe wait on it). A page gets the
    services it uses in its constructor (never the whole container) and does every
    database call through the task runner.

    The change bus: ``follow_changes(changes)`` is called for each change the task runner
    announces while a cohort is shown; a page reloads what it shows when the change
    concerns it (its cohort, its entities), through a keyed task, keeping the selection and
    the scroll position. Whichever window made the change, every page shows it.

    Optional: ``undo_stack`` (a QUndoStack or None); the window's Edit ▸ Undo/Redo follow
    the stack of the page on show. ``show_record(hit)`` is called after a global-search
    result was opened on this page, with the hit's cohort already selected (or about to
    be): select that record once the page has loaded it. The default does nothing.
    ``place()`` says where the user is on the page (ids only); when the vault is unlocked
    again, the new page built in this one's stead receives it through ``go_to(place)``
    before its cohort is set. A lock destroys the page (the composition root builds a new
    desk at the unlock), so a page keeps nothing of its own across it.
    """

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""

    new_cohort_requested = Signal()
    page_requested = Signal(str)
    loaded = Signal()  # the selected cohort's data (or its empty state) is on screen
    undo_stack: QUndoStack | None = None

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{self.key}Page")
        self.setAccessibleName(self.title)
        self._tasks = tasks
        self.cohort: CohortRow | None = None
        self.empty_state = EmptyState(self)
        self.empty_state.setObjectName(f"{self.key}EmptyState")
        self.empty_state.action_triggered.connect(self.new_cohort_requested)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty_state)
        self.empty_state.show_state("Loading…", "Reading the vault’s cohorts.")
        tasks.changed.connect(self._on_vault_changed)

    def set_cohort(self, cohort: CohortRow | None) -> None:
        self.cohort = cohort
        if cohort is None:
            self.empty_state.show_state(
                "Create your first cohort", self.no_cohort_text(), "Create a cohort…"
            )
        else:
            self.show_cohort(cohort)

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        if self.cohort is not None:
            self.follow_changes(changes)

    def follow_changes(self, changes: Changes) -> None:
        """Reload what this page shows if ``changes`` concern it (see the class docstring)."""
        del changes

    def concerns_cohort(self, changes: Changes) -> bool:
        """Whether ``changes`` touch the cohort shown, beyond whose turn it is in a round."""
        cohort = self.cohort
        return (
            cohort is not None
            and changes.touches_cohort(cohort.id)
            and not changes.only(ROUND_PROGRESS)
        )

    def place(self) -> PagePlace:
        """Where the user is on this page (ids only); nothing by default."""
        return PagePlace()

    def go_to(self, place: PagePlace) -> None:
        """Return to ``place`` once the cohort's data is in (a page built after an unlock)."""
        del place

    def undo(self) -> None:
        """Edit ▸ Undo (the window's Ctrl+Z) on this page; pages may add their own checks."""
        if self.undo_stack is not None and self.undo_stack.canUndo():
            self.undo_stack.undo()

    def redo(self) -> None:
        if self.undo_stack is not None and self.undo_stack.canRedo():
            self.undo_stack.redo()

    def show_record(self, hit: SearchHit) -> None:
        """Select the record ``hit`` names once it is loaded; pages that list records do."""
        del hit

    def no_cohort_text(self) -> str:
        """Why this page needs a cohort, in one or two sentences."""
        raise NotImplementedError

    def show_cohort(self, cohort: CohortRow) -> None:
        """Show ``cohort``: load its data through the task runner."""
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
