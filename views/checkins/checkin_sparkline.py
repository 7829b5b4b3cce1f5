"""Mood sparklines painted with QPainter: one per log row (a delegate) and one beside the form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.checkin_log.service import TREND_POINTS
from views.checkins.checkin_log_table_model import TREND_ROLE

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
    if not any(mood is not None for mood in moods):
        return
    ink = palette.color(
        QPalette.ColorGroup.Active,
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link,
    )
    inner = rect.adjusted(3, 3, -3, -3)
    # A fixed scale of ``slots`` check-ins, right-aligned: the newest is always at the right
    # edge, and a short history is visibly short.
    slots = max(slots, len(moods))
    step = inner.width() / max(1, slots - 1)
    left = inner.left() + (slots - len(moods)) * step
    bottom, scale = inner.bottom(), inner.height() / MAX_MOOD
    # Runs of given moods, each drawn as one polyline (a gap where a mood was not given).
    runs: list[list[QPointF]] = [[]]
    for i, mood in enumerate(moods):
        if mood is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(QPointF(left + i * step, bottom - mood * scale))
    painter.save()
    if baseline:  # a crisp hairline needs no antialiasing (and costs less without it)
        faint = QColor(ink)
        faint.setAlphaF(0.25)
        painter.setPen(QPen(faint, 1))
        middle = round(bottom - 5 * scale)
        painter.drawLine(QPointF(inner.left(), middle), QPointF(inner.right(), middle))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(ink, 1.5))
    for run in runs:
        if len(run) > 1:
            painter.drawPolyline(QPolygonF(run))
    if moods[-1] is not None:  # this check-in: a dot at the right edge
        painter.setBrush(ink)
        painter.drawEllipse(runs[-1][-1], 2.5, 2.5)
    painter.restore()


class SparklineDelegate(QStyledItemDelegate):
    """Paints the model's ``TREND_ROLE`` (a tuple of moods) as a sparkline in the cell."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # The cell's background, selection and focus as the style draws them. Not through
        # super().paint(): that asks the model for a dozen roles this cell never shows.
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
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
