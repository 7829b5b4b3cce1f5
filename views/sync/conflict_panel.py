"""One conflict in detail: both versions side by side, and keep one, take the other, or combine."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.sync_review import ConflictRow
from views.field_message import FieldMessage
from views.heading import heading_label, note_label
from views.sync.wording import KIND_EXPLANATIONS, conflict_title, value_text, when

KEEP_CURRENT, TAKE_OTHER, COMBINE = "current", "other", "combined"  # as app.sync.resolve


def version_text(row: ConflictRow, value: Any) -> str:
    if row.kind == "delete" or row.field == "deleted":
        return "Deleted." if value else "Kept (not deleted)."
    return value_text(value)


def combined_text(row: ConflictRow) -> str:
    """Both versions, current first, as the start of a combination."""
    parts = [str(v) for v in (row.current_value, row.other_value) if isinstance(v, str) and v]
    return "\n\n".join(dict.fromkeys(parts))


class ConflictPanel(QWidget):
    """Shows one conflict; ``resolve_requested(conflict_id, choice, combined_text)`` asks.

    The combine editor appears on demand, prefilled with both versions, for free text only.
    ``busy(True)`` disables the choices while a resolution is being written.
    """

    resolve_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictPanel")
        self.row: ConflictRow | None = None
        self.title = heading_label("", self, scale=1.1)
        self.explanation = note_label("", self)
        self.current_box, self.current_by, self.current_text, self.keep_button = self._side(
            "Current value", "&Keep the current value"
        )
        self.other_box, self.other_by, self.other_text, self.take_button = self._side(
            "The other version", "&Take the other version"
        )
        self.keep_button.clicked.connect(lambda: self._request(KEEP_CURRENT))
        self.take_button.clicked.connect(lambda: self._request(TAKE_OTHER))
        sides = QHBoxLayout()
        sides.addWidget(self.current_box)
        sides.addWidget(self.other_box)

        self.combine_button = QPushButton("C&ombine both…", self)
        self.combine_button.setAccessibleName("Combine both versions")
        self.combine_button.clicked.connect(self.start_combining)
        self.combined = QPlainTextEdit(self)
        self.combined.setAccessibleName("Combined text")
        self.combined.setTabChangesFocus(True)
        self.combined.setMinimumHeight(self.combined.fontMetrics().lineSpacing() * 5 + 12)
        self.save_combined = QPushButton("&Save the combined text", self)
        self.save_combined.setAccessibleName("Save the combined text")
        self.save_combined.clicked.connect(lambda: self._request(COMBINE))
        self.combine_area = QWidget(self)
        area = QVBoxLayout(self.combine_area)
        area.setContentsMargins(0, 0, 0, 0)
        combined_label = QLabel("Co&mbined text (edit it until it says what both meant):", self)
        combined_label.setBuddy(self.combined)
        area.addWidget(combined_label)
        area.addWidget(self.combined)
        area.addWidget(self.save_combined)
        self.combine_area.hide()
        self.settled = note_label("", self)
        self.message = FieldMessage(self.combined, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addLayout(sides, 1)
        layout.addWidget(self.combine_button)
        layout.addWidget(self.combine_area, 1)
        layout.addWidget(self.settled)
        layout.addWidget(self.message)
        self.setTabOrder(self.keep_button, self.take_button)
        self.setTabOrder(self.take_button, self.combine_button)
        self.setTabOrder(self.combine_button, self.combined)
        self.setTabOrder(self.combined, self.save_combined)
        self.show_conflict(None)

    def _side(
        self, title: str, button_text: str
    ) -> tuple[QGroupBox, QLabel, QPlainTextEdit, QPushButton]:
        box = QGroupBox(title, self)
        by = note_label("", box)
        text = QPlainTextEdit(box)
        text.setReadOnly(True)
        text.setAccessibleName(title)
        text.setTabChangesFocus(True)
        text.setMinimumHeight(text.fontMetrics().lineSpacing() * 4 + 12)
        button = QPushButton(button_text, box)
        button.setAccessibleName(button_text.replace("&", ""))
        layout = QVBoxLayout(box)
        layout.addWidget(by)
        layout.addWidget(text, 1)
        layout.addWidget(button)
        return box, by, text, button

    def show_conflict(self, row: ConflictRow | None) -> None:
        self.row = row
        self.message.clear_message()
        self.combine_area.hide()
        has_row = row is not None
        for widget in (self.current_box, self.other_box, self.combine_button):
            widget.setVisible(has_row)
        if row is None:
            self.title.setText("Nothing selected")
            self.explanation.setText("Choose a change on the left to see both versions.")
            self.settled.hide()
            return
        self.title.setText(conflict_title(row))
        self.explanation.setText(
            f"{KIND_EXPLANATIONS.get(row.kind, '')} Found {when(row.detected_at)}."
        )
        self.current_by.setText(f"Written on {row.current_by}, {when(row.current_at)}")
        self.other_by.setText(f"Written on {row.other_by}, {when(row.other_at)}")
        self.current_text.setPlainText(version_text(row, row.current_value))
        self.other_text.setPlainText(version_text(row, row.other_value))
        deleting = row.kind == "delete" or row.field == "deleted"
        self.keep_button.setText("&Keep the record" if deleting else "&Keep the current value")
        self.take_button.setText("&Take the deletion" if deleting else "&Take the other version")
        for button in (self.keep_button, self.take_button):
            button.setAccessibleName(button.text().replace("&", ""))
        is_text = isinstance(row.current_value, str) or isinstance(row.other_value, str)
        self.combine_button.setVisible(is_text and not deleting)
        is_open = row.status == "open"
        self.settled.setVisible(not is_open)
        self.settled.setText(f"Settled: {row.resolution}." if row.resolution else "Settled.")
        self.busy(False)

    @Slot()
    def start_combining(self) -> None:
        if self.row is None:
            return
        self.combined.setPlainText(combined_text(self.row))
        self.combine_area.show()
        self.combined.setFocus()

    def busy(self, working: bool) -> None:
        enabled = not working and self.row is not None and self.row.status == "open"
        for button in (self.keep_button, self.take_button, self.combine_button, self.save_combined):
            button.setEnabled(enabled)

    def _request(self, choice: str) -> None:
        if self.row is None:
            return
        text = self.combined.toPlainText() if choice == COMBINE else ""
        if choice == COMBINE and not text.strip():
            self.message.show_message("Write the combined text first.")
            self.combined.setFocus()
            return
        self.message.clear_message()
        self.busy(True)
        self.resolve_requested.emit(self.row.id, choice, text)
