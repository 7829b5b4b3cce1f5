"""A validation message shown beside the field it is about, and announced with that field."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from views.theme import meaning


class FieldMessage(QLabel):
    """Hidden until it has something to say; ``field`` gets the same text as its description.

    Screen readers read a field's accessible description when it gains focus, so the
    message is heard where it is needed, not only seen.
    """

    def __init__(self, field: QWidget | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field = field
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, meaning(palette, "error"))
        self.setPalette(palette)
        self.setText(text)
        if self._field is not None:
            self._field.setAccessibleDescription(text)
        self.setVisible(bool(text))
        if text:
            self._make_room()

    def _make_room(self) -> None:
        """Grow the dialog to show the message in full.

        A top-level window only follows its layout's minimum size, at which the fields
        above a wrapped message get squeezed; its size hint has room for everything.
        """
        window = self.window()
        layout = window.layout()
        if layout is not None:
            layout.activate()
        window.resize(window.size().expandedTo(window.sizeHint()))

    def clear_message(self) -> None:
        self.setText("")
        if self._field is not None:
            self._field.setAccessibleDescription("")
        self.hide()

    @property
    def message(self) -> str:
        return self.text()


def add_field_row(
    form: QFormLayout,
    label_text: str,
    field: QWidget,
    key: str,
    name: str,
    parent: QWidget,
    *,
    focus: QWidget | None = None,
) -> tuple[QLabel, QWidget, FieldMessage]:
    """A form row: a label, then ``field`` with its message (``{key}Message``) beneath it.

    ``name`` is the accessible name of ``focus`` (default ``field``), which the label's
    mnemonic focuses and the message describes. Returns the label, the cell and the message.
    """
    target = focus or field
    label = QLabel(label_text, parent)
    label.setBuddy(target)
    target.setAccessibleName(name)
    message = FieldMessage(target, parent)
    message.setObjectName(f"{key}Message")
    cell = QWidget(parent)
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(message)
    form.addRow(label, cell)
    return label, cell, message
