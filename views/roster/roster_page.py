"""The roster: the selected cohort's members, their figures and flags, and the changes to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes
from app.tasks import TaskRunner
from models import EnrollmentStatus
from views.empty_state import EmptyState
from views.errors import user_message
from views.roles import ROW_ROLE
from views.roster.roster_changes import RosterChanges
from views.roster.roster_controls import CURRENT, RosterControls
from views.roster.roster_table_model import Column, RosterEntry, RosterFilterProxy, RosterTableModel
from views.shell.desk_page import DeskPage, PagePlace
from views.tables import place_of, return_to

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from views.roster.roster_services import RosterServices


@dataclass(frozen=True, slots=True)
class RosterSnapshot:
    cohort: CohortRow
    entries: list[RosterEntry]
    with_ended: bool


class RosterPage(DeskPage):
    """The cohort's members in a sortable, filterable table, with the actions a facilitator takes.

    Every change goes through ``changes`` (dialogs, the task runner, the undo stack) and is
    followed by a reload; ``roster_loaded`` is emitted after each load is shown. Edits,
    waitlist ↔ active, ending a stay and a transfer can be undone (Ctrl+Z / Ctrl+Shift+Z
    while the page has the focus); someone leaves the roster only through a dialog that says
    so. Enter or a double-click asks for the person's profile window
    (``participant_opened(id)``), and so does Enter in the filter (on the first match; Down
    moves from the filter into the table). People who left are loaded only when "Show" asks
    for them. Any change to the cohort's members, wherever it was made, reloads the roster
    (one snapshot: figures and flags) with the same person selected.
    """

    key = "roster"
    title = "Roster"

    participant_opened = Signal(object)
    roster_loaded = Signal()

    def __init__(
        self, services: RosterServices, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(tasks, parent)
        self._services = services
        self._fresh: CohortRow | None = None
        self._with_ended = False
        self._select_next: uuid.UUID | None = None  # asked for; applied by the next load
        self.changes = RosterChanges(services, tasks, self.selected_entry, self.shown_cohort, self)
        self.undo_stack = self.changes.undo_stack
        self.model = RosterTableModel(self)
        self.proxy = RosterFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.content = QWidget(self)
        self.controls = RosterControls(self.changes, self.open_selected, self.content)
        self._build_table()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(self.controls)
        layout.addWidget(self.inner, 1)
        QWidget.setTabOrder(self.controls.last_in_tab_order, self.table)
        self._stack.addWidget(self.content)
        self._add_shortcuts()
        self._connect()

    def _build_table(self) -> None:
        self.inner = QStackedWidget(self.content)
        self.table = QTableView(self.inner)
        self.table.setObjectName("rosterTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.FLAGS, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.members_empty = EmptyState(self.inner)
        self.members_empty.setObjectName("rosterMembersEmpty")
        self.inner.addWidget(self.table)
        self.inner.addWidget(self.members_empty)

    def _add_shortcuts(self) -> None:
        shortcuts: list[tuple[QKeySequence | QKeySequence.StandardKey, Any]] = [
            (QKeySequence(Qt.Key.Key_F2), self.changes.edit_selected),
        ]
        for keys, slot in shortcuts:
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _connect(self) -> None:
        controls = self.controls
        controls.filter.textChanged.connect(self._on_filter_edited)
        controls.filter.returnPressed.connect(self.open_selected)
        controls.filter.installEventFilter(self)
        controls.show_choice.currentIndexChanged.connect(self._on_show_changed)
        self.table.activated.connect(self._on_activated)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.members_empty.action_triggered.connect(self._on_empty_action)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_view)
        self.changes.stored.connect(self._on_stored)
        self.changes.notice.connect(controls.show_notice)
        self.changes.failed.connect(controls.show_error)
        self.changes.busy_changed.connect(self._update_actions)
        self.changes.undo_stack.indexChanged.connect(self._update_actions)

    def _on_filter_edited(self, text: str) -> None:
        self.proxy.set_text(text)
        if self.selected_entry() is None:
            self.select_participant(None)  # the first match: Enter opens their profile

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down in the filter moves into the table, as in a search field with results under it.
        if (
            watched is self.controls.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- DeskPage -------------------------------------------------------------------------

    def no_cohort_text(self) -> str:
        return (
            "The roster lists the people in a group with their attendance rate, streak and "
            "weekly hours against the IOP minimum. Start with the group you facilitate."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        if self._fresh is None or self._fresh.id != cohort.id:
            self.changes.clear()  # undoing in a cohort no longer shown would surprise
            self.model.clear()
            self._fresh = cohort
            self._show_header(cohort)
        self._stack.setCurrentWidget(self.content)
        self.reload()

    def shown_cohort(self) -> CohortRow | None:
        """The cohort as last loaded (its seat count is fresh after every change)."""
        return self._fresh

    def follow_changes(self, changes: Changes) -> None:
        if self.concerns_cohort(changes):
            self.reload()

    def place(self) -> PagePlace:
        return PagePlace(record_id=self.selected_participant())

    def go_to(self, place: PagePlace) -> None:
        self._select_next = place.record_id

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Load the cohort's members again (and select ``select``, else keep the selection)."""
        cohort = self.cohort
        if cohort is None:
            return
        progress = self._services.progress
        with_ended = not self.proxy.statuses <= CURRENT
        if select is not None:
            self._select_next = select  # a reload that supersedes this one selects it too
        wanted = self._select_next or self.selected_participant()

        def load() -> tuple[RosterSnapshot, uuid.UUID | None]:
            # One read: the cohort, its members' figures and their flags, as of now.
            roster = progress.roster(cohort.id, include_ended=with_ended)
            entries = [RosterEntry(row, row.flags) for row in roster.rows]
            return RosterSnapshot(roster.cohort, entries, with_ended), wanted

        self._tasks.submit(
            load,
            on_success=self._on_loaded,
            on_failure=self._on_failed,
            key="roster-load",
            owner=self,
            name="load roster",
        )

    def _on_loaded(self, loaded: tuple[RosterSnapshot, uuid.UUID | None]) -> None:
        snapshot, wanted = loaded
        if self.cohort is None or snapshot.cohort.id != self.cohort.id:
            return
        if self.changes.busy:
            # An undo or redo is being written: this read may be from before it (a change-bus
            # reload just before a quick redo; one snapshot read is fast enough to arrive
            # in between), and the write's end reloads after its commit.
            return
        self._fresh = snapshot.cohort
        self._with_ended = snapshot.with_ended
        self._select_next = None
        where = place_of(self.table, _participant)
        self.model.set_entries(snapshot.entries)
        self._show_header(snapshot.cohort)
        self.select_participant(wanted)
        if wanted == where.key:
            return_to(self.table, where, _participant)  # where it was, scrolled as it was
        self._update_view()
        self.roster_loaded.emit()

    def _on_failed(self, error: Exception) -> None:
        self.controls.show_error(f"The roster could not be loaded: {user_message(error)}")

    def undo(self) -> None:
        self.changes.undo()  # not while a change is being written

    def redo(self) -> None:
        self.changes.redo()

    # -- showing --------------------------------------------------------------------------

    def _show_header(self, cohort: CohortRow) -> None:
        waiting = sum(1 for e in self.model.entries if e.row.status is EnrollmentStatus.WAITLIST)
        self.controls.show_cohort(cohort, waiting)
        self.table.setAccessibleName(f"Roster of {cohort.name}")
        self._update_actions()

    @Slot()
    def _update_view(self) -> None:
        if self.proxy.rowCount() > 0:
            self.inner.setCurrentWidget(self.table)
            return
        name = self._fresh.name if self._fresh else "this cohort"
        filtered = bool(self.controls.filter.text().strip()) or self.proxy.statuses != CURRENT
        if filtered:
            self.members_empty.show_state(
                "No one matches",
                "No one on this roster matches the filter and the choice under Show.",
                "Clear the filter",
            )
        else:
            self.members_empty.show_state(
                f"No one is enrolled in {name} yet",
                "Each person appears here with attendance, streak, hours this week against "
                "the IOP minimum, last mood and goals due. People who left are under Show.",
                "Add a person…",
            )
        self.inner.setCurrentWidget(self.members_empty)

    def _on_empty_action(self) -> None:
        if self.members_empty.button.text().startswith("Clear"):
            self.controls.filter.clear()
            self.controls.show_choice.setCurrentIndex(0)
        else:
            self.changes.add_person()

    def _on_show_changed(self, _index: int) -> None:
        statuses: frozenset[EnrollmentStatus] = self.controls.show_choice.currentData()
        self.proxy.set_statuses(statuses)
        if not statuses <= CURRENT and not self._with_ended:
            self.reload()  # the people who left are loaded only when asked for

    @Slot()
    def _update_actions(self, *_args: object) -> None:
        self.controls.update_actions(
            self.selected_entry(), self._fresh, self.changes.busy, self.changes.undo_stack
        )

    def _on_stored(self, select: uuid.UUID | None) -> None:
        if select is not None and not self.proxy.statuses & CURRENT:
            self.controls.show_choice.setCurrentIndex(0)  # show where the person now is
        self.reload(select)

    # -- selection ------------------------------------------------------------------------

    def selected_entry(self) -> RosterEntry | None:
        index = self.table.currentIndex()
        entry = index.data(ROW_ROLE) if index.isValid() else None
        return entry if isinstance(entry, RosterEntry) else None

    def selected_participant(self) -> uuid.UUID | None:
        entry = self.selected_entry()
        return entry.participant_id if entry is not None else None

    def select_participant(self, participant_id: uuid.UUID | None) -> None:
        row = self.model.row_of(participant_id) if participant_id is not None else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid() and self.proxy.rowCount() > 0:
            index = self.proxy.index(0, 0)
        if index.isValid():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)
        self._update_actions()

    # -- profiles (the composition root opens them: see views/profile/profile_windows.py) ---

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        entry = index.data(ROW_ROLE)
        if isinstance(entry, RosterEntry):
            self.participant_opened.emit(entry.participant_id)

    @Slot()
    def open_selected(self) -> None:
        participant = self.selected_participant()
        if participant is not None:
            self.participant_opened.emit(participant)


def _participant(entry: RosterEntry) -> uuid.UUID:
    return entry.participant_id
