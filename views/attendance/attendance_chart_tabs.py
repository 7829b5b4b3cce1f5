"""The attendance page's three charts in tabs, with the span of weeks they show in the corner."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QWidget

from app.services.attendance.summary import AttendanceSummary, RateRow
from views.attendance.attendance_charts import WeeklyHoursChart, WeeklyRateChart, hours_text
from views.charts.calendar_heat_map import CalendarHeatMapChart, DayValue, long_date
from views.charts.chart_panel import ChartPanel

# What the range box offers for the rate and day charts: (label, weeks or None for all).
RANGES = (("12 weeks", 12), ("26 weeks", 26), ("a year", 52), ("all weeks", None))
DEFAULT_RANGE = 1
HEAT_FLOOR = 0.5


def day_value(row: RateRow) -> DayValue:
    rate = row.rate or 0.0
    sessions = "" if row.sessions == 1 else f", {row.sessions} sessions"
    return DayValue(
        row.start,
        rate,
        f"{long_date(row.start)}: {rate:.0%} ({row.attended} of {row.expected} came{sessions})",
    )


class AttendanceChartTabs(QTabWidget):
    """Weekly rate, weekly hours and attendance by day, each in a card that can be saved.

    ``show_summary(summary)`` hands the same ``AttendanceSummary`` to all three; the range
    box (12 weeks to all) narrows the rate and day charts without asking the vault again.
    A chart hidden in another tab is plotted but only drawn when its tab is shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attendanceCharts")
        self.setAccessibleName("Attendance charts")
        self.summary: AttendanceSummary | None = None
        self.rate = WeeklyRateChart()
        self.hours = WeeklyHoursChart()
        self.heat_map = CalendarHeatMapChart(
            "Attendance by day", empty_text="No session held", compact=True
        )
        self.rate_panel = ChartPanel(
            "Weekly attendance rate",
            self.rate,
            note="Share of the members expected at each week's sessions who came; excused "
            "absences are left out. The hollow point is this week so far.",
        )
        self.hours_panel = ChartPanel(
            "Weekly hours",
            self.hours,
            note="Each current member's hours per week, oldest week first; the dashed line "
            "is the weekly minimum.",
        )
        self.heat_panel = ChartPanel(
            "Attendance by day",
            self.heat_map,
            note="Each meeting day's share of expected members who came (50% or less in the "
            "palest shade); hover a day to see the count.",
        )
        self.addTab(self.rate_panel, "Weekly &rate")
        self.addTab(self.hours_panel, "Weekly &hours")
        self.addTab(self.heat_panel, "By &day")

        corner = QWidget(self)
        self.range_label = QLabel("&Show:", corner)
        self.range_box = QComboBox(corner)
        self.range_box.setAccessibleName("Weeks shown in the rate and day charts")
        for label, weeks in RANGES:
            self.range_box.addItem(label, weeks)
        self.range_box.setCurrentIndex(DEFAULT_RANGE)
        self.range_label.setBuddy(self.range_box)
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 4, 2)
        row.addWidget(self.range_label)
        row.addWidget(self.range_box)
        self.setCornerWidget(corner)
        self.range_box.currentIndexChanged.connect(self._on_range_changed)

    def show_loading(self) -> None:
        self.summary = None
        for chart in (self.rate, self.hours, self.heat_map):
            chart.show_message("Loading…")

    def show_summary(self, summary: AttendanceSummary) -> None:
        self.summary = summary
        self.hours.set_hours(
            summary.member_weeks, summary.hours_weeks, summary.this_week, summary.minimum_minutes
        )
        self.hours_panel.set_note(
            f"Each current member's hours in the last {len(summary.hours_weeks)} weeks, oldest "
            f"first; the dashed line is the {hours_text(summary.minimum_minutes)} weekly minimum."
        )
        self._show_range()

    @Slot(int)
    def _on_range_changed(self, _index: int) -> None:
        if self.summary is not None:
            self._show_range()

    def _show_range(self) -> None:
        summary = self.summary
        assert summary is not None
        weeks = self.range_box.currentData()
        first = (
            summary.this_week - dt.timedelta(weeks=weeks - 1)
            if isinstance(weeks, int)
            else min([w.start for w in summary.weekly], default=summary.this_week)
        )
        self.rate.set_weeks([w for w in summary.weekly if w.start >= first], summary.this_week)
        days = [day_value(d) for d in summary.daily if d.start >= first and d.rate is not None]
        if days:
            # Most days fall between half and all: a scale from 50% tells them apart.
            self.heat_map.set_days(days, first=first, last=summary.today, minimum=HEAT_FLOOR)
        else:
            self.heat_map.show_message("No session has been held in these weeks.")
