"""The attendance grid's view: one key per mark, arrows to move, digits or F2 for minutes."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.services.attendance.service import OVERTIME_ALLOWANCE
from models import AttendanceStatus
from views.attendance.attendance_grid_model import STATUS_KEYS, GridCell, session_label
from views.roles import ROW_ROLE

KEY_STATUSES = {
    key: status
    for status, key in STATUS_KEYS.items()
    if status is not AttendanceStatus.NOT_RECORDED
}


def legend() -> str:
    """The keys, with undo and redo as this platform writes them (Ctrl+Z here, ⌘Z on a Mac)."""
    native = QKeySequence.SequenceFormat.NativeText
    undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(native)
    redo = QKeySequence("Ctrl+Shift+Z").toString(native)
    return (
        "P present · L late · O left early · E excused · U unexcused · Delete: no mark · "
        f"type digits or F2: minutes · {undo} undo, {redo} redo"
    )


Index = QModelIndex | QPersistentModelIndex
COLUMN_WIDTH = 76  # at least: "Wed 25 Nov" and "O 225" fit


class MinutesDelegate(QStyledItemDelegate):
    """Edits a cell's minutes in a spin box bounded by the session's length plus overtime."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        cell = index.data(ROW_ROLE)
        editor = QSpinBox(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        if isinstance(cell, GridCell):
            editor.setRange(0, cell.session.planned_minutes + OVERTIME_ALLOWANCE)
            editor.setAccessibleName(
                f"Minutes {cell.member.display_name} attended on {session_label(cell.session)}"
            )
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
            editor.selectAll()  # the first digit typed replaces the old minutes

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class AttendanceGridView(QTableView):
    """A table that marks attendance from the keyboard.

    P, L, O, E and U ask for that status on the current cell (``status_requested``) and then
    move down to the next person, so a session is marked top to bottom in one key each;
    Delete or Backspace asks to remove the mark (``clear_requested``). Arrow keys move as
    usual; digits, F2 or a double click edit the minutes in place.
    """

    status_requested = Signal(QModelIndex, object)  # AttendanceStatus
    clear_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Attendance grid")
        self.setAccessibleDescription(legend())
        self.setItemDelegate(MinutesDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setTabKeyNavigation(False)  # Tab leaves the grid, as everywhere else
        # Per item, with fit_columns: the grid starts with a whole column, never half a date.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        horizontal.setDefaultSectionSize(COLUMN_WIDTH)
        horizontal.setHighlightSections(True)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        vertical.setHighlightSections(True)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self.fit_columns)

    def fit_columns(self) -> None:
        """Widen the columns so that a whole number of them fills the width: scrolled by
        whole columns, the grid then never shows half a date."""
        model = self.model()
        count = model.columnCount() if model is not None else 0
        if not count:
            return
        available = self.viewport().width()
        shown = max(1, min(count, available // COLUMN_WIDTH))
        width = max(COLUMN_WIDTH, available // shown)
        header = self.horizontalHeader()
        for column in range(count):
            header.resizeSection(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if index.isValid() and plain and self.state() != QAbstractItemView.State.EditingState:
            status = KEY_STATUSES.get(event.text().upper())
            if status is not None:
                self.status_requested.emit(index, status)
                self._move_down(index)
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_requested.emit(index)
                event.accept()
                return
            if event.text() and not event.text().isdigit() and event.text().isprintable():
                event.ignore()  # other letters must not open the minutes editor
                return
        super().keyPressEvent(event)

    def _move_down(self, index: QModelIndex) -> None:
        model = self.model()
        if model is not None and index.row() + 1 < model.rowCount():
            self.setCurrentIndex(model.index(index.row() + 1, index.column()))
