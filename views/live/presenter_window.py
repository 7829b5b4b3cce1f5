"""The presenter-safe window to share with the group: round order, peer leader, milestones."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.accountability.calendar import WEEKDAYS
from app.services.agenda.presenter import PresenterView
from views.theme import presenter_colours

FOOTER = "Share what you want to share. What is said here stays here."


def _label(
    text: str,
    parent: QWidget,
    *,
    size: float,
    bold: bool = False,
    colour: str = "",
    wrap: bool = True,
) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(size)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {colour or presenter_colours().ink}; background: transparent;")
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
        paper = presenter_colours().background
        self.setStyleSheet(f"QWidget#presenterWindow {{ background: {paper}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.resize(1100, 720)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(48, 36, 48, 36)
        self._layout.setSpacing(18)
        self._content: QWidget | None = None
        self.shown: PresenterView | None = None

    def show_view(self, view: PresenterView) -> None:
        self.shown = view
        if self._content is not None:
            self._layout.removeWidget(self._content)
            self._content.deleteLater()
        self._content = self._build(view)
        self._layout.addWidget(self._content)

    def _build(self, view: PresenterView) -> QWidget:
        ink = presenter_colours()
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        day = view.session_date
        date = f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%B')}"
        column.addWidget(_label(view.cohort_name, page, size=24, bold=True))
        subtitle = f"{date} · {view.topic}" if view.topic else date
        column.addWidget(_label(subtitle, page, size=18, colour=ink.soft_ink))
        body = QHBoxLayout()
        body.setSpacing(48)
        column.addLayout(body, 1)
        order = QVBoxLayout()
        order.setSpacing(6)
        order.addWidget(_label("Speaking order", page, size=19, bold=True))
        order.addSpacing(6)
        for number, speaker in enumerate(view.round_order, start=1):
            name = speaker.display_name
            if speaker.pronouns:
                name += f" ({speaker.pronouns})"
            if speaker.speaking:
                line = _label(
                    f"▶ {number}. {name}", page, size=21, bold=True, colour=ink.accent, wrap=False
                )
            elif speaker.done:
                line = _label(f"✓ {number}. {name}", page, size=17, colour=ink.soft_ink, wrap=False)
            else:
                line = _label(f"   {number}. {name}", page, size=17, wrap=False)
            order.addWidget(line)
        order.addStretch(1)
        body.addLayout(order, 1)
        side = QVBoxLayout()
        side.setSpacing(14)
        side.addWidget(_label("Peer leader today", page, size=19, bold=True))
        side.addWidget(_label(view.peer_leader or "To be chosen together", page, size=17))
        rule = QFrame(page)
        rule.setFrameShape(QFrame.Shape.HLine)
        side.addWidget(rule)
        side.addWidget(_label("Celebrating", page, size=19, bold=True))
        if view.milestones:
            for milestone in view.milestones:
                text = f"★ {milestone.display_name}: {milestone.text}"
                side.addWidget(_label(text, page, size=17))
        else:
            side.addWidget(_label("Every week here counts.", page, size=17, colour=ink.soft_ink))
        side.addStretch(1)
        body.addLayout(side, 1)
        column.addWidget(_label(FOOTER, page, size=14, colour=ink.soft_ink))
        return page
