"""Attendance on the five-year demo: the charts' data query and chart redraws, each vs its limit.

The demo is generated once into ``~/.cache/circlekeeper-bench`` (see ``bench/demo_cache.py``;
about a minute the first time) and reused. The query is measured on the busiest cohort
against a raw sqlcipher3 read of the same rows; each chart is redrawn, offscreen, against
drawing an empty Figure of the same size.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import sqlcipher3
from sqlalchemy import text

from app.services.attendance.summary import AttendanceSummary
from app.services.container import Services
from app.vault.vault import read_key_file
from bench.demo_cache import FIVE_YEARS, PASSPHRASE, cached_demo, open_demo
from bench.harness import BenchRow, timed
from bench.raw import keyed_connection

TODAY = FIVE_YEARS.today
AT = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
QUERY_RUNS = 15
DRAW_RUNS = 9
CHART_SIZE = (1000, 320)

# The same four reads as AttendanceSummaryService.summary, in plain SQL.
RAW_QUERIES = (
    "SELECT * FROM cohort WHERE id = :cohort",
    """SELECT g.id, g.scheduled_start, g.planned_minutes, g.status,
              coalesce(sum(CASE WHEN a.status IN ('present', 'late', 'left_early')
                                THEN 1 ELSE 0 END), 0),
              coalesce(sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END), 0)
       FROM group_session g
       LEFT OUTER JOIN attendance a ON a.session_id = g.id AND a.deleted = 0
       WHERE g.cohort_id = :cohort AND g.deleted = 0
       GROUP BY g.id ORDER BY g.scheduled_start""",
    """SELECT e.participant_id, p.display_name, e.start_date, e.end_date, e.status
       FROM enrollment e JOIN participant p ON p.id = e.participant_id
       WHERE e.cohort_id = :cohort AND e.deleted = 0 AND e.status != 'waitlist'
       ORDER BY p.display_name, e.start_date""",
    """SELECT a.participant_id, a.session_id, a.status, a.minutes_attended
       FROM attendance a JOIN group_session g ON g.id = a.session_id
       WHERE g.cohort_id = :cohort AND g.deleted = 0 AND g.scheduled_start >= :since
             AND a.deleted = 0""",
)


def run(scratch: Path) -> list[BenchRow]:
    vault = open_demo(FIVE_YEARS)
    try:
        services = Services.for_vault(vault, actor="bench")
        cohort_id, marks = busiest_cohort(services)
        query_row, summary = data_query(services, cohort_id, marks)
    finally:
        vault.close()
    return [query_row, *redraws(summary)]


def busiest_cohort(services: Services) -> tuple[uuid.UUID, int]:
    with services.context.database.read() as db:
        cohort, marks = db.execute(
            text(
                "SELECT g.cohort_id, count(*) FROM attendance a "
                "JOIN group_session g ON g.id = a.session_id "
                "GROUP BY g.cohort_id ORDER BY 2 DESC LIMIT 1"
            )
        ).one()
    return uuid.UUID(hex=cohort), int(marks)


@contextmanager
def raw_connection() -> Iterator[sqlcipher3.Connection]:
    """The cached demo opened with plain sqlcipher3, keyed and configured as the app does."""
    paths = cached_demo(FIVE_YEARS)
    key = read_key_file(paths).unwrap(PASSPHRASE)
    with keyed_connection(paths.database, key) as connection:
        yield connection


def data_query(
    services: Services, cohort_id: uuid.UUID, marks: int
) -> tuple[BenchRow, AttendanceSummary]:
    """The summary service against the raw reads of the same rows, samples interleaved."""
    summarise = services.attendance_summary.summary
    since = AT - dt.timedelta(weeks=6)
    parameters = {"cohort": cohort_id.hex, "since": since.strftime("%Y-%m-%d %H:%M:%S.%f")}

    def raw_read(connection: sqlcipher3.Connection) -> int:
        return sum(len(connection.execute(q, parameters).fetchall()) for q in RAW_QUERIES)

    first = timed(lambda: summarise(cohort_id, at=AT))  # the first after opening the vault
    service_samples, raw_samples = [], []
    with raw_connection() as connection:
        rows = raw_read(connection)
        for _ in range(QUERY_RUNS):
            service_samples.append(timed(lambda: summarise(cohort_id, at=AT)))
            raw_samples.append(timed(lambda: raw_read(connection)))
    summary = summarise(cohort_id, at=AT)
    row = BenchRow(
        "attendance chart data, busiest five-year cohort (median)",
        statistics.median(service_samples),
        f"raw sqlcipher3 read of the same {rows:,} rows",
        statistics.median(raw_samples),
        max_ratio=4.0,
        max_seconds=0.2,
        note=(
            f"{len(summary.weekly)} weeks, {marks:,} marks, {len(summary.member_weeks)} "
            f"member-weeks; first query after opening {first * 1e3:.0f} ms"
        ),
    )
    return row, summary


def redraws(summary: AttendanceSummary) -> list[BenchRow]:
    """Each attendance chart redrawn (plot + Agg draw) against drawing an empty Figure."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    from PySide6.QtWidgets import QApplication

    from views.attendance.attendance_chart_tabs import AttendanceChartTabs
    from views.charts.chart import Chart

    application = QApplication.instance() or QApplication([])
    tabs = AttendanceChartTabs()
    tabs.range_box.setCurrentIndex(tabs.range_box.count() - 1)  # all weeks: the most to draw
    tabs.show_summary(summary)
    empty = Figure(figsize=(CHART_SIZE[0] / 96, CHART_SIZE[1] / 96), dpi=96)
    empty_canvas = FigureCanvasQTAgg(empty)  # type: ignore[no-untyped-call]
    empty_canvas.resize(*CHART_SIZE)
    empty_draw = median_of(lambda: empty_canvas.draw())  # type: ignore[no-untyped-call]
    charts: list[tuple[str, Chart]] = [
        (f"redraw: weekly rate, all {len(summary.weekly)} weeks", tabs.rate),
        (f"redraw: weekly hours, {len(summary.member_weeks)} member-weeks", tabs.hours),
        (f"redraw: attendance by day, {len(summary.daily)} days", tabs.heat_map),
    ]
    rows = []
    for name, chart in charts:
        chart.resize(*CHART_SIZE)
        chart.redraw(immediately=True)  # the first draw loads fonts; later ones are redraws
        rows.append(
            BenchRow(
                f"{name} (median)",
                median_of(partial(chart.redraw, immediately=True)),
                "draw an empty Figure of the same size",
                empty_draw,
                max_seconds=0.15,
            )
        )
    tabs.deleteLater()
    application.processEvents()
    return rows


def median_of(action: Callable[[], object]) -> float:
    return statistics.median(timed(action) for _ in range(DRAW_RUNS))
