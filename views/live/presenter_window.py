"""The presenter-safe window to share with the group: round order, peer leader, milestones."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.accountability.calendar import WEEKDAYS
from app.services.presenter import PresenterView

BACKGROUND = "#f6f4ef"  # warm paper
INK = "#1f2933"  # 14:1 on the background
SOFT_INK = "#52606d"  # 6.1:1: those who have spoken
ACCENT = "#1d4e89"  # the speaker: 8.3:1


def _label(
    text: str, parent: QWidget, *, size: float, bold: bool = False, colour: str = INK
) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(size)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    label.setAccessibleName(text)
    return label


class PresenterWindow(QWidget):
    """A window to share with the group, large and calm.

    Its only input is ``show_view(PresenterView)``: the presenter-safe projection, which has
    no field for a flag, a prompt, a check-in, a note or anything clinician-only. Every
    text shown is plain text (never rich text from data). Nothing here is focusable or
    editable, so a shared screen never shows a cursor in a field.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("presenterWindow")
        self.setWindowTitle("Circlekeeper — group screen")
        self.setAccessibleName("Group screen")
        self.setStyleSheet(f"QWidget#presenterWindow {{ background: {BACKGROUND}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.resize(1100, 720)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(48, 36, 48, 36)
        self._layout.setSpacing(18)
        self._content: QWidget | None = None

    def show_view(self, view: PresenterView) -> None:
        if self._content is not None:
            self._layout.removeWidget(self._content)
            self._content.deleteLater()
        self._content = self._build(view)
        self._layout.addWidget(self._content)

    def _build(self, view: PresenterView) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        day = view.session_date
        date = f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%B')}"
        title = f"{view.cohort_name} · {date}"
        column.addWidget(_label(title, page, size=26, bold=True))
        if view.topic:
            column.addWidget(_label(f"Today: {view.topic}", page, size=20, colour=SOFT_INK))
        body = QHBoxLayout()
        body.setSpacing(48)
        column.addLayout(body, 1)
        order = QVBoxLayout()
        order.addWidget(_label("Check-in order", page, size=20, bold=True))
        for number, speaker in enumerate(view.round_order, start=1):
            name = (
                f"{speaker.display_name} ({speaker.pronouns})"
                if speaker.pronouns
                else speaker.display_name
            )
            if speaker.speaking:
                order.addWidget(
                    _label(f"▶  {number}. {name}", page, size=24, bold=True, colour=ACCENT)
                )
            elif speaker.done:
                order.addWidget(_label(f"✓  {number}. {name}", page, size=19, colour=SOFT_INK))
            else:
                order.addWidget(_label(f"    {number}. {name}", page, size=20))
        order.addStretch(1)
        body.addLayout(order, 1)
        side = QVBoxLayout()
        side.setSpacing(14)
        side.addWidget(_label("Peer leader today", page, size=20, bold=True))
        side.addWidget(_label(view.peer_leader or "To be chosen together", page, size=20))
        line = QFrame(page)
        line.setFrameShape(QFrame.Shape.HLine)
        side.addWidget(line)
        side.addWidget(_label("Celebrating", page, size=20, bold=True))
        if view.milestones:
            for milestone in view.milestones:
                side.addWidget(
                    _label(f"★  {milestone.display_name}: {milestone.text}", page, size=19)
                )
        else:
            side.addWidget(_label("Every week here counts.", page, size=19, colour=SOFT_INK))
        side.addStretch(1)
        body.addLayout(side, 1)
        return page
