"""An honest empty state: what this place is for, why it is empty, and the next step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    """A heading, a sentence or two, and at most one button that takes the next step.

    ``action_triggered`` is emitted when the button is pressed; ``show_state`` replaces all
    three parts at once so that a page never shows a stale heading over a new explanation.
    """

    action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A centred column of readable width: wrapped labels then get their full height
        # (centring a wrapped label by alignment flags squeezes it to its narrow size hint).
        column = QWidget(self)
        column.setMaximumWidth(560)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.heading = QLabel(column)
        self.heading.setObjectName("emptyStateHeading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.heading.setWordWrap(True)

        self.body = QLabel(column)
        self.body.setObjectName("emptyStateBody")
        self.body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.button = QPushButton(column)
        self.button.setObjectName("emptyStateAction")
        self.button.clicked.connect(self.action_triggered)
        self.button.hide()

        inner = QVBoxLayout(column)
        inner.addWidget(self.heading)
        inner.addSpacing(8)
        inner.addWidget(self.body)
        inner.addSpacing(16)
        inner.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_state(self, heading: str, body: str, action: str = "") -> None:
        self.heading.setText(heading)
        self.body.setText(body)
        self.button.setText(action)
        self.button.setAccessibleName(action.replace("&", "").rstrip("…."))
        self.button.setVisible(bool(action))
