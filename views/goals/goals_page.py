"""The goal tracker: a cohort's report-back round, this week's goals, completion and history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from app.services.changes import Changes
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today
from app.services.goals.board import BoardGoal, GoalBoard, GoalBoardService
from app.services.goals.service import GoalRow, GoalService
from app.services.search import HitKind
from app.tasks import TaskRunner
from models import ReviewOutcome
from views.empty_state import EmptyState
from views.errors import user_message
from views.goals.goal_board_view import GoalBoardView
from views.goals.goal_commands import RecordOutcomeCommand, SerialWrites, SetGoalCommand
from views.goals.goal_models import OUTCOME_TEXT, day_text
from views.roles import ROW_ROLE
from views.shell.desk_page import DeskPage, PagePlace, schedule_text
from views.snapshot_table_model import SnapshotTableModel
from views.tables import place_of, return_to

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.search import SearchHit
    from app.services.sessions import SessionService

SCHEDULE_WEEKS = 4
RowT = TypeVar("RowT")


class GoalsPage(DeskPage):
    """The goal board of the selected cohort at one of its sessions.

    Opens at today's session (else the latest before it). Recording a report-back, carrying
    a goal forward and setting a goal are undoable (``undo_stack``); their writes queue so
    that an undo never overtakes what it undoes. A goal set or reported on anywhere else
    (the live round, an import) reloads the board at the same session, the same goal kept
    selected. ``place()`` is the session and the selected goal (ids only).
    """

    key = "goals"
    title = "Goals"

    def __init__(
        self,
        board: GoalBoardService,
        goals: GoalService,
        sessions: SessionService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        now: Callable[[], dt.datetime],
    ):
        super().__init__(tasks, parent)
        self._board, self._goals, self._sessions, self._now = board, goals, sessions, now
        self._arriving: PagePlace | None = None  # where to be once the cohort is set
        self._undo = QUndoStack(self)
        self.undo_stack = self._undo
        self.board: GoalBoard | None = None
        self._session_id: uuid.UUID | None = None
        self._cohort_id: uuid.UUID | None = None
        self._kept_goal: uuid.UUID | None = None
        self._kept_row = -1
        self._pending_hit: SearchHit | None = None
        self._writes = SerialWrites(tasks, self)
        self._writes.written.connect(self._load)
        self._writes.failed.connect(self._on_write_failed)

        self.view = GoalBoardView(self)
        self.board_state = EmptyState(self)
        self.board_state.setObjectName("goalsBoardState")
        self.board_state.action_triggered.connect(self._on_board_state_action)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.board_state)
        self._state_action = ""

        view = self.view
        view.session.activated.connect(self._on_session_chosen)
        view.due_view.selectionModel().currentRowChanged.connect(self._on_due_row_changed)
        view.due_view.activated.connect(lambda _index: self._focus_outcome())
        view.outcome.record_requested.connect(self._on_record_requested)
        view.new_goal.set_requested.connect(self._on_set_requested)

    # -- DeskPage ------------------------------------------------------------------------

    def no_cohort_text(self) -> str:
        return (
            "Each week people set a goal tied to something they value and report back at a "
            "later session. Goals live in a group’s sessions, so a cohort comes first."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        if cohort.id != self._cohort_id:
            self._cohort_id, self._session_id, self._kept_goal = cohort.id, None, None
            self._undo.clear()
            arriving, self._arriving = self._arriving, None
            if arriving is not None:
                self._session_id, self._kept_goal = arriving.session_id, arriving.record_id
        if self.board is None or self.board.cohort_id != cohort.id:
            self.empty_state.show_state(f"Goals in {cohort.name}", "Loading the goal board…")
            self._stack.setCurrentWidget(self.empty_state)
        self._load()

    def show_record(self, hit: SearchHit) -> None:
        if hit.kind is HitKind.GOAL:
            self._pending_hit = hit
            if self.board is not None and self.board.cohort_id == hit.cohort_id:
                self._apply_pending_hit()

    def place(self) -> PagePlace:
        goal = self._selected_due()
        return PagePlace(
            record_id=goal.id if goal is not None else self._kept_goal, session_id=self._session_id
        )

    def go_to(self, place: PagePlace) -> None:
        self._arriving = place

    def follow_changes(self, changes: Changes) -> None:
        if self.concerns_cohort(changes):
            self._load()

    # -- loading -------------------------------------------------------------------------

    @Slot()
    def _load(self) -> None:
        cohort = self.cohort
        if cohort is None:
            return
        board, session_id = self._board, self._session_id
        self._tasks.submit(
            lambda: board.board(cohort.id, session_id),
            on_success=self._show_board,
            on_failure=self._on_failed,
            key="goals-board",
            owner=self,
        )

    def _show_board(self, board: GoalBoard) -> None:
        cohort = self.cohort
        if cohort is None or board.cohort_id != cohort.id:
            return
        self._present(cohort, board)
        self.loaded.emit()

    def _present(self, cohort: CohortRow, board: GoalBoard) -> None:
        self._remember_selection()
        self.board = board
        if board.session is None:
            self._show_board_state(
                f"No sessions in {cohort.name} yet",
                "Goals are set in a session and reported back at a later one. "
                f"{cohort.name} meets {schedule_text(cohort)} ({cohort.timezone}); schedule "
                "its sessions to start.",
                f"Schedule the next {SCHEDULE_WEEKS} weeks",
            )
            return
        if not board.members and not board.has_goals:
            self._show_board_state(
                f"No one is enrolled in {cohort.name} yet",
                "Goals belong to the people in a group. Enroll people on the Roster page, then "
                "set each person’s goal for the week here.",
                "Go to the roster",
            )
            return
        self._session_id = board.session.id
        view = self.view
        others = (view.week_view, view.people_view, view.domain_view, view.history_view)
        places = [place_of(table, _identity) for table in others]
        self._fill(board)
        for table, where in zip(others, places, strict=True):
            return_to(table, where, _identity)
        self._stack.setCurrentWidget(self.view)
        self._restore_selection()
        self._apply_pending_hit()

    def _fill(self, board: GoalBoard) -> None:
        view = self.view
        assert board.session is not None
        view.session.clear()
        for session in board.sessions:
            today = " (today)" if session.local_date == board.today else ""
            topic = f" — {session.topic}" if session.topic else ""
            view.session.addItem(f"{day_text(session.local_date)}{today}{topic}", session.id)
        view.session.setCurrentIndex(view.session.findData(board.session.id))
        view.due_model.set_rows(board.due)
        view.week_model.set_rows(board.this_week)
        view.people_model.set_rows(board.by_participant)
        view.domain_model.set_rows(board.by_domain)
        view.history_model.set_rows(board.history)
        view.new_goal.set_members(board.members, board.without_goal)
        members, with_goal = len(board.members), len(board.members) - len(board.without_goal)
        view.summary.setText(
            f"{len(board.due)} due for report-back · {with_goal} of {members} have a goal this week"
        )
        view.due_hint.setText(
            "" if board.due else "Nothing is due for report-back at this session."
        )
        view.due_hint.setVisible(not board.due)
        if not board.this_week:
            week = (
                "No goals set this week yet: pick a person on the right, type their goal and "
                "the value it serves, then Set goal."
            )
        elif board.without_goal:
            week = "No goal yet this week: " + ", ".join(m.name for m in board.without_goal)
        else:
            week = ""
        view.week_hint.setText(week)
        view.week_hint.setVisible(bool(week))
        more = f"the latest {len(board.history)} of more" if board.history_truncated else "all"
        view.history_note.setText(
            f"Report-backs in this cohort, newest first ({more})."
            if board.history
            else "No report-backs yet: they appear here once outcomes are recorded."
        )

    def _show_board_state(self, heading: str, body: str, action: str) -> None:
        self._state_action = action
        self.board_state.show_state(heading, body, action)
        self._stack.setCurrentWidget(self.board_state)

    @Slot()
    def _on_board_state_action(self) -> None:
        if self._state_action.startswith("Go to"):
            self.page_requested.emit("roster")
            return
        cohort, sessions, now = self.cohort, self._sessions, self._now
        if cohort is None:
            return
        today = cohort_today(cohort.timezone, now())
        self._tasks.submit(
            lambda: sessions.schedule_weeks(cohort.id, today, SCHEDULE_WEEKS),
            on_success=lambda _rows: self._load(),
            on_failure=self._on_failed,
            owner=self,
            name="schedule sessions",
        )

    @Slot(int)
    def _on_session_chosen(self, index: int) -> None:
        chosen = self.view.session.itemData(index)
        if isinstance(chosen, uuid.UUID) and chosen != self._session_id:
            self._session_id, self._kept_goal, self._kept_row = chosen, None, -1
            self._load()

    # -- selection -----------------------------------------------------------------------

    def _selected_due(self) -> BoardGoal | None:
        index = self.view.due_view.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, BoardGoal) else None

    def _remember_selection(self) -> None:
        goal = self._selected_due()
        if goal is not None:
            self._kept_goal = goal.id
            self._kept_row = self.view.due_view.currentIndex().row()

    def _restore_selection(self) -> None:
        view = self.view.due_view
        kept = self._kept_goal
        if not select_row(view, self.view.due_model, lambda g: g.id == kept):
            rows = view.model().rowCount()
            if rows:  # the next goal due (or the first): the round goes on from there
                row = min(max(self._kept_row, 0), rows - 1)
                select_index(view, view.model().index(row, 0))
        self.view.outcome.show_goal(self._selected_due())

    @Slot(QModelIndex, QModelIndex)
    def _on_due_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.view.outcome.show_goal(self._selected_due())

    def _focus_outcome(self) -> None:
        outcome = self.view.outcome
        checked = next((r for r in outcome.radios.values() if r.isChecked()), None)
        (checked or outcome.radios[ReviewOutcome.DONE]).setFocus()

    def _apply_pending_hit(self) -> None:
        hit, view = self._pending_hit, self.view
        if hit is None or self.board is None:
            return
        self._pending_hit = None
        for tab, table, model in (
            (0, view.due_view, view.due_model),
            (0, view.week_view, view.week_model),
        ):
            if select_row(table, model, lambda g: g.id == hit.record_id):
                view.tabs.setCurrentIndex(tab)
                table.setFocus()
                return
        if select_row(view.history_view, view.history_model, lambda e: e.goal_id == hit.record_id):
            view.tabs.setCurrentIndex(2)
            view.history_view.setFocus()
            return
        self._say(f"That goal was set in an earlier week; pick its session to see it ({hit.text}).")

    # -- writes --------------------------------------------------------------------------

    def _on_record_requested(self, outcome: ReviewOutcome, note: str, carry: bool) -> None:
        goal, board = self.view.outcome.goal, self.board
        if goal is None or board is None or board.session is None:
            return
        command = RecordOutcomeCommand(
            self._writes,
            self._goals,
            goal,
            board.session.id,
            outcome,
            note,
            carry_forward=carry,
        )
        self._kept_goal = None  # after the write, the next goal due takes this one's place

        def done(_result: object) -> None:
            self._undo.push(command)
            focused = QApplication.focusWidget()
            if focused is not None and self.view.outcome.isAncestorOf(focused):
                self.view.due_view.setFocus()  # on to the next goal due, from the keyboard
            carried = " and carried forward" if carry else ""
            what = OUTCOME_TEXT[outcome].lower()
            self._say(f"Recorded for {goal.participant_name}: {what}{carried}. Ctrl+Z undoes it.")

        self._writes.run(
            command.write(),
            done,
            lambda error: self.view.outcome.show_error(user_message(error)),
        )

    def _on_set_requested(self, participant: uuid.UUID, name: str, text: str, domain: str) -> None:
        board = self.board
        if board is None or board.session is None:
            return
        command = SetGoalCommand(
            self._writes, self._goals, (participant, name), board.session.id, text, domain
        )

        def done(row: GoalRow) -> None:
            command.remember(row)
            self._undo.push(command)
            self.view.new_goal.goal_set(name)

        def refused(error: Exception) -> None:
            field = error.field if isinstance(error, InvalidInput) else "text"
            self.view.new_goal.show_error(field, user_message(error))

        self._writes.run(command.write(), done, refused)

    @Slot(str)
    def _on_write_failed(self, message: str) -> None:
        self._undo.clear()  # what it would undo no longer matches the vault
        self._say(message)
        self._load()

    def _say(self, text: str) -> None:
        self.view.feedback.setText(text)
        self.view.feedback.setVisible(bool(text))


def select_index(view: QTableView, index: QModelIndex) -> None:
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().setCurrentIndex(index, flags)
    view.scrollTo(index)


def select_row(
    view: QTableView, model: SnapshotTableModel[RowT], wanted: Callable[[RowT], bool]
) -> bool:
    """Select the first row of ``model`` (behind ``view``'s proxy) for which ``wanted`` holds."""
    source = model.find(wanted)
    proxy = view.model()
    if not source.isValid() or not isinstance(proxy, QSortFilterProxyModel):
        return False
    select_index(view, proxy.mapFromSource(source))
    return True


def _identity(row: object) -> object:
    """A board row as its own key: the frozen rows compare by value, and an unchanged row
    (same goal, same figures) is found again after a reload."""
    return row
