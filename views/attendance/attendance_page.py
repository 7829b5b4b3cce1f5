"""Attendance: the marking grid, who is below the weekly minimum, and the attendance charts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.attendance.service import AttendanceGrid, AttendanceService
from app.services.attendance.summary import AttendanceSummary, AttendanceSummaryService
from app.services.changes import Changes
from app.services.figures.today import cohort_today, week_monday
from app.tasks import TaskRunner
from models import AttendanceStatus, SessionStatus
from views.attendance.attendance_below_minimum_panel import BelowMinimumPanel
from views.attendance.attendance_chart_tabs import AttendanceChartTabs
from views.attendance.attendance_charts import short_date
from views.attendance.attendance_grid_model import AttendanceGridModel, GridCell, session_label
from views.attendance.attendance_grid_view import AttendanceGridView, legend
from views.attendance.attendance_marking import AttendanceMarker
from views.empty_state import EmptyState
from views.heading import heading_label, note_label
from views.shell.desk_page import DeskPage, minimum_hours, schedule_text

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.sessions import SessionService

GRID_WEEKS = 2  # last week and this one: what a facilitator marks after group
SCHEDULE_WEEKS = 4
WEEK = dt.timedelta(days=7)


class AttendancePage(DeskPage):
    """Mark a cohort's attendance from the keyboard, and see how attendance is going.

    Everything is loaded through the task runner: the grid (two weeks, ``GRID_WEEKS``) and
    the charts' summary are two tasks that a newer cohort supersedes (the summary's worker
    imports matplotlib first, so the charts never do it on the GUI thread). Marks go through
    an ``AttendanceMarker`` (undoable, written in order); once every write is done, the
    summary (charts and the below-the-minimum list) is loaded again. A mark made anywhere
    else (the live round, an import) reloads both, with the same cell current and the grid
    scrolled where it was. A cohort without sessions gets an empty state that schedules
    them from its weekly pattern.
    """

    key = "attendance"
    title = "Attendance"

    def __init__(
        self,
        attendance: AttendanceService,
        summaries: AttendanceSummaryService,
        sessions: SessionService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        now: Callable[[], dt.datetime],
    ):
        super().__init__(tasks, parent)
        self._attendance, self._summaries, self._sessions, self._now = (
            attendance, summaries, sessions, now,
        )  # fmt: skip
        self.model = AttendanceGridModel(self)
        self.marker = AttendanceMarker(attendance, tasks, self.model, self)
        self.summary: AttendanceSummary | None = None
        self._shown: CohortRow | None = None  # the cohort whose grid is on screen
        self._ending: dt.date | None = None  # the grid's last week; None: the latest
        self._grid_stale = False
        self.no_sessions = EmptyState(self)
        self.no_sessions.setObjectName("attendanceNoSessions")
        self.no_sessions.action_triggered.connect(self.schedule_sessions)
        self.content = QWidget(self)
        self._build_content()
        self._build_actions()
        self._stack.addWidget(self.no_sessions)
        self._stack.addWidget(self.content)
        self.marker.saved.connect(self._on_saved)
        self.marker.failed.connect(self._on_save_failed)

    # -- building ---------------------------------------------------------------------------

    def _build_content(self) -> None:
        content = self.content
        self.heading = heading_label("Attendance", content, scale=1.25)
        self.earlier_button = QPushButton("◀ &Earlier", content)
        self.earlier_button.setAccessibleName("Earlier weeks")
        self.span_label = QLabel(content)
        self.span_label.setObjectName("attendanceSpan")
        self.later_button = QPushButton("&Later ▶", content)
        self.later_button.setAccessibleName("Later weeks")
        self.this_week_button = QPushButton("This &week", content)
        self.legend = note_label(legend(), content)
        self.undo_button = QPushButton("&Undo", content)
        self.undo_button.setAccessibleName("Undo the last mark")
        self.redo_button = QPushButton("&Redo", content)
        self.redo_button.setAccessibleName("Redo the mark undone last")
        self.schedule_button = QPushButton(f"Schedule {SCHEDULE_WEEKS} more weeks", content)
        self.schedule_button.setToolTip("Add sessions from the cohort's weekly pattern")
        self.notice = note_label("", content)
        self.notice.setObjectName("attendanceNotice")
        self.notice.hide()

        self.grid = AttendanceGridView(content)
        self.grid.setModel(self.model)
        self.below = BelowMinimumPanel(content)
        self.charts = AttendanceChartTabs(content)

        top = QSplitter(Qt.Orientation.Horizontal, content)
        top.setChildrenCollapsible(False)
        top.addWidget(self.grid)
        top.addWidget(self.below)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([620, 380])
        self.splitter = QSplitter(Qt.Orientation.Vertical, content)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 300])  # the grid as tall as the charts to begin with

        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        for widget in (self.earlier_button, self.span_label, self.later_button):
            bar.addWidget(widget)
        bar.addWidget(self.this_week_button)
        tools = QHBoxLayout()
        tools.addWidget(self.legend, 1)
        for button in (self.undo_button, self.redo_button, self.schedule_button):
            tools.addWidget(button)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(tools)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        order = [
            self.earlier_button,
            self.later_button,
            self.this_week_button,
            self.undo_button,
            self.redo_button,
            self.schedule_button,
            self.grid,
            self.below.table,
            self.charts,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _build_actions(self) -> None:
        stack = self.marker.stack
        self.undo_stack = stack  # the window's Edit ▸ Undo/Redo (and their keys) call undo()
        for widget in (self.undo_button, self.redo_button):
            widget.setEnabled(False)
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        stack.undoTextChanged.connect(lambda text: self.undo_button.setToolTip(f"Undo {text}"))
        stack.redoTextChanged.connect(lambda text: self.redo_button.setToolTip(f"Redo {text}"))
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.earlier_button.clicked.connect(lambda: self._move_weeks(-1))
        self.later_button.clicked.connect(lambda: self._move_weeks(1))
        self.this_week_button.clicked.connect(self._show_latest)
        self.schedule_button.clicked.connect(self.schedule_sessions)
        self.grid.status_requested.connect(self._on_status_requested)
        self.grid.clear_requested.connect(self._on_clear_requested)

    # -- DeskPage ---------------------------------------------------------------------------

    def no_cohort_text(self) -> str:
        return (
            "Attendance is marked per session (present, late, left early, excused or not) "
            "and adds up to weekly hours against the IOP minimum. A cohort and its weekly "
            "schedule come first."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        shown, self._shown = self._shown, cohort
        if shown is not None and shown.id == cohort.id:
            self.heading.setText(f"Attendance in {cohort.name}")  # renamed, perhaps
            self._load()  # the same cohort again: its grid stays where it was
            return
        self.marker.reset()
        self._ending = None
        self.summary = None
        self.model.load(None)
        self.below.clear(cohort.weekly_minimum_minutes)
        self.charts.show_loading()
        self.heading.setText(f"Attendance in {cohort.name}")
        self.empty_state.show_state(f"Attendance in {cohort.name}", "Loading sessions and marks…")
        self._stack.setCurrentWidget(self.empty_state)
        self._show_notice("")
        self._load()

    def follow_changes(self, changes: Changes) -> None:
        if self.concerns_cohort(changes):
            self._load()

    def _load(self) -> None:
        self.load_grid()
        self.load_summary()

    # -- loading ----------------------------------------------------------------------------

    def load_grid(self) -> None:
        """Load the grid's weeks; waits for pending writes so that it never shows stale marks."""
        cohort = self.cohort
        if cohort is None:
            return
        if self.marker.writer.busy:
            self._grid_stale = True
            return
        service, ending = self._attendance, self._ending
        self._tasks.submit(
            lambda: service.grid(cohort.id, weeks=GRID_WEEKS, ending=ending),
            on_success=self._on_grid_loaded,
            on_failure=self._on_failed,
            key="attendance-grid",
            owner=self,
        )

    def load_summary(self) -> None:
        cohort = self.cohort
        if cohort is None:
            return
        service = self._summaries

        def load() -> AttendanceSummary:
            from views.charts.chart import warm_up

            warm_up()  # matplotlib's first import, on this worker, never on the GUI thread
            return service.summary(cohort.id)

        self._tasks.submit(
            load,
            on_success=self._on_summary_loaded,
            on_failure=self._on_failed,
            key="attendance-summary",
            owner=self,
        )

    def _on_grid_loaded(self, grid: AttendanceGrid) -> None:
        cohort = self.cohort
        if cohort is None or cohort.id != grid.cohort_id:
            return
        if self.marker.writer.busy:  # read before the marks now being written: load again
            self._grid_stale = True  # once they are
            return
        if grid.total_sessions == 0:
            self.no_sessions.show_state(
                f"No sessions to mark in {cohort.name} yet",
                f"{cohort.name} meets {schedule_text(cohort)} ({cohort.timezone}). Schedule "
                "its sessions from that pattern, then mark attendance here and see each "
                f"person's weekly hours against the {minimum_hours(cohort)} minimum.",
                f"Schedule the next {SCHEDULE_WEEKS} weeks",
            )
            self._stack.setCurrentWidget(self.no_sessions)
            return
        current = self.model.cell(self.grid.currentIndex())
        scrolled = (self.grid.horizontalScrollBar().value(), self.grid.verticalScrollBar().value())
        self.model.load(grid)
        self._ending = grid.last_day
        self.span_label.setText(f"{short_date(grid.first_day)} – {short_date(grid.last_day)}")
        self.span_label.setAccessibleName(f"Weeks shown: {self.span_label.text()}")
        self.later_button.setEnabled(grid.last_day < grid.today + 4 * WEEK)
        self._stack.setCurrentWidget(self.content)
        index = QModelIndex()
        if current is not None:
            index = self.model.index_of(current.session.id, current.member.participant_id)
        if not index.isValid() and self.model.rowCount() and self.model.columnCount():
            dates = [self.model.session(n).local_date for n in range(self.model.columnCount())]
            column = max([n for n, day in enumerate(dates) if day <= grid.today], default=0)
            index = self.model.index(0, column)  # the first current member, the latest session
            # This week's first session at the left edge, so no column is cut in half; once
            # the layout has given the grid its width (the page was only just shown).
            week = week_monday(dates[column])
            first = min(n for n, day in enumerate(dates) if day >= week)
            QTimer.singleShot(0, self, lambda: self._scroll_to_column(first))
        if index.isValid():
            self.grid.setCurrentIndex(index)
            self.grid.scrollTo(index)
        if current is not None and index.isValid():  # the same cell: the same view of it
            self.grid.doItemsLayout()
            self.grid.horizontalScrollBar().setValue(scrolled[0])
            self.grid.verticalScrollBar().setValue(scrolled[1])
        if not grid.sessions:
            self._show_notice("No sessions in these weeks.")

    def _scroll_to_column(self, column: int) -> None:
        if column < self.model.columnCount():
            self.grid.horizontalScrollBar().setValue(column)  # per-item scrolling: a column
            self.grid.scrollTo(self.grid.currentIndex())

    def _on_summary_loaded(self, summary: AttendanceSummary) -> None:
        cohort = self.cohort
        if cohort is None or cohort.id != summary.cohort_id:
            return
        self.summary = summary
        self.charts.show_summary(summary)
        self.below.show_summary(summary)

    # -- marking ----------------------------------------------------------------------------

    @Slot(QModelIndex, object)
    def _on_status_requested(self, index: QModelIndex, status: AttendanceStatus) -> None:
        cell = self.model.cell(index)
        if cell is not None and not self.marker.set_status(cell, status):
            self._explain_unmarkable(cell)

    @Slot(QModelIndex)
    def _on_clear_requested(self, index: QModelIndex) -> None:
        cell = self.model.cell(index)
        if cell is not None and not self.marker.clear(cell):
            self._explain_unmarkable(cell)

    def _explain_unmarkable(self, cell: GridCell) -> None:
        when = session_label(cell.session)
        if cell.session.status is SessionStatus.CANCELLED:
            self._show_notice(f"The session on {when} was cancelled; nobody can be marked.")
        else:
            self._show_notice(f"{cell.member.display_name} was not enrolled on {when}.")

    @Slot()
    def undo(self) -> None:
        self.marker.stack.undo()
        self._select_last_shown()

    @Slot()
    def redo(self) -> None:
        self.marker.stack.redo()
        self._select_last_shown()

    def _select_last_shown(self) -> None:
        if self.marker.last_shown is not None:
            index = self.model.index_of(*self.marker.last_shown)
            if index.isValid():
                self.grid.setCurrentIndex(index)

    @Slot()
    def _on_saved(self) -> None:
        if self._grid_stale:
            self._grid_stale = False
            self.load_grid()
        self.load_summary()

    @Slot(str)
    def _on_save_failed(self, sentence: str) -> None:
        self._show_notice(f"{sentence} The grid shows what the vault holds.")
        self.marker.reset()
        self._grid_stale = False
        self.load_grid()
        self.load_summary()

    # -- navigating and scheduling ------------------------------------------------------------

    def _move_weeks(self, weeks: int) -> None:
        if self._ending is not None:
            self._ending += WEEK * weeks
            self._show_notice("")
            self.load_grid()

    @Slot()
    def _show_latest(self) -> None:
        self._ending = None
        self._show_notice("")
        self.load_grid()

    @Slot()
    def schedule_sessions(self) -> None:
        """Schedule ``SCHEDULE_WEEKS`` weeks from this week, or after the last session."""
        cohort = self.cohort
        if cohort is None:
            return
        sessions, now = self._sessions, self._now

        def schedule() -> int:
            today = cohort_today(cohort.timezone, now())
            first = week_monday(today)
            existing = sessions.for_cohort(cohort.id)
            if existing:
                first = max(first, week_monday(existing[-1].local_date) + WEEK)
            return len(sessions.schedule_weeks(cohort.id, first, SCHEDULE_WEEKS))

        self.schedule_button.setEnabled(False)
        self.no_sessions.button.setEnabled(False)
        self._tasks.submit(
            schedule, on_success=self._on_scheduled, on_failure=self._on_failed, owner=self
        )

    def _on_scheduled(self, count: int) -> None:
        self.schedule_button.setEnabled(True)
        self.no_sessions.button.setEnabled(True)
        self._show_notice(f"Scheduled {count} sessions from the cohort's weekly pattern.")
        self.load_grid()
        self.load_summary()

    def _on_failed(self, error: Exception) -> None:
        from views.errors import user_message

        self.schedule_button.setEnabled(True)
        self.no_sessions.button.setEnabled(True)
        if self._stack.currentWidget() is self.content:
            self._show_notice(user_message(error))
        else:
            super()._on_failed(error)

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
