"""Edit ▸ Find: people, check-in text and goals across the vault; a result opens its page."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import ROUND_PROGRESS, Changes
from app.services.search import HitKind, SearchHit, SearchResults, SearchService, SearchStopped
from app.tasks import TaskCancelled, TaskControl, TaskRunner
from views.errors import user_message
from views.goals.goal_models import day_text
from views.heading import note_label
from views.roles import ROW_ROLE
from views.shell.locked import locked_stand_in
from views.snapshot_table_model import SnapshotTableModel
from views.tables import ViewPlace, place_of, return_to, table_view

DEBOUNCE_MS = 250
CLINICIAN_MARK = "Clinician only"
KIND_TEXT = {
    HitKind.PERSON: "Person",
    HitKind.CHECK_IN: "Check-in",
    HitKind.GOAL: "Goal",
    HitKind.CLINICIAN_NOTE: "Clinician note",
}
# The page that shows each kind of record.
PAGE_OF = {
    HitKind.PERSON: "roster",
    HitKind.CLINICIAN_NOTE: "roster",
    HitKind.CHECK_IN: "checkins",
    HitKind.GOAL: "goals",
}


class SearchColumn(enum.IntEnum):
    KIND = 0
    PERSON = 1
    TEXT = 2
    COHORT = 3
    WHEN = 4
    SHARED = 5


class SearchResultsModel(SnapshotTableModel[SearchHit]):
    """Search hits; clinician-only text is marked in its own column, its row in italics."""

    columns = SearchColumn
    headers: ClassVar[dict[int, str]] = {
        SearchColumn.KIND: "Found in",
        SearchColumn.PERSON: "Person",
        SearchColumn.TEXT: "Text",
        SearchColumn.COHORT: "Cohort",
        SearchColumn.WHEN: "When",
        SearchColumn.SHARED: "Shared with",
    }

    def display(self, row: SearchHit, column: int) -> str:
        match column:
            case SearchColumn.KIND:
                return KIND_TEXT[row.kind]
            case SearchColumn.PERSON:
                return row.participant_name
            case SearchColumn.TEXT:
                return f"[{CLINICIAN_MARK}] {row.text}" if row.clinician_only else row.text
            case SearchColumn.COHORT:
                return row.cohort_name
            case SearchColumn.WHEN:
                return "" if row.day is None else day_text(row.day)
            case _:
                return CLINICIAN_MARK if row.clinician_only else "Group"

    def sort_value(self, row: SearchHit, column: int) -> Any:
        if column == SearchColumn.WHEN:
            return "" if row.when is None else row.when.isoformat()
        return super().sort_value(row, column)

    def tooltip(self, row: SearchHit, column: int) -> str | None:
        if row.clinician_only:
            return "Clinician-only text: not for the group's eyes"
        return row.text if column == SearchColumn.TEXT else None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and 0 <= index.row() < len(self.rows)
            and self.row_at(index.row()).clinician_only
        ):
            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)


class SearchDialog(QDialog):
    """Searches as the user types (after a short pause); Enter or a double click opens a hit.

    Clinician-only text (check-ins shared with the clinician only, clinician notes) is
    searched only while "Include clinician-only text" is ticked (off each time the dialog
    opens) and is then marked in every row it appears in. ``hit_opened(hit)`` is emitted,
    and the dialog accepted, when a result is opened. While it searches for something, a
    change announced on the change bus (a note saved in a profile, a check-in in the live
    round, an import) runs the search again, the same result kept selected.
    """

    hit_opened = Signal(object)

    def __init__(self, search: SearchService, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchDialog")
        self.setWindowTitle("Find")
        self._search, self._tasks = search, tasks
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.query = QueryEdit(self)
        self.query.setAccessibleName("Search for")
        self.query.setPlaceholderText("A name, words from a check-in, a goal…")
        self.query.setClearButtonEnabled(True)
        self.query.textEdited.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._open_current)
        caption = QLabel("&Find:", self)
        caption.setBuddy(self.query)
        self.clinician = QCheckBox("Include &clinician-only text", self)
        self.clinician.setToolTip("Leave this off while your screen is shared with the group")
        self.clinician.toggled.connect(self.run_search)
        self.model = SearchResultsModel(self)
        self.results = table_view(self.model, "searchResults", (SearchColumn.TEXT,), self)
        self.results.setAccessibleName("Search results")
        self.results.activated.connect(self._open_index)
        self.query.down_pressed.connect(self._enter_results)
        self.status = note_label("Type at least two characters.", self)
        self.status.setObjectName("searchStatus")
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAccessibleName("Open result")
        self.open_button.clicked.connect(self._open_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.query, 1)
        top.addWidget(self.clinician)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(820, 480)
        self.query.setFocus()
        self._kept: ViewPlace | None = None  # where the results were when a change came
        tasks.changed.connect(self._on_vault_changed)

    def done(self, result: int) -> None:
        """Closing forgets the query and what it found (the dialog may outlive its window)."""
        self._timer.stop()
        self.query.clear()
        self.model.clear()
        self.status.clear()
        self._search = locked_stand_in("search")
        super().done(result)

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        searching = len(self.query.text().strip()) >= 2
        if self.isVisible() and searching and not changes.only(ROUND_PROGRESS):
            self._kept = place_of(self.results, _hit_key)
            self.run_search()

    def run_search(self) -> None:
        """Search now for the field's text (a newer search stops an older one)."""
        self._timer.stop()
        text, clinician, search = self.query.text(), self.clinician.isChecked(), self._search
        if len(text.strip()) < 2:
            self.model.clear()
            self.status.setText("Type at least two characters.")
            return
        self.status.setText("Searching…")

        def work(control: TaskControl) -> SearchResults:
            try:
                return search.search(
                    text, include_clinician_only=clinician, stop=lambda: control.cancelled
                )
            except SearchStopped:
                raise TaskCancelled from None

        self._tasks.submit_controlled(
            work,
            on_success=self._show,
            on_failure=lambda error: self.status.setText(user_message(error)),
            key="global-search",
            owner=self,
            name="search",
        )

    def _show(self, results: SearchResults) -> None:
        self.model.set_rows(results.hits)
        kept, self._kept = self._kept, None
        if kept is not None:
            return_to(self.results, kept, _hit_key)
        found = len(results.hits)
        if not found:
            self.status.setText(f"Nothing found for “{results.query}”.")
        else:
            more = " (the first of each kind; type more to narrow it)" if results.truncated else ""
            self.status.setText(f"{found} found{more}. Enter opens the selected one.")
        if found and not self.results.currentIndex().isValid():
            self.results.selectRow(0)

    def _enter_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            if not self.results.currentIndex().isValid():
                self.results.selectRow(0)

    def _open_current(self) -> None:
        self._open_index(self.results.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        hit = index.data(ROW_ROLE) if index.isValid() else None
        if isinstance(hit, SearchHit):
            self.hit_opened.emit(hit)
            self.accept()


def _hit_key(hit: SearchHit) -> tuple[HitKind, object]:
    return (hit.kind, hit.record_id)


class QueryEdit(QLineEdit):
    """The search field: the Down key moves on into the results."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)
