"""The profile's charts: mood with craving overlaid, and the attendance calendar's day values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from app.services.profile import CheckInEntry, MarkRow
from views.charts.calendar_heat_map import DayValue, long_date
from views.charts.chart import Chart, ChartColours

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HEAT_MAP_WEEKS = 26  # the latest half year of someone's sessions: cells stay big enough to read
MIN_WEEKS = 12


def _dates() -> Any:
    """``matplotlib.dates`` (untyped), imported at first draw like the rest of matplotlib."""
    import matplotlib.dates

    return matplotlib.dates


class MoodChart(Chart):
    """Mood (0–10) at each check-in as a line; craving (0–10) overlaid as a dashed line when
    ``with_craving`` (their track records cravings). Hovering a point names its day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Mood and craving", parent)
        self.points: list[CheckInEntry] = []
        self.with_craving = False

    def set_checkins(self, checkins: Sequence[CheckInEntry], *, with_craving: bool) -> None:
        self.points = [c for c in checkins if c.mood is not None or c.craving is not None]
        self.with_craving = with_craving and any(c.craving is not None for c in self.points)
        if not self.points:
            self.show_message("No check-ins with a mood yet.")
            return
        self.redraw()

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        dates = _dates()
        axes = figure.add_subplot()
        self._place_axes(figure, axes)
        moods = [(dates.date2num(c.at), c.mood) for c in self.points if c.mood is not None]
        axes.plot(
            [at for at, _ in moods],
            [mood for _, mood in moods],
            color=colours.accent,
            marker="o",
            markersize=3.5,
            linewidth=1.6,
            label="Mood",
        )
        if self.with_craving:
            cravings = [
                (dates.date2num(c.at), c.craving) for c in self.points if c.craving is not None
            ]
            axes.plot(
                [at for at, _ in cravings],
                [craving for _, craving in cravings],
                color=colours.warning,
                linestyle="--",
                marker="s",
                markersize=3,
                linewidth=1.3,
                label="Craving",
            )
        axes.set_ylim(-0.3, 10.3)
        axes.set_yticks([0, 2, 4, 6, 8, 10])
        axes.grid(axis="y")
        locator = dates.AutoDateLocator(minticks=3, maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
        if len(self.points) == 1:
            only = float(dates.date2num(self.points[0].at))
            axes.set_xlim(only - 3, only + 3)
        axes.legend(loc="upper left", ncols=2)

    @staticmethod
    def _place_axes(figure: Figure, axes: Axes) -> None:
        """Fixed margins in pixels instead of constrained layout, which measures every label
        at each draw and was half of a profile's drawing time; these labels never grow."""
        width, height = figure.get_size_inches() * figure.dpi
        figure.set_layout_engine("none")
        left, right = min(0.3, 34 / width), min(0.2, 10 / width)
        bottom, top = min(0.4, 42 / height), min(0.2, 10 / height)
        axes.set_position((left, bottom, 1 - left - right, 1 - bottom - top))

    def describe(self) -> str:
        moods = [c.mood for c in self.points if c.mood is not None]
        if not moods:
            return "No moods recorded."
        first, last = self.points[0].at, self.points[-1].at
        text = (
            f"{len(moods)} moods from {long_date(first.date())} to {long_date(last.date())}, "
            f"averaging {sum(moods) / len(moods):.1f}; the latest is {moods[-1]}."
        )
        cravings = [c.craving for c in self.points if c.craving is not None]
        if self.with_craving and cravings:
            text += f" Craving averaged {sum(cravings) / len(cravings):.1f}."
        return text

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        if not self.points:
            return None
        at: dt.datetime = _dates().num2date(x)
        nearest = min(self.points, key=lambda c: abs((c.at - at).total_seconds()))
        parts = [] if nearest.mood is None else [f"mood {nearest.mood}/10"]
        if nearest.craving is not None:
            parts.append(f"craving {nearest.craving}/10")
        if nearest.emotion_words:
            parts.append(nearest.emotion_words)
        return f"{long_date(nearest.at.date())}: {', '.join(parts)}"


def attendance_days(
    marks: Sequence[MarkRow], last: dt.date
) -> tuple[list[DayValue], dt.date, dt.date]:
    """Each session day's share of the planned minutes attended, up to ``last``.

    The span runs back at most ``HEAT_MAP_WEEKS`` weeks, and at least ``MIN_WEEKS`` so that a
    newcomer's few days sit in context instead of filling the chart with a few huge cells.
    """
    if not marks:
        return [], last - dt.timedelta(weeks=MIN_WEEKS), last
    first = max(marks[0].day, last - dt.timedelta(weeks=HEAT_MAP_WEEKS))
    first = min(first, last - dt.timedelta(weeks=MIN_WEEKS))
    days: dict[dt.date, DayValue] = {}
    for mark in marks:
        if not first <= mark.day <= last:
            continue
        share = min(1.0, mark.minutes / mark.planned_minutes) if mark.planned_minutes else 0.0
        status = mark.status.value.replace("_", " ")
        label = f"{long_date(mark.day)}: {status}, {mark.minutes} of {mark.planned_minutes} min"
        days[mark.day] = DayValue(mark.day, share, label)
    return list(days.values()), first, last
