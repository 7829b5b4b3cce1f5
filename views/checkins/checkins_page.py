"""The Check-ins page: the program's check-in log with its filters, and the form beside it."""

from __future__ import annotations

import itertools
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import ROUND_PROGRESS, Changes
from app.services.checkin_log.service import CheckInLogQuery, CheckInLogRow, LogSort
from app.services.checkins import CheckInDraft
from app.services.enrollments import EnrollmentRow
from app.services.ids import checkin_id
from app.services.search import HitKind, SearchHit
from views.checkins.checkin_form import CheckInForm, FormCohort, Saved
from views.checkins.checkin_log_filters import CheckInLogFilters, CohortChoice, index_of
from views.checkins.checkin_log_table_model import COLUMN_OF_SORT, CheckInLogTableModel, LogColumn
from views.checkins.checkin_log_view import configure_log_view, follow_scrolling, order_text
from views.checkins.checkin_sparkline import SparklineDelegate
from views.checkins.checkin_undo import SaveCheckInCommand
from views.empty_state import EmptyState
from views.errors import user_message
from views.roles import ROW_ROLE
from views.shell.desk_page import DeskPage, PagePlace
from views.tables import ViewPlace, place_of, return_to

if TYPE_CHECKING:
    from app.services.checkin_log.service import CheckInLogService
    from app.services.checkins import CheckInService
    from app.services.cohorts import CohortRow
    from app.services.enrollments import EnrollmentService
    from app.services.sessions import SessionService
    from app.tasks import TaskRunner


class CheckInsPage(DeskPage):
    """The log of every check-in (the window's cohort by default), filters, and a side form.

    Recording or editing a check-in in the form updates the log in place (or reloads it for
    a new one) and can be undone with Ctrl+Z; Enter or a double click on a row edits it.
    A check-in recorded anywhere else (the live round, an import) refreshes the log, its
    count and the form's list of who has checked in, keeping the selected row in view.
    """

    key = "checkins"
    title = "Check-ins"

    def __init__(
        self,
        log: CheckInLogService,
        checkins: CheckInService,
        sessions: SessionService,
        enrollments: EnrollmentService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ):
        super().__init__(tasks, parent)
        self._checkins, self._enrollments = checkins, enrollments
        self.model = CheckInLogTableModel(log, tasks, parent=self)
        self.filters = CheckInLogFilters(self)
        self.form = CheckInForm(checkins, log, sessions, enrollments, tasks, self)
        self._undo = QUndoStack(self)
        self.undo_stack = self._undo  # the window's Edit ▸ Undo/Redo (Ctrl+Z) follow it
        self._select_when_loaded: uuid.UUID | None = None
        self._wanted_person: uuid.UUID | None = None  # from a search hit, until people load
        self._template = CheckInLogQuery()  # the order a new query starts from
        self._log_place: ViewPlace | None = None  # where the log was when a refresh began
        self._announced = False
        self._build()
        self._connect()

    # -- building --------------------------------------------------------------------------

    def _build(self) -> None:
        self.table = QTableView(self)
        self.table.setModel(self.model)
        configure_log_view(self.table)
        self.table.setItemDelegateForColumn(LogColumn.TREND, SparklineDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.status = QLabel(self)
        self.status.setObjectName("checkinLogStatus")
        # The button's actions carry no shortcut: Ctrl+Z is the window's Edit ▸ Undo, which
        # follows this page's stack (two actions on one key would silence both).
        self.undo_action = self._undo.createUndoAction(self, "Undo")
        self.redo_action = self._undo.createRedoAction(self, "Redo")
        self.save_action = QAction("Save check-in", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.save_action)
        self.undo_button = QToolButton(self)
        self.undo_button.setDefaultAction(self.undo_action)
        self.undo_button.setAccessibleName("Undo")
        self.undo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        self.log_empty = EmptyState(self)
        self.log_empty.setObjectName("checkinLogEmpty")
        self.log_stack = QStackedWidget(self)
        self.log_stack.addWidget(self.table)
        self.log_stack.addWidget(self.log_empty)
        self.form_area = form_area = QScrollArea(self)
        form_area.setObjectName("checkinFormArea")
        form_area.setWidget(self.form)
        form_area.setWidgetResizable(True)
        form_area.setFrameShape(QScrollArea.Shape.NoFrame)
        form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form_area.setMinimumWidth(320)
        # Reviewing, not recording: the form can step aside and give the log its width.
        self.form_toggle = QToolButton(self)
        self.form_toggle.setCheckable(True)
        self.form_toggle.setChecked(True)
        self.form_toggle.setText("Hide form")
        self.form_toggle.setAccessibleName("Show the check-in form")
        self.form_toggle.toggled.connect(self._show_form)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.log_stack)
        self.splitter.addWidget(form_area)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([600, 360])

        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.undo_button)
        status_row.addWidget(self.form_toggle)
        self.content = QWidget(self)
        self.content.setObjectName("checkinsContent")
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filters)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)
        self._stack.addWidget(self.content)
        chain = [
            *self.filters.focus_chain(), self.undo_button, self.form_toggle, self.table,
            *self.form.focus_chain(),
        ]  # fmt: skip
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _connect(self) -> None:
        self.filters.changed.connect(self._apply_filters)
        self.filters.cohort_changed.connect(self._on_filter_cohort_changed)
        self.model.count_changed.connect(self._show_status)
        self.model.loading_changed.connect(self._show_status)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.failed.connect(self._on_log_failed)
        self.model.refreshed.connect(self._on_log_refreshed)
        self.table.activated.connect(self._on_row_activated)
        follow_scrolling(self.table, self.model.prefetch)
        self.form.saved.connect(self._on_saved)
        self.save_action.triggered.connect(self.form.submit)
        self.log_empty.action_triggered.connect(self.filters.clear)

    # -- the window's cohort ---------------------------------------------------------------

    def no_cohort_text(self) -> str:
        return (
            "Check-ins are the round at the start of each group: mood, feelings, wins and "
            "challenges. They are recorded in a group’s sessions, so a cohort comes first."
        )

    def set_cohort(self, cohort: CohortRow | None) -> None:
        if cohort is None:
            self._forget()
            self._stack.setCurrentWidget(self.empty_state)
        super().set_cohort(cohort)
        if cohort is None:
            self.loaded.emit()

    def place(self) -> PagePlace:
        query = self.model.query or self._template
        return PagePlace(order=f"{query.sort.value} {'desc' if query.descending else 'asc'}")

    def go_to(self, place: PagePlace) -> None:
        sort, _space, direction = place.order.partition(" ")
        if sort in {member.value for member in LogSort}:  # else the log's own order
            self._template = CheckInLogQuery(sort=LogSort(sort), descending=direction == "desc")

    def follow_changes(self, changes: Changes) -> None:
        chosen = self.filters.chosen_cohort
        if changes.only(ROUND_PROGRESS) or not (
            chosen is None or changes.touches_cohort(chosen.id)
        ):
            return
        if changes.everything:
            self.model.trends.clear()
        for person in changes.participants:
            self.model.forget_trend(person)
        self._log_place = place_of(self.table, _row_id)
        self.model.refresh()
        if chosen is not None and changes.touches("enrollment", "participant"):
            self._load_people(chosen.id)
        self.form.follow_changes(changes)

    def _on_log_refreshed(self) -> None:
        place, self._log_place = self._log_place, None
        if place is not None:
            return_to(self.table, place, _row_id)
        self._show_status()

    def _forget(self) -> None:
        if self.model.query is not None:
            self._template = self.model.query
        self._select_when_loaded = self._wanted_person = None
        self.filters.blockSignals(True)  # clearing is not a new query
        self.filters.clear()
        self.filters.set_cohort(None)
        self.filters.blockSignals(False)
        self.model.clear()
        self.form.set_cohort(None)
        self._undo.clear()
        self.status.clear()
        self.log_empty.show_state("", "")

    def show_record(self, hit: SearchHit) -> None:
        """A check-in found by the window's search: that person's log, the row selected."""
        if hit.kind is not HitKind.CHECK_IN:
            return
        self._select_when_loaded = hit.record_id
        self._wanted_person = hit.participant_id
        self._choose_wanted_person()

    def _choose_wanted_person(self) -> None:
        person = self._wanted_person
        index = index_of(self.filters.person, person)
        if index >= 0:  # else once the cohort's people have loaded
            self._wanted_person = None
            self.filters.person.setCurrentIndex(index)

    def show_cohort(self, cohort: CohortRow) -> None:
        self._stack.setCurrentWidget(self.content)
        self._announced = False
        self.filters.set_cohort(CohortChoice(cohort.id, cohort.name, cohort.has_cravings))
        self.form.set_cohort(
            FormCohort(cohort.id, cohort.name, cohort.has_cravings, cohort.timezone)
        )
        self._load_people(cohort.id)
        self._apply_filters()

    def _load_people(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id is None:
            return  # "All cohorts": keep the last cohort's people, so one person can be followed
        enrollments = self._enrollments
        self._tasks.submit(
            lambda: (cohort_id, enrollments.for_cohort(cohort_id, include_ended=True)),
            on_success=self._on_people, key=f"checkins-people-{id(self)}", owner=self,
            name="participants for the check-in filter",
        )  # fmt: skip

    def _on_people(self, loaded: tuple[uuid.UUID, list[EnrollmentRow]]) -> None:
        cohort_id, members = loaded
        chosen = self.filters.chosen_cohort
        if chosen is not None and chosen.id == cohort_id:
            self.filters.set_people(members)
            if self._wanted_person is not None:
                self._choose_wanted_person()

    def _on_filter_cohort_changed(self) -> None:
        chosen = self.filters.chosen_cohort
        self._load_people(chosen.id if chosen is not None else None)

    # -- the log ---------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        template = self.model.query or self._template
        query = self.filters.query(template)
        chosen = self.filters.chosen_cohort
        self.table.setColumnHidden(LogColumn.COHORT, chosen is not None)
        self.table.setColumnHidden(
            LogColumn.CRAVING, chosen is not None and not chosen.has_cravings
        )
        self.model.set_query(query)

    def _on_model_reset(self) -> None:
        query = self.model.query
        if query is not None:
            order = (
                Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
            )
            header = self.table.horizontalHeader()
            header.blockSignals(True)  # the model is already in this order
            header.setSortIndicator(COLUMN_OF_SORT[query.sort], order)
            header.blockSignals(False)
            header.viewport().update()
        self._show_status()

    def _on_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        self._show_status()
        wanted = self._select_when_loaded
        if wanted is not None:
            position = self.model.position(wanted)
            if position is not None:
                self._select_when_loaded = None
                self.table.selectRow(position)
                self.table.scrollTo(self.model.index(position, 0))
            elif self._wanted_person is None and self.model.canFetchMore():
                self.model.fetchMore(QModelIndex())  # further down that person's log

    def _show_status(self, *_args: object) -> None:
        query, count, loaded = self.model.query, self.model.count, self.model.rowCount()
        if query is None:
            self.status.setText("")
            return
        chosen = self.filters.chosen_cohort
        where = f" in {chosen.name}" if chosen is not None else " in all cohorts"
        if count is None:
            text = "Counting check-ins…" if loaded else "Loading check-ins…"
        else:
            noun = "check-in" if count == 1 else "check-ins"
            matching = " matching these filters" if self.filters.active else ""
            text = f"{count:,} {noun}{where}{matching}"
            if 0 < loaded < count:
                text += f" (first {loaded:,} loaded; more as you scroll)"
        self.status.setText(f"{text} · {order_text(query)}")
        self._show_empty(count)
        if not self._announced and (loaded or count == 0):
            self._announced = True
            self.loaded.emit()  # the cohort's check-ins (or the empty log) are on screen

    def _show_empty(self, count: int | None) -> None:
        if count != 0 or self.model.rowCount():
            self.log_stack.setCurrentWidget(self.table)
            return
        chosen = self.filters.chosen_cohort
        if self.filters.active:
            self.log_empty.show_state(
                "No check-ins match these filters",
                "Try a wider date range or fewer words, or clear the filters.",
                "Clear filters",
            )
        elif chosen is not None:
            self.log_empty.show_state(
                f"No check-ins in {chosen.name} yet",
                "Record the first one with the form: choose the session and the person, "
                "then their mood, feelings, wins and challenges.",
            )
        else:
            self.log_empty.show_state(
                "No check-ins yet",
                "Check-ins recorded in any cohort appear here, newest first.",
            )
        self.log_stack.setCurrentWidget(self.log_empty)

    def _on_log_failed(self, message: str) -> None:
        self.status.setText(f"The check-in log could not be read: {message}")

    def _on_row_activated(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, CheckInLogRow):
            self.form_toggle.setChecked(True)
            self.form.edit(row)

    def _show_form(self, shown: bool) -> None:
        self.form_area.setVisible(shown)
        self.form_toggle.setText("Hide form" if shown else "Show form")

    # -- saving and undoing ------------------------------------------------------------------

    def _on_saved(self, saved: Saved) -> None:
        self._undo.push(SaveCheckInCommand(saved, self._apply_change))
        self._show_change(saved.row.id, saved.row.participant_id, saved.draft)

    def _apply_change(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, draft: CheckInDraft | None
    ) -> None:
        """Undo or redo: store ``draft`` (None: remove the check-in), then show it."""
        checkins = self._checkins

        def work() -> uuid.UUID:
            if draft is None:
                checkins.remove(session_id, participant_id)
                return checkin_id(session_id, participant_id)
            return checkins.record(session_id, participant_id, draft).id

        def done(changed: uuid.UUID) -> None:
            self._show_change(changed, participant_id, draft)
            self.form.refresh_session()

        self._tasks.submit(
            work, on_success=done, on_failure=self._on_change_failed, owner=self,
            name="undo or redo a check-in",
        )  # fmt: skip

    def _show_change(
        self, checkin_id: uuid.UUID, participant_id: uuid.UUID, draft: CheckInDraft | None
    ) -> None:
        position = self.model.position(checkin_id)
        if position is not None and draft is not None:
            row = self.model.row_at(position)
            self.model.row_changed(row.with_draft(draft))
            self.table.selectRow(position)
            return
        self.model.forget_trend(participant_id)
        self._select_when_loaded = checkin_id if draft is not None else None
        self.model.reload()

    def _on_change_failed(self, error: Exception) -> None:
        self.status.setText(f"That could not be undone: {user_message(error)}")


def _row_id(row: CheckInLogRow) -> uuid.UUID:
    return row.id
