"""The attendance page's charts: the weekly rate, and members' weekly hours against the minimum."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.services.attendance.summary import MemberWeek, RateRow
from views.charts.calendar_heat_map import long_date
from views.charts.chart import Chart, ChartColours

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


CROWDED = 10  # more members than this: their names are set at an angle
WIDE_LEGEND = 720  # logical pixels: narrower, the hours legend takes two rows


def hours_text(minutes: int) -> str:
    """``9 h``, ``5 h 45 min``, ``40 min``."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def hours_short(minutes: int) -> str:
    """``9 h``, ``5 h 45``, ``40 min``: for narrow table columns."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


class WeeklyRateChart(Chart):
    """The share of expected members who came, week by week; this week's point is hollow.

    ``set_weeks(weeks, this_week)`` charts ``RateRow``s (a week without a held session is a
    gap); a dashed line marks the average over the weeks shown.
    """

    fixed_margins = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Weekly attendance rate", parent)
        self._weeks: list[RateRow] = []
        self._this_week: dt.date | None = None

    @property
    def weeks(self) -> list[RateRow]:
        return list(self._weeks)

    def set_weeks(self, weeks: Sequence[RateRow], this_week: dt.date) -> None:
        self._weeks, self._this_week = list(weeks), this_week
        if any(w.rate is not None for w in self._weeks):
            self.redraw()
        else:
            self.show_message("No session has been held yet, so there is no rate to chart.")

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
        from matplotlib.ticker import PercentFormatter

        axes = figure.add_subplot()
        days = date2num([w.start for w in self._weeks])  # type: ignore[no-untyped-call]
        rates = [math.nan if w.rate is None else w.rate * 100 for w in self._weeks]
        few = len(days) <= 30
        known = [r for r in rates if not math.isnan(r)]
        # A line needs no zero baseline: when every week is above half, show 50–100%.
        floor = 50 if known and min(known) >= 55 else 0
        axes.fill_between(days, rates, floor, color=colours.tint(colours.accent, 0.14), linewidth=0)
        axes.plot(
            days,
            rates,
            color=colours.accent,
            linewidth=1.8,
            marker="o" if few else None,
            markersize=3.5,
        )
        if self._weeks and self._weeks[-1].start == self._this_week and not math.isnan(rates[-1]):
            axes.plot(
                days[-1:],
                rates[-1:],
                linestyle="none",
                marker="o",
                markersize=6,
                markerfacecolor=colours.background,
                markeredgecolor=colours.accent,
                markeredgewidth=1.6,
            )
        if known:
            average = sum(known) / len(known)
            axes.axhline(average, color=colours.muted, linestyle="--", linewidth=0.9)
            axes.set_title(
                f"dashed: average {average:.0f}%", loc="right", color=colours.muted, pad=4
            )
        axes.set_ylim(floor, 103)
        axes.set_yticks(range(floor, 101, 10 if floor else 20))
        axes.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        axes.grid(axis="y")
        # minticks=3: with the default 5, a span just short of five years found no interval.
        locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        if len(days):
            axes.set_xlim(float(days[0]) - 3, float(days[-1]) + 3)

    def margins(self) -> QMargins:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        # "100%" ticks on the left; the average above; months and the year's offset below.
        return QMargins(metrics.horizontalAdvance("100%") + 16, line + 10, 18, 2 * line + 14)

    def describe(self) -> str:
        held = [w for w in self._weeks if w.rate is not None]
        if not held:
            return "No weekly attendance rate yet."
        latest = held[-1]
        lowest = min(held, key=lambda w: (w.rate or 0, w.start))
        return (
            f"Weekly attendance rate over {len(self._weeks)} weeks; week of "
            f"{long_date(latest.start)}: {latest.rate:.0%}; lowest {lowest.rate:.0%} in the "
            f"week of {long_date(lowest.start)}."
        )

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        from matplotlib.dates import num2date

        if not self._weeks or not math.isfinite(x):
            return None
        day = num2date(x).date()  # type: ignore[no-untyped-call]
        week = min(self._weeks, key=lambda w: abs((w.start - day).days))
        if abs((week.start - day).days) > 4:
            return None
        so_far = " so far" if week.start == self._this_week else ""
        when = f"Week of {long_date(week.start)}"
        if week.rate is None:
            return f"{when}: no session held"
        sessions = "1 session" if week.sessions == 1 else f"{week.sessions} sessions"
        return (
            f"{when}: {week.rate:.0%}{so_far} ({week.attended} of {week.expected} "
            f"expected, {sessions})"
        )


def bar(x: float, bottom: float, height: float, width: float = 0.8) -> list[tuple[float, float]]:
    """The corners of a bar centred on ``x``, for a PolyCollection."""
    left, right, top = x - width / 2, x + width / 2, bottom + height
    return [(left, bottom), (left, top), (right, top), (right, bottom)]


class WeeklyHoursChart(Chart):
    """Each current member's hours per week as a group of bars, with the minimum as a line.

    Bars at or above the minimum take the accent, those below the warning colour; this
    week's bar shows the hours so far, topped by a hatched outline for the sessions still
    scheduled (the projection). Weeks before someone joined have no bar.
    """

    fixed_margins = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Weekly hours against the minimum", parent)
        self._weeks: list[dt.date] = []
        self._members: list[list[MemberWeek]] = []
        self._this_week: dt.date | None = None
        self._minimum = 0
        self._legend_rows = 1

    def set_hours(
        self,
        member_weeks: Sequence[MemberWeek],
        weeks: Sequence[dt.date],
        this_week: dt.date,
        minimum_minutes: int,
    ) -> None:
        self._weeks, self._this_week, self._minimum = list(weeks), this_week, minimum_minutes
        groups: dict[object, list[MemberWeek]] = {}
        for row in member_weeks:
            groups.setdefault(row.participant_id, []).append(row)
        self._members = [sorted(rows, key=lambda r: r.week_start) for rows in groups.values()]
        if self._members:
            self.redraw()
        else:
            self.show_message("No one is enrolled in this cohort right now.")

    @property
    def stride(self) -> int:
        """Bars per member, plus two bars' width of space between members."""
        return len(self._weeks) + 2

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        from matplotlib.collections import PolyCollection
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        axes = figure.add_subplot()
        minimum = self._minimum / 60
        bands: list[list[tuple[float, float]]] = []
        so_far_colour = colours.tint(colours.accent, 0.6 if colours.dark else 0.45)
        band = colours.tint(colours.text, 0.045)
        xs: list[float] = []
        heights: list[float] = []
        fills: list[str] = []
        zeros: list[float] = []
        projected: list[tuple[float, float, float, str]] = []  # x, bottom, height, edge
        for number, rows in enumerate(self._members):
            if number % 2 == 0:  # alternate bands tie each group of bars to its name
                left = number * self.stride - 0.9
                bands.append(bar(left + (len(self._weeks) + 0.8) / 2, 0, 1, len(self._weeks) + 0.8))
            for offset, row in enumerate(rows):
                if not row.enrolled:
                    continue
                x = number * self.stride + offset
                hours = row.minutes / 60
                this_week = row.week_start == self._this_week
                if this_week and row.remaining_minutes:
                    short = row.minutes + row.remaining_minutes < self._minimum
                    edge = colours.warning if short else colours.muted
                    projected.append((x, hours, row.remaining_minutes / 60, edge))
                elif not row.minutes:
                    zeros.append(x)  # a bar of height 0 would be invisible
                xs.append(x)
                heights.append(hours)
                if this_week:
                    fills.append(colours.accent if hours >= minimum else so_far_colour)
                else:
                    fills.append(colours.accent if hours >= minimum else colours.warning)
        # Collections, not one patch per bar: a redraw stays cheap with a full cohort.
        axes.add_collection(
            PolyCollection(
                bands,
                facecolors=band,
                linewidths=0,
                transform=axes.get_xaxis_transform(),  # x in data, y across the whole axes
            )
        )
        axes.add_collection(
            PolyCollection(
                [bar(x, 0, h) for x, h in zip(xs, heights, strict=True)],
                facecolors=fills,
                linewidths=0,
            )
        )
        if projected:
            axes.add_collection(
                PolyCollection(
                    [bar(x, bottom, height) for x, bottom, height, _ in projected],
                    facecolors="none",
                    edgecolors=[edge for *_, edge in projected],
                    hatch="////",
                    linewidths=0.9,
                )
            )
        if zeros:
            axes.plot(
                zeros,
                [0] * len(zeros),
                linestyle="none",
                marker="_",
                markersize=7,
                markeredgewidth=3,
                color=colours.warning,
                clip_on=False,
            )
        axes.axhline(minimum, color=colours.text, linestyle="--", linewidth=1.1)
        centres = [n * self.stride + (len(self._weeks) - 1) / 2 for n in range(len(self._members))]
        names = [rows[0].display_name for rows in self._members]
        crowded = len(names) > CROWDED
        axes.set_xticks(
            centres, names, rotation=30 if crowded else 0, ha="right" if crowded else "center"
        )
        axes.tick_params(axis="x", length=0)
        axes.set_xlim(-1, len(self._members) * self.stride - 2)
        tops = [bottom + height for _, bottom, height, _ in projected]
        axes.set_ylim(0, max([minimum * 1.25, *tops, *(h * 1.08 for h in heights)]))
        axes.set_ylabel("hours")
        axes.grid(axis="y")
        minimum_label = f"{hours_text(self._minimum)} minimum"
        handles = [
            Patch(color=colours.accent, label="met the minimum"),
            Patch(color=colours.warning, label="below it"),
            Patch(color=so_far_colour, label="this week so far"),
            Patch(facecolor="none", edgecolor=colours.muted, hatch="////", label="still scheduled"),
            Line2D([], [], color=colours.text, linestyle="--", label=minimum_label),
        ]
        self._legend_rows = self._rows_for_legend()
        figure.legend(
            handles=handles,
            loc="upper right",
            ncols=math.ceil(len(handles) / self._legend_rows),
            borderaxespad=0.2,
        )

    def _rows_for_legend(self) -> int:
        return 1 if self.width() >= WIDE_LEGEND else 2

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.has_content and self._rows_for_legend() != self._legend_rows:
            self.redraw()  # the legend takes one row or two

    def margins(self) -> QMargins:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        bottom = line + 12
        if self._members and len(self._members) > CROWDED:  # names at 30°
            longest = max(metrics.horizontalAdvance(rows[0].display_name) for rows in self._members)
            bottom = round(longest * 0.5 + line * 0.87) + 12
        left = metrics.horizontalAdvance("25") + line + 22  # ticks and the "hours" label
        return QMargins(left, self._legend_rows * (line + 6) + 10, 12, bottom)

    def describe(self) -> str:
        if not self._members:
            return "No current members."
        below = [
            rows[-1].display_name
            for rows in self._members
            if rows[-1].minutes + rows[-1].remaining_minutes < self._minimum
        ]
        weeks = len(self._weeks)
        return (
            f"Weekly hours of {len(self._members)} members over {weeks} weeks against the "
            f"{hours_text(self._minimum)} minimum; {len(below)} cannot reach it this week."
        )

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        if not self._members or not math.isfinite(x):
            return None
        number, offset = divmod(round(x), self.stride)
        if not 0 <= number < len(self._members) or offset >= len(self._weeks):
            return None
        if abs(x - round(x)) > 0.45:
            return None
        row = self._members[number][offset]
        who = f"{row.display_name}, week of {short_date(row.week_start)}"
        if not row.enrolled:
            return f"{who}: not yet a member"
        minimum = f"minimum {hours_text(self._minimum)}"
        if row.week_start == self._this_week:
            return (
                f"{who}: {hours_text(row.minutes)} so far, {hours_text(row.remaining_minutes)} "
                f"still scheduled ({minimum})"
            )
        verdict = "meets it" if row.minutes >= self._minimum else "below"
        return f"{who}: {hours_text(row.minutes)} ({minimum}; {verdict})"
