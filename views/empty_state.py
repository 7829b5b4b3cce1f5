"""An honest empty state: what this place is for, why it is empty, and the next step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A heading, a sentence or two, and at most one button that takes the next step.

    ``action_triggered`` is emitted when the button is pressed; ``show_state`` replaces all
    three parts at once so that a page never shows a stale heading over a new explanation.
    """

    action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setObjectName("emptyStateHeading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.heading.setWordWrap(True)

        self.body = QLabel(self)
        self.body.setObjectName("emptyStateBody")
        self.body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.setWordWrap(True)
        self.body.setMaximumWidth(520)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.button = QPushButton(self)
        self.button.setObjectName("emptyStateAction")
        self.button.clicked.connect(self.action_triggered)
        self.button.hide()

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addSpacing(8)
        layout.addWidget(self.body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def show_state(self, heading: str, body: str, action: str = "") -> None:
        self.heading.setText(heading)
        self.body.setText(body)
        self.button.setText(action)
        self.button.setAccessibleName(action.replace("&", "").rstrip("…."))
        self.button.setVisible(bool(action))
