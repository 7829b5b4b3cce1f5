"""A calendar heat map: one cell per day, weeks left to right, Monday to Sunday top to bottom."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from views.charts.chart import Chart, ChartColours

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class DayValue:
    """One day's value (within the map's ``minimum``..``maximum``) and, optionally, its tooltip."""

    day: dt.date
    value: float
    label: str = ""


def percent(value: float) -> str:
    return f"{value:.0%}"


def long_date(day: dt.date) -> str:
    """``Wed 4 Mar 2026`` (no platform-specific ``%-d``)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class CalendarHeatMapChart(Chart):
    """Days × weeks: a cell per day coloured by its value, on the palette's accent scale.

    ``set_days(days, first=…, last=…)`` shows the days from ``first`` to ``last`` (by default
    the span of ``days``); a day without a value (no session, say) is drawn in a neutral
    cell and named ``empty_text`` in the legend and its tooltip. Values run from
    ``minimum`` (faintest tint of the accent) to ``maximum`` (the full accent), values outside
    taking the nearest end (the legend then says "≤ minimum");
    ``value_text`` formats them for the legend and for tooltips without a label of their own.
    Hovering a cell shows its date and value. Months are labelled along the top (quarters or
    years when the span is long), weekdays down the left. With ``compact=True`` only the
    weekdays that have a value somewhere are drawn (a group meeting Mon, Wed, Fri gets
    three rows instead of seven mostly empty ones).
    """

    fixed_margins = True

    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        *,
        empty_text: str = "No data",
        value_text: Callable[[float], str] = percent,
        compact: bool = False,
    ) -> None:
        super().__init__(name, parent)
        self.empty_text = empty_text
        self.value_text = value_text
        self.compact = compact
        self._rows: tuple[int, ...] = tuple(range(7))  # the weekdays drawn, top to bottom
        self._values: dict[dt.date, DayValue] = {}
        self._first = self._last = dt.date.today()
        self._minimum, self._maximum = 0.0, 1.0
        self._axes: Axes | None = None

    @property
    def days(self) -> list[DayValue]:
        return sorted(self._values.values(), key=lambda value: value.day)

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        return self._first, self._last

    def set_days(
        self,
        days: Sequence[DayValue],
        *,
        first: dt.date | None = None,
        last: dt.date | None = None,
        minimum: float = 0.0,
        maximum: float = 1.0,
    ) -> None:
        """Chart ``days`` between ``first`` and ``last`` (inclusive), then redraw."""
        if first is None or last is None:
            known = [value.day for value in days] or [dt.date.today()]
            first = first or min(known)
            last = last or max(known)
        if last < first:
            raise ValueError("the heat map's last day comes before its first")
        self._values = {value.day: value for value in days if first <= value.day <= last}
        self._first, self._last = first, last
        self._minimum, self._maximum = minimum, max(maximum, minimum + 1e-9)
        with_values = sorted({day.weekday() for day in self._values})
        self._rows = tuple(with_values) if self.compact and with_values else tuple(range(7))
        self.redraw()

    # -- Chart ------------------------------------------------------------------------------

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        import numpy as np
        from matplotlib.colors import LinearSegmentedColormap, ListedColormap
        from matplotlib.patches import Patch

        monday = self._first - dt.timedelta(days=self._first.weekday())
        weeks = (self._last - monday).days // 7 + 1
        rows = len(self._rows)
        row_of = {weekday: row for row, weekday in enumerate(self._rows)}
        in_range = np.full((rows, weeks), np.nan)
        values = np.full((rows, weeks), np.nan)
        day = self._first
        while day <= self._last:
            row, column = row_of.get(day.weekday()), (day - monday).days // 7
            if row is not None:
                in_range[row, column] = 0.0
                if (value := self._values.get(day)) is not None:
                    values[row, column] = value.value
            day += dt.timedelta(days=1)

        # "No value" stays quiet; the scale's low end is a clearly visible tint, so that a
        # day with a value of 0 never looks like a day without one.
        empty = colours.tint(colours.text, 0.06 if colours.dark else 0.035)
        low = colours.tint(colours.accent, 0.3 if colours.dark else 0.22)
        scale = LinearSegmentedColormap.from_list("heat", [low, colours.accent])
        axes = figure.add_subplot()
        self._axes = axes
        # Gaps between cells: thinner when there are many weeks, so that cells stay visible.
        pixels_per_week = figure.get_figwidth() * figure.dpi / max(weeks, 1)
        gap = min(1.6, max(0.3, pixels_per_week * 0.08))
        axes.pcolormesh(
            np.ma.masked_invalid(in_range),
            cmap=ListedColormap([empty]),
            edgecolors=colours.background,
            linewidth=gap,
        )
        axes.pcolormesh(
            np.ma.masked_invalid(values),
            cmap=scale,
            vmin=self._minimum,
            vmax=self._maximum,
            edgecolors=colours.background,
            linewidth=gap,
        )
        axes.set_xlim(0, weeks)
        axes.set_ylim(rows, 0)  # Monday at the top
        axes.set_aspect("equal")
        for side in ("left", "right", "top", "bottom"):
            axes.spines[side].set_visible(False)
        axes.tick_params(length=0)
        shown = range(rows) if rows < 7 else range(0, 5, 2)  # seven labels would crowd
        axes.set_yticks([row + 0.5 for row in shown], [WEEKDAYS[self._rows[r]] for r in shown])
        axes.xaxis.tick_top()
        ticks, labels = self._month_ticks(monday, weeks)
        axes.set_xticks(ticks, labels)

        middle = (self._minimum + self._maximum) / 2
        below = any(v.value < self._minimum for v in self._values.values())
        swatches = [Patch(facecolor=empty, label=self.empty_text)] + [
            Patch(
                facecolor=scale((v - self._minimum) / (self._maximum - self._minimum)),
                label=("≤ " if below and v == self._minimum else "") + self.value_text(v),
            )
            for v in (self._minimum, middle, self._maximum)
        ]
        axes.legend(  # just under the cells, wherever the square cells leave the box
            handles=swatches,
            loc="upper right",
            bbox_to_anchor=(1, 0),
            borderaxespad=0.3,
            ncols=len(swatches),
            handlelength=1.0,
            handleheight=1.0,
            columnspacing=1.2,
            handletextpad=0.4,
        )

    def margins(self) -> QMargins:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        # Weekdays on the left, months above, the legend below.
        return QMargins(metrics.horizontalAdvance("Wed") + 12, line + 8, 8, line + 16)

    def describe(self) -> str:
        name = self.accessibleName()
        span = f"{long_date(self._first)} to {long_date(self._last)}"
        if not self._values:
            return f"{name}, {span}: {self.empty_text.lower()} on any day."
        values = list(self._values.values())
        mean = sum(v.value for v in values) / len(values)
        lowest = min(values, key=lambda v: (v.value, v.day))
        return (
            f"{name}, {span}: {len(values)} days with a value, averaging "
            f"{self.value_text(mean)}; the lowest was {self.value_text(lowest.value)} "
            f"on {long_date(lowest.day)}."
        )

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        day = self.day_at(x, y) if axes is self._axes else None
        if day is None:
            return None
        value = self._values.get(day)
        if value is None:
            return f"{long_date(day)}: {self.empty_text.lower()}"
        return value.label or f"{long_date(day)}: {self.value_text(value.value)}"

    # -- helpers ----------------------------------------------------------------------------

    def day_at(self, x: float, y: float) -> dt.date | None:
        """The day drawn at data position (``x``, ``y``), or None outside the span."""
        if not (math.isfinite(x) and math.isfinite(y)) or not 0 <= y < len(self._rows) or x < 0:
            return None
        monday = self._first - dt.timedelta(days=self._first.weekday())
        day = monday + dt.timedelta(weeks=int(x), days=self._rows[int(y)])
        return day if self._first <= day <= self._last else None

    def cell_centre(self, day: dt.date) -> tuple[float, float]:
        """The data position of ``day``'s cell centre; ValueError when its row is not drawn."""
        monday = self._first - dt.timedelta(days=self._first.weekday())
        return (day - monday).days // 7 + 0.5, self._rows.index(day.weekday()) + 0.5

    @property
    def axes(self) -> Axes | None:
        return self._axes

    @staticmethod
    def _month_ticks(monday: dt.date, weeks: int) -> tuple[list[float], list[str]]:
        """Month starts along the top; only quarters or Januaries when there are many weeks."""
        yearly = weeks > 80
        months: tuple[int, ...] = tuple(range(1, 13))
        if yearly:
            months = (1,)
        elif weeks > 30:
            months = (1, 4, 7, 10)
        ticks: list[float] = []
        labels: list[str] = []
        for column in range(weeks):
            week = monday + dt.timedelta(weeks=column)
            for offset in range(7):
                day = week + dt.timedelta(days=offset)
                if day.day == 1 and day.month in months:
                    ticks.append(column + 0.5)
                    year = not labels or day.month == 1
                    text = f"{day:%Y}" if yearly else f"{day:%b}"
                    labels.append(f"{text} {day:%Y}" if year and not yearly else text)
        return ticks, labels
