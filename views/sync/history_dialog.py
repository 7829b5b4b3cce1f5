"""A record's history: every earlier value of its fields, who wrote it, and why it was replaced."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.sync_review import HistoryEntryRow, SyncReviewService
from app.tasks import TaskRunner
from views.heading import heading_label, note_label
from views.sync.table_models import HistoryColumn, HistoryTableModel
from views.sync.wording import sync_message


@dataclass(frozen=True, slots=True)
class LoadedHistory:
    record: str
    entries: list[HistoryEntryRow]


class RecordHistoryDialog(QDialog):
    """The history of one record (``entity``, ``row_id``), newest first; read-only.

    Pages open it for the record in front of the user (e.g. a check-in's "History…"); losing
    values of merges are listed like any other, so nothing anyone wrote is out of sight.
    """

    def __init__(
        self,
        review: SyncReviewService,
        tasks: TaskRunner,
        entity: str,
        row_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordHistoryDialog")
        self.setWindowTitle("History")
        self.heading = heading_label("History", self)
        self.note = note_label("Reading the vault…", self)
        self.history = HistoryTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Earlier values")
        self.table.setModel(self.history)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HistoryColumn.VALUE, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, 420)
        tasks.submit(
            lambda: LoadedHistory(review.describe(entity, row_id), review.history(entity, row_id)),
            on_success=self._on_loaded,
            on_failure=lambda error: self.note.setText(sync_message(error)),
            owner=self,
            name="record history",
        )

    def _on_loaded(self, loaded: LoadedHistory) -> None:
        title = loaded.record[:1].upper() + loaded.record[1:]
        self.heading.setText(f"History of {loaded.record}")
        self.setWindowTitle(f"History — {title}")
        self.history.set_rows(loaded.entries)
        self.note.setText(
            "Every value its fields held before, including those that lost a merge."
            if loaded.entries
            else "No field of this record has been changed yet."
        )
