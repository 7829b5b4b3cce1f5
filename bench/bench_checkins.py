"""The check-in log on the five-year demo against a bare QAbstractTableModel, same run.

Both sides read the same rows with the same SQL from the same cached vault and paint them in
a QTableView of the same size (offscreen). The bare model is the floor: plain tuples, the
page read synchronously on the GUI thread, no service, no snapshots, no task runner. Ours
is CheckInLogTableModel as the Check-ins page uses it.

- open: a fresh model and view until the first page is painted (the count arrives apart;
  it is reported on its own row).
- scroll to its end: the view scrolled to the end of the rows it holds; there the next page
  is shown (ours: the page read ahead while the user looked at the last one; the bare
  model: read in fetchMore, blocking the window), and the step ends when it is painted.
  Steps are taken once the log has settled, as a person scrolls (ours reads the next page
  ahead about 60 ms after showing one).
  The median of several steps; the 400,000 rows are never all loaded (that is the point
  of paging), so "its end" is the end of what the view holds, followed by the next page.
- memory: Python allocations (tracemalloc) while opening and scrolling through 100 pages.

The demo (50 cohorts, 10,000 participants, 260 weeks) is generated once by
bench/demo_cache.py under ~/.cache/circlekeeper-bench (keyed by its shape, the migrations
and the generator's code) and shared with bench_attendance.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject

from bench.demo_cache import FIVE_YEARS, open_demo
from bench.harness import BenchRow

# The same five-year program as bench_attendance, so that one cached vault serves both.
RUNS = 7
SCROLL_STEPS = 9
MEMORY_PAGES = 100
VIEW_SIZE = (1000, 700)


class PaintCounter(QObject):
    """Counts the paint events of the views it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Bare:
    """The floor: a bare QAbstractTableModel over tuples, paged synchronously by the same SQL."""

    def __init__(self, read: Callable[[tuple[object, ...] | None, int], list[Any]]) -> None:
        from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

        outer = self

        class Model(QAbstractTableModel):
            def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
                return 0 if parent.isValid() else len(outer.rows)

            def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
                return 0 if parent.isValid() else len(BARE_COLUMNS)

            def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
                if role != Qt.ItemDataRole.DisplayRole:
                    return None
                return str(outer.rows[index.row()][BARE_COLUMNS[index.column()]])

            def canFetchMore(self, parent: Any = QModelIndex()) -> bool:  # noqa: B008
                return outer.cursor is not None

            def fetchMore(self, parent: Any = QModelIndex()) -> None:  # noqa: B008
                page = read(outer.cursor, 401)
                more, page = len(page) > 400, page[:400]
                self.beginInsertRows(
                    QModelIndex(), len(outer.rows), len(outer.rows) + len(page) - 1
                )
                outer.rows.extend(page)
                self.endInsertRows()
                outer.cursor = tuple(page[-1][15:]) if more else None

        self.rows: list[Any] = []
        self.cursor: tuple[object, ...] | None = None
        first = read(None, 101)
        self.rows = first[:100]
        self.cursor = tuple(first[99][15:]) if len(first) > 100 else None
        self.model = Model()


# The bare model's columns: session start, cohort, person, mood, mood (for the sparkline's
# place), craving, scope, feelings, accomplishments, challenges (the log's column order).
BARE_COLUMNS = (8, 4, 7, 9, 9, 10, 14, 11, 12, 13)


def run(scratch: Path) -> list[BenchRow]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from app.services.checkin_log import query as sql
    from app.services.checkin_log.service import _ROW_SQL, CheckInLogQuery
    from app.services.container import Services
    from app.tasks import TaskRunner
    from views.checkins.checkin_log_table_model import CheckInLogTableModel, LogColumn
    from views.checkins.checkin_log_view import configure_log_view, follow_scrolling
    from views.checkins.checkin_sparkline import SparklineDelegate
    from views.roles import ROW_ROLE

    application = QApplication.instance() or QApplication(sys.argv[:1])
    vault = open_demo(FIVE_YEARS)
    services = Services.for_vault(vault, actor="benchmark")
    tasks = TaskRunner()
    query = CheckInLogQuery()  # every check-in of the program, newest session first
    total = services.checkin_log.count(query)

    order = sql.terms(query.sort, query.descending)
    source = sql.source(query.sort, cohort=False, participant=False, narrow_dates=False)
    keys = ", ".join(f"{t.column} AS k{i}" for i, t in enumerate(order))
    ordering = ", ".join(t.order_sql() for t in order)

    def read(cursor: tuple[object, ...] | None, limit: int) -> list[Any]:
        where, params = sql.LIVE, dict[str, object]()
        if cursor is not None:
            condition, params = sql.keyset(order, cursor)
            where += f" AND {condition}"
        statement = (
            f"SELECT {_ROW_SQL}, {keys} FROM {source} WHERE {where} "
            f"ORDER BY {ordering} LIMIT {limit}"
        )
        with vault.database.read() as db:
            return list(db.connection().exec_driver_sql(statement, params).fetchall())

    paints = PaintCounter()

    def new_view() -> QTableView:
        view = QTableView()
        configure_log_view(view)  # the Check-ins page's own settings, for both sides
        view.resize(*VIEW_SIZE)
        view.viewport().installEventFilter(paints)
        view.show()
        application.processEvents()
        return view

    def painted(view: QTableView) -> None:
        """Until the viewport has painted what it now holds (the layout comes first)."""
        before = paints.count
        view.viewport().update()
        while paints.count == before:
            application.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    def wait(signal: Any, timeout_ms: int = 30_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def open_ours() -> tuple[float, QTableView, CheckInLogTableModel]:
        view = new_view()
        model = CheckInLogTableModel(services.checkin_log, tasks)
        view.setModel(model)
        view.setItemDelegateForColumn(LogColumn.TREND, SparklineDelegate(view))
        follow_scrolling(view, model.prefetch)  # as the page does
        started = time.perf_counter()
        model.set_query(query)
        wait(model.rowsInserted)
        painted(view)
        return time.perf_counter() - started, view, model

    def open_bare() -> tuple[float, QTableView, Bare]:
        view = new_view()
        started = time.perf_counter()
        bare = Bare(read)
        view.setModel(bare.model)
        painted(view)
        return time.perf_counter() - started, view, bare

    def settled(model: CheckInLogTableModel) -> None:
        """As between two scrolls of a person: the next page read ahead, trends read."""
        while tasks.active_count or (model.canFetchMore() and not model.read_ahead):
            wait(tasks.activity_changed)

    def scroll_ours(view: QTableView, model: CheckInLogTableModel) -> list[float]:
        steps = []
        for _ in range(SCROLL_STEPS):
            settled(model)
            started = time.perf_counter()
            rows = model.rowCount()
            view.scrollToBottom()  # at the end, the view itself calls fetchMore()
            if model.rowCount() == rows:  # not read ahead yet: wait for the page
                wait(model.rowsInserted)
            painted(view)
            steps.append(time.perf_counter() - started)
        return steps

    def scroll_bare(view: QTableView) -> list[float]:
        steps = []
        for _ in range(SCROLL_STEPS):
            started = time.perf_counter()
            view.scrollToBottom()  # fetchMore() reads the page right there
            painted(view)
            steps.append(time.perf_counter() - started)
        return steps

    counts: list[float] = []
    opened: dict[str, list[float]] = {"ours": [], "bare": []}
    scrolled: dict[str, list[float]] = {"ours": [], "bare": []}
    try:
        open_ours()[1].deleteLater()  # warm the page cache for both sides alike
        open_bare()[1].deleteLater()
        for _ in range(RUNS):  # interleaved, so that a busy moment hits both sides
            seconds, view, model = open_ours()
            opened["ours"].append(seconds)
            first_ids = [model.index(r, 0).data(ROW_ROLE).id.hex for r in range(model.rowCount())]
            scrolled["ours"].extend(scroll_ours(view, model))
            if model.count is None:
                wait(model.count_changed)
            view.deleteLater()
            seconds, view, bare = open_bare()
            opened["bare"].append(seconds)
            assert first_ids == [row[0] for row in bare.rows], "the two sides show other rows"
            scrolled["bare"].extend(scroll_bare(view))
            assert len(bare.rows) == model.rowCount(), "the two sides scrolled unlike"
            view.deleteLater()
            started = time.perf_counter()
            assert services.checkin_log.count(query) == total
            counts.append(time.perf_counter() - started)
        memory = measure_memory(services, tasks, query, wait)
    finally:
        tasks.shutdown()
        vault.close()

    limit_open = statistics.median(opened["bare"])
    limit_scroll = statistics.median(scrolled["bare"])
    shown = f"{total:,} check-ins, all cohorts, newest first"
    return [
        BenchRow(
            "check-in log: open, first page painted",
            statistics.median(opened["ours"]),
            "bare table model: same SQL, same page",
            limit_open,
            max_ratio=1.5,
            max_seconds=0.150,
            note=f"{shown}; median of {RUNS}; the page is read on a worker, then inserted",
        ),
        BenchRow(
            "check-in log: scroll to its end, next page painted",
            statistics.median(scrolled["ours"]),
            "bare table model: fetchMore reads it in place",
            limit_scroll,
            max_ratio=1.5,
            max_seconds=0.050,
            note=f"median of {RUNS * SCROLL_STEPS} steps of 400 rows; p95 "
            f"{_p95(scrolled['ours']) * 1e3:.1f} ms (bare {_p95(scrolled['bare']) * 1e3:.1f} ms)",
        ),
        BenchRow(
            "check-in log: exact count of all check-ins",
            statistics.median(counts),
            "-",
            None,
            note="arrives after the first page; shown in the status line",
        ),
        BenchRow(
            "check-in log: memory growth, open + 100 pages",
            memory,
            "-",
            None,
            max_seconds=100.0,
            unit="MiB",
            note=f"tracemalloc peak over {MEMORY_PAGES} pages ({100 + 400 * MEMORY_PAGES:,} "
            "rows) and their mood trends",
        ),
    ]


def measure_memory(services: Any, tasks: Any, query: Any, wait: Callable[..., None]) -> float:
    """Peak Python allocation growth (MiB) while the model opens and loads 100 pages."""
    from PySide6.QtCore import QModelIndex

    from views.checkins.checkin_log_table_model import CheckInLogTableModel

    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        model = CheckInLogTableModel(services.checkin_log, tasks)
        model.set_query(query)
        wait(model.rowsInserted)
        for _ in range(MEMORY_PAGES):
            model.fetchMore(QModelIndex())
            wait(model.rowsInserted)
        while tasks.active_count:  # the trends of the last pages
            wait(tasks.activity_changed)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - baseline) / 2**20


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
