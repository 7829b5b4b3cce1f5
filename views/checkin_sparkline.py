"""Mood sparklines painted with QPainter: one per log row (a delegate) and one beside the form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.checkin_log import TREND_POINTS
from views.checkin_log_table_model import TREND_ROLE

MAX_MOOD = 10


def paint_sparkline(
    painter: QPainter,
    rect: QRectF,
    moods: Sequence[int | None],
    palette: QPalette,
    *,
    selected: bool = False,
    baseline: bool = True,
    slots: int = TREND_POINTS,
) -> None:
    """Moods (0–10, oldest first) as a line across ``rect``; gaps where none was given.

    The last point, the check-in the row is about, is a dot; a faint line marks mood 5.
    """
    points = [(i, mood) for i, mood in enumerate(moods) if mood is not None]
    if not points:
        return
    group = QPalette.ColorGroup.Active
    ink = palette.color(
        group,
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link,
    )
    inner = rect.adjusted(3, 3, -3, -3)
    # A fixed scale of ``slots`` check-ins, right-aligned: the newest is always at the right
    # edge, and a short history is visibly short.
    slots = max(slots, len(moods))
    step = inner.width() / max(1, slots - 1)
    shift = slots - len(moods)

    def at(i: int, mood: int) -> QPointF:
        x = inner.left() + (i + shift) * step
        return QPointF(x, inner.bottom() - inner.height() * mood / MAX_MOOD)

    painter.save()
    if baseline:  # a crisp hairline needs no antialiasing (and costs less without it)
        faint = QColor(ink)
        faint.setAlphaF(0.25)
        painter.setPen(QPen(faint, 1))
        middle = round(inner.bottom() - inner.height() / 2)
        painter.drawLine(QPointF(inner.left(), middle), QPointF(inner.right(), middle))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    previous: int | None = None
    for i, mood in points:
        if previous is not None and i == previous + 1:
            path.lineTo(at(i, mood))
        else:
            path.moveTo(at(i, mood))
        previous = i
    painter.setPen(QPen(ink, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    last_index, last_mood = points[-1]
    if last_index == len(moods) - 1:
        painter.setBrush(ink)
        painter.drawEllipse(at(last_index, last_mood), 2.5, 2.5)
    painter.restore()


class SparklineDelegate(QStyledItemDelegate):
    """Paints the model's ``TREND_ROLE`` (a tuple of moods) as a sparkline in the cell."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)  # background, selection and focus as usual
        moods = index.data(TREND_ROLE)
        if moods:
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            rect = QRectF(option.rect).adjusted(4, 2, -4, -2)
            paint_sparkline(painter, rect, moods, option.palette, selected=selected)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(96, super().sizeHint(option, index).height())


class MoodSparkline(QWidget):
    """A larger sparkline beside the check-in form: the chosen person's recent moods."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._moods: tuple[int | None, ...] = ()
        self.setMinimumSize(72, 36)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @property
    def moods(self) -> tuple[int | None, ...]:
        return self._moods

    def set_moods(self, moods: Sequence[int | None]) -> None:
        self._moods = tuple(moods)
        given = [m for m in self._moods if m is not None]
        if given:
            said = ", ".join("not given" if m is None else str(m) for m in self._moods)
            self.setAccessibleDescription(f"Recent moods, oldest first: {said}")
            self.setToolTip(f"Last {len(self._moods)} moods, oldest first: {said}")
        else:
            self.setAccessibleDescription("No moods recorded yet")
            self.setToolTip("No moods recorded yet")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            paint_sparkline(painter, QRectF(self.rect()), self._moods, self.palette())
        finally:
            painter.end()
