"""Changes to review: conflicts sync could not settle, each in detail, and the record's history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import InvalidInput
from app.services.sync_review import ConflictRow, HistoryEntryRow, SyncReviewService
from app.tasks import TaskRunner
from views.heading import heading_label, note_label
from views.roles import ROW_ROLE
from views.sync.conflict_panel import ConflictPanel
from views.sync.table_models import (
    ConflictColumn,
    ConflictTableModel,
    HistoryColumn,
    HistoryTableModel,
)
from views.sync.wording import sync_message


@dataclass(frozen=True, slots=True)
class RecordHistory:
    entity: str
    row_id: uuid.UUID
    record: str
    entries: list[HistoryEntryRow]


def _table(parent: QWidget, name: str, object_name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(object_name)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


class ReviewDialog(QDialog):
    """Lists conflicts (open ones, or all), shows the chosen one and its record's history.

    Non-modal: it may stay open beside the window; ``reload()`` after an import. Resolving
    goes through the task runner; ``conflicts_changed`` follows each settled conflict.
    """

    conflicts_changed = Signal()

    def __init__(
        self, review: SyncReviewService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle("Changes to review")
        self._review, self._tasks = review, tasks
        self._wanted: str | None = None  # the conflict to select after a reload

        self.summary = note_label("Reading the vault…", self)
        self.show_settled = QCheckBox("Show &settled changes too", self)
        self.show_settled.setAccessibleName("Show settled changes too")
        self.show_settled.toggled.connect(lambda _on: self.reload())

        self.conflicts = ConflictTableModel(self)
        self.conflict_table = _table(self, "Changes to review", "conflictTable")
        self.conflict_table.setModel(self.conflicts)
        header = self.conflict_table.horizontalHeader()
        header.setSectionResizeMode(ConflictColumn.RECORD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ConflictColumn.WHAT, QHeaderView.ResizeMode.ResizeToContents)
        self.conflict_table.setColumnHidden(ConflictColumn.FOUND, True)  # the panel says it
        self.conflict_table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.panel = ConflictPanel(self)
        self.panel.resolve_requested.connect(self.resolve)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.conflict_table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 620])  # the two versions side by side need the room

        self.history_heading = heading_label("Earlier values of this record", self, scale=1.1)
        self.history_note = note_label(
            "Every value a field held before is kept, including those that lost a merge.", self
        )
        self.history = HistoryTableModel(self)
        self.history_table = _table(self, "Earlier values of this record", "historyTable")
        self.history_table.setModel(self.history)
        history_header = self.history_table.horizontalHeader()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(HistoryColumn.VALUE, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Changes to review", self))
        layout.addWidget(self.summary)
        layout.addWidget(self.show_settled)
        history = QWidget(self)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addWidget(self.history_heading)
        history_layout.addWidget(self.history_note)
        history_layout.addWidget(self.history_table, 1)
        rows = QSplitter(Qt.Orientation.Vertical, self)
        rows.setChildrenCollapsible(False)
        rows.addWidget(splitter)
        rows.addWidget(history)
        rows.setStretchFactor(0, 3)
        rows.setStretchFactor(1, 2)
        rows.setSizes([460, 220])
        layout.addWidget(rows, 1)
        layout.addWidget(buttons)
        self.setTabOrder(self.show_settled, self.conflict_table)
        self.setTabOrder(self.conflict_table, self.panel.keep_button)
        self.setTabOrder(self.panel.save_combined, self.history_table)
        self.resize(1040, 760)
        self.conflict_table.setFocus()
        self.reload()

    # -- loading --------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        review, settled = self._review, self.show_settled.isChecked()
        current = self.selected_conflict
        if self._wanted is None and current is not None:
            self._wanted = current.id
        self._tasks.submit(
            lambda: review.conflicts(include_settled=settled),
            on_success=self._on_loaded,
            on_failure=lambda error: self.summary.setText(sync_message(error)),
            key="review-conflicts",
            owner=self,
            name="conflicts to review",
        )

    def _on_loaded(self, rows: list[ConflictRow]) -> None:
        waiting = sum(1 for row in rows if row.status == "open")
        if not rows:
            self.summary.setText("Nothing to review: every change merged on its own.")
        else:
            self.summary.setText(
                f"{waiting} {'change waits' if waiting == 1 else 'changes wait'} for you. Sync "
                "merged everything else on its own; here two devices disagreed, and both "
                "versions are kept until you choose."
            )
        wanted, self._wanted = self._wanted, None
        self.conflicts.set_rows(rows)
        ids = [row.id for row in rows]
        row_number = ids.index(wanted) if wanted in ids else 0
        if rows:
            self.conflict_table.selectRow(row_number)
        else:
            self._show(None)

    @property
    def selected_conflict(self) -> ConflictRow | None:
        indexes = self.conflict_table.selectionModel().selectedRows()
        if not indexes:
            return None
        row = indexes[0].data(ROW_ROLE)
        return row if isinstance(row, ConflictRow) else None

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.selected_conflict)

    def _show(self, row: ConflictRow | None) -> None:
        self.panel.show_conflict(row)
        for widget in (self.history_heading, self.history_note, self.history_table):
            widget.setVisible(row is not None)
        if row is None:
            self.history.set_rows([])
            return
        review = self._review
        entity, row_id, record = row.entity, row.row_id, row.record
        self._tasks.submit(
            lambda: RecordHistory(entity, row_id, record, review.history(entity, row_id)),
            on_success=self._on_history_loaded,
            on_failure=lambda error: self.history_note.setText(sync_message(error)),
            key="review-history",
            owner=self,
            name="record history",
        )

    def _on_history_loaded(self, history: RecordHistory) -> None:
        self.history.set_rows(history.entries)
        self.history_heading.setText(f"Earlier values of {history.record}")
        self.history_table.setAccessibleName(f"Earlier values of {history.record}")
        if not history.entries:
            self.history_note.setText("No earlier values are kept for this record yet.")

    # -- resolving ------------------------------------------------------------------------

    @Slot(str, str, str)
    def resolve(self, conflict_id: str, choice: str, combined: str) -> None:
        review, text = self._review, combined or None
        rows = self.conflicts.rows
        ids = [row.id for row in rows]
        if conflict_id in ids and not self.show_settled.isChecked():
            # The settled one leaves the list: select the next one (or the one before).
            position = ids.index(conflict_id)
            rest = ids[position + 1 :] or ids[:position][-1:]
            self._wanted = rest[0] if rest else None
        else:
            self._wanted = conflict_id
        self._tasks.submit(
            lambda: review.resolve(conflict_id, choice, text),
            on_success=self._on_resolved,
            on_failure=self._on_resolve_failed,
            owner=self,
            name="resolve conflict",
        )

    def _on_resolved(self, _row: ConflictRow) -> None:
        self.conflicts_changed.emit()
        self.reload()

    def _on_resolve_failed(self, error: Exception) -> None:
        self.panel.busy(False)
        self._wanted = None
        text = error.message if isinstance(error, InvalidInput) else sync_message(error)
        self.panel.message.show_message(text)
