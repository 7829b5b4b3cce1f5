"""The chart foundation: lazy matplotlib, palette colours, tooltips, saving, the heat map."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.conftest import REPO
from views.charts.calendar_heat_map import CalendarHeatMapChart, DayValue
from views.charts.chart import Chart, ChartColours
from views.charts.chart_panel import ChartPanel
from views.theme import palette, scheme

PNG_HEADER = b"\x89PNG\r\n\x1a\n"
Role = palette(False).ColorRole


class LineChart(Chart):
    """The smallest useful chart: a line through ``points``, a tooltip per point."""

    def __init__(self) -> None:
        super().__init__("Test line")
        self.points: list[tuple[float, float]] = []

    def set_points(self, points: list[tuple[float, float]]) -> None:
        self.points = points
        self.redraw()

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        axes = figure.add_subplot()
        axes.plot([x for x, _ in self.points], [y for _, y in self.points], color=colours.accent)

    def describe(self) -> str:
        return f"{len(self.points)} points"

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        nearest = min(self.points, key=lambda point: abs(point[0] - x))
        return f"x={nearest[0]:g} y={nearest[1]:g}"


@pytest.fixture
def line(qtbot: QtBot) -> LineChart:
    chart = LineChart()
    chart.setPalette(palette(False))
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    chart.show()
    return chart


def test_importing_the_chart_modules_leaves_matplotlib_unloaded() -> None:
    code = (
        "import sys, views.charts.chart, views.charts.calendar_heat_map, "
        "views.charts.chart_panel; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_a_chart_shows_its_message_until_it_draws(line: LineChart, qtbot: QtBot) -> None:
    line.show_message("No sessions yet")
    assert line.canvas is None and not line.has_content
    assert line.accessibleDescription() == "No sessions yet"
    with qtbot.waitSignal(line.drawn):
        line.set_points([(0, 1), (1, 3), (2, 2)])
    assert line.has_content and line.canvas is not None and line.canvas.isVisible()
    assert line.accessibleDescription() == "3 points"
    assert to_hex(line.figure.get_facecolor()) == scheme(False).roles[Role.Base]


def test_charts_follow_the_palette(line: LineChart, qtbot: QtBot) -> None:
    line.set_points([(0, 1), (1, 2)])
    qtbot.waitUntil(lambda: line.has_content)
    with qtbot.waitSignal(line.drawn):
        line.setPalette(palette(True))
    assert to_hex(line.figure.get_facecolor()) == scheme(True).roles[Role.Base]
    assert to_hex(line.figure.axes[0].lines[0].get_color()) == scheme(True).roles[Role.Highlight]
    colours = ChartColours.from_palette(palette(True))
    assert colours.dark and colours.series[0] == scheme(True).roles[Role.Highlight]


def test_the_canvas_renders_at_the_device_pixel_ratio(line: LineChart, qtbot: QtBot) -> None:
    with qtbot.waitSignal(line.drawn):
        line.set_points([(0, 1), (1, 2)])
    assert line.canvas is not None
    assert line.canvas.device_pixel_ratio == line.devicePixelRatioF()
    width, _ = line.canvas.get_width_height(physical=True)
    assert width == round(line.canvas.width() * line.devicePixelRatioF())


HIGH_DPI = """
import datetime as dt
from PySide6.QtWidgets import QApplication
application = QApplication([])
from views.charts.calendar_heat_map import CalendarHeatMapChart, DayValue
chart = CalendarHeatMapChart("High DPI")
chart.resize(400, 200)
chart.show()
chart.set_days([DayValue(dt.date(2026, 3, 2), 0.5)])
application.processEvents()
chart.redraw(immediately=True)
width, height = chart.canvas.get_width_height(physical=True)
print(chart.canvas.device_pixel_ratio, width, height, chart.canvas.width(), chart.canvas.height())
"""


def test_charts_render_at_twice_the_pixels_on_a_high_dpi_screen() -> None:
    environment = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", HIGH_DPI],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    ratio, width, height, logical_width, logical_height = out.stdout.split()
    assert float(ratio) == 2.0
    assert (int(width), int(height)) == (2 * int(logical_width), 2 * int(logical_height))


def test_tooltips_name_the_point_under_the_mouse(line: LineChart, qtbot: QtBot) -> None:
    with qtbot.waitSignal(line.drawn):
        line.set_points([(0, 1), (1, 3), (2, 2)])
    axes = line.figure.axes[0]
    assert line.tooltip_at_position(line.canvas_position(axes, 1, 3)) == "x=1 y=3"
    assert line.tooltip_at_position(QPoint(1, 1)) is None  # outside the axes


def test_save_as_png_and_svg(line: LineChart, qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no chart"):
        line.save_as(tmp_path / "early.png")
    with qtbot.waitSignal(line.drawn):
        line.set_points([(0, 1), (1, 3)])
    png = line.save_as(tmp_path / "chart.png")
    svg = line.save_as(tmp_path / "chart.SVG")
    assert png.read_bytes().startswith(PNG_HEADER)
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text
    assert svg.read_bytes() == line.save_as(tmp_path / "again.svg").read_bytes()  # stable
    with pytest.raises(ValueError, match="PNG or SVG"):
        line.save_as(tmp_path / "chart.pdf")


def test_the_panel_saves_through_a_file_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    line = LineChart()  # the panel owns it
    panel = ChartPanel("Weekly attendance rate", line, note="How to read it")
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(line.drawn):
        line.set_points([(0, 1), (1, 3)])
    assert panel.save_button.accessibleName() == "Save the chart Weekly attendance rate"
    QTest.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith("weekly-attendance-rate.png")
    dialog.selectFile(str(tmp_path / "rate.svg"))
    with qtbot.waitSignal(panel.saved) as saved:
        dialog.accept()
    assert saved.args == [tmp_path / "rate.svg"]
    assert (tmp_path / "rate.svg").read_text().startswith("<?xml")
    assert "rate.svg" in panel.status.text()
    assert panel.dialog is None  # deleted on close

    dialog = panel.open_save_dialog()
    dialog.selectFile(str(tmp_path / "plain"))  # no extension: the PNG default applies
    with qtbot.waitSignal(panel.saved) as saved:
        dialog.accept()
    assert saved.args[0].name == "plain.png"
    assert saved.args[0].read_bytes().startswith(PNG_HEADER)


MONDAY = dt.date(2026, 1, 5)


def meeting_days(weeks: int) -> list[DayValue]:
    days = [MONDAY + dt.timedelta(weeks=w, days=d) for w in range(weeks) for d in (0, 2, 4)]
    return [DayValue(day, (index % 5) / 4) for index, day in enumerate(days)]


@pytest.fixture
def heat_map(qtbot: QtBot) -> CalendarHeatMapChart:
    chart = CalendarHeatMapChart("Attendance by day", empty_text="No session")
    chart.setPalette(palette(False))
    qtbot.addWidget(chart)
    chart.resize(700, 260)
    chart.show()
    return chart


def test_heat_map_cells_and_tooltips(heat_map: CalendarHeatMapChart, qtbot: QtBot) -> None:
    days = meeting_days(8)
    days[1] = DayValue(days[1].day, 0.5, "Wed 7 Jan: 6 of 12 came")
    with qtbot.waitSignal(heat_map.drawn):
        heat_map.set_days(days, first=MONDAY, last=MONDAY + dt.timedelta(weeks=8, days=-1))
    axes = heat_map.axes
    assert axes is not None

    def tip(day: dt.date) -> str | None:
        return heat_map.tooltip_at_position(
            heat_map.canvas_position(axes, *heat_map.cell_centre(day))
        )

    assert tip(MONDAY) == "Mon 5 Jan 2026: 0%"
    assert tip(MONDAY + dt.timedelta(days=2)) == "Wed 7 Jan: 6 of 12 came"
    assert tip(MONDAY + dt.timedelta(days=1)) == "Tue 6 Jan 2026: no session"
    assert heat_map.day_at(7.5, 6.5) == MONDAY + dt.timedelta(weeks=7, days=6)
    assert heat_map.day_at(8.5, 0.5) is None  # past the last day
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Mon", "Wed", "Fri"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Feb 2026", "Mar"]  # 1 Mar: Sun
    assert "averaging" in heat_map.accessibleDescription()
    legend = axes.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["No session", "0%", "50%", "100%"]


def test_compact_heat_map_draws_only_weekdays_with_values(qtbot: QtBot) -> None:
    chart = CalendarHeatMapChart("Compact", compact=True)
    qtbot.addWidget(chart)
    with qtbot.waitSignal(chart.drawn):
        chart.set_days(meeting_days(3))
        chart.show()
    assert chart.axes is not None
    assert [t.get_text() for t in chart.axes.get_yticklabels()] == ["Mon", "Wed", "Fri"]
    assert chart.day_at(0.5, 1.5) == MONDAY + dt.timedelta(days=2)
    with pytest.raises(ValueError):
        chart.cell_centre(MONDAY + dt.timedelta(days=1))


def test_a_long_heat_map_labels_years_only(heat_map: CalendarHeatMapChart, qtbot: QtBot) -> None:
    with qtbot.waitSignal(heat_map.drawn):
        heat_map.set_days(meeting_days(150))
    assert heat_map.axes is not None
    labels = [t.get_text() for t in heat_map.axes.get_xticklabels()]
    assert labels == ["2027", "2028"]
    with pytest.raises(ValueError, match="before"):
        heat_map.set_days([], first=MONDAY, last=MONDAY - dt.timedelta(days=1))
