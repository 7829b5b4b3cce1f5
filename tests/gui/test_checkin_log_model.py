"""The check-in log model: pages through the task runner, resets mid-page, SQL sorts, roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from app.demo import generate_demo
from app.services.checkin_log.service import (
    CheckInLogPage,
    CheckInLogQuery,
    CheckInLogService,
    LogCursor,
    LogSort,
)
from app.services.container import Services
from app.tasks import TaskRunner
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from models import ShareScope
from tests.conftest import CHEAP_KDF, PASSPHRASE
from views.checkins.checkin_log_table_model import TREND_ROLE, CheckInLogTableModel, LogColumn
from views.roles import ROW_ROLE, SORT_ROLE

WAIT_MS = 10_000


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder = tmp_path_factory.mktemp("log-model") / "vault"
    vault: UnlockedVault = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault
    generate_demo(vault, cohorts=3, participants=50, weeks=6, today=dt.date(2026, 3, 4))
    yield Services.for_vault(vault, actor="tester")
    vault.close()


class GatedLog:
    """The real log service, held at a gate so a test can act while a page is in flight.

    ``stop`` is deliberately not passed on: a stale page then really arrives, and only the
    model's generation counter stands between it and the table.
    """

    def __init__(self, log: CheckInLogService) -> None:
        self._log = log
        self.gate = threading.Event()
        self.calls = 0
        self.delivered = 0
        self.fail_with: Exception | None = None

    def page(self, query: CheckInLogQuery, **options: Any) -> CheckInLogPage:
        self.calls += 1
        assert self.gate.wait(WAIT_MS / 1000), "the test never opened the gate"
        if self.fail_with is not None:
            raise self.fail_with
        options.pop("stop", None)
        page = self._log.page(query, **options)
        self.delivered += 1
        return page

    def count(self, query: CheckInLogQuery, **options: Any) -> int:
        return self._log.count(query, **options)

    def trends(self, ids: Any) -> Any:
        return self._log.trends(ids)


def make_model(
    log: Any, tasks: TaskRunner, first: int = 20, size: int = 30
) -> CheckInLogTableModel:
    # Owned by the runner: deleted with it on this thread, never by a collector elsewhere.
    return CheckInLogTableModel(log, tasks, first_page=first, page_size=size, parent=tasks)


def ids(model: CheckInLogTableModel) -> list[uuid.UUID]:
    return [model.index(r, 0).data(ROW_ROLE).id for r in range(model.rowCount())]


def wait_idle(qtbot: QtBot, tasks: TaskRunner, model: CheckInLogTableModel | None = None) -> None:
    """Until no task runs and the model waits for no rows (a read-ahead page is inserted
    from a posted call, not from a task)."""
    qtbot.waitUntil(
        lambda: tasks.active_count == 0 and (model is None or not model.loading), timeout=WAIT_MS
    )


def fetch(qtbot: QtBot, model: CheckInLogTableModel) -> None:
    with qtbot.waitSignal(model.rowsInserted, timeout=WAIT_MS):
        model.fetchMore(QModelIndex())


def test_pages_arrive_only_through_the_runner_one_at_a_time(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    model = make_model(program.checkin_log, tasks)
    assert not model.canFetchMore(QModelIndex())  # no query yet
    with qtbot.waitSignal(model.rowsInserted, timeout=WAIT_MS):
        model.set_query(CheckInLogQuery())
        assert model.rowCount() == 0  # requested, not inserted inside set_query/fetchMore
    assert model.rowCount() == 20
    qtbot.waitUntil(lambda: model.count is not None, timeout=WAIT_MS)
    total = program.checkin_log.count(CheckInLogQuery())
    assert model.count == total
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # one page in flight at a time: a second call is a no-op
    assert model.rowCount() == 20
    wait_idle(qtbot, tasks, model)
    assert model.rowCount() == 50
    while model.canFetchMore(QModelIndex()):
        fetch(qtbot, model)
    assert model.rowCount() == total
    assert len(set(ids(model))) == total
    assert not model.loading


def every_id(log: CheckInLogService, query: CheckInLogQuery) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    cursor = None
    while True:
        page = log.page(query, after=cursor, limit=500)
        found.extend(row.id for row in page.rows)
        if page.cursor is None:
            return found
        cursor = page.cursor


def load_all(qtbot: QtBot, tasks: TaskRunner, model: CheckInLogTableModel) -> None:
    """Until the end; the model tester itself asks for more after every change it checks."""

    def done() -> bool:
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            return False
        return tasks.active_count == 0 and not model.loading

    qtbot.waitUntil(done, timeout=WAIT_MS)


def test_the_model_tester_pulls_every_page_and_finds_nothing_wrong(
    qtbot: QtBot, tasks: TaskRunner, program: Services, qtmodeltester: Any
) -> None:
    model = make_model(program.checkin_log, tasks)
    qtmodeltester.check(model)
    query = CheckInLogQuery(sort=LogSort.PARTICIPANT)
    model.set_query(query)
    load_all(qtbot, tasks, model)
    assert ids(model) == every_id(program.checkin_log, query)


def test_a_reset_a_filter_or_an_order_mid_page_drops_the_stale_page(
    qtbot: QtBot, tasks: TaskRunner, program: Services, qtmodeltester: Any
) -> None:
    gated = GatedLog(program.checkin_log)
    model = make_model(gated, tasks)
    qtmodeltester.check(model)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    cohorts = program.cohorts.list()
    first, second = (CheckInLogQuery(cohort_id=c.id) for c in cohorts[:2])
    model.set_query(first)
    qtbot.waitUntil(lambda: gated.calls == 1, timeout=WAIT_MS)  # first page in flight
    model.set_query(second)  # a new filter while the first page is still being read
    model.sort(LogColumn.MOOD, Qt.SortOrder.AscendingOrder)  # and a new order on top
    assert model.rowCount() == 0 and model.loading
    qtbot.waitUntil(lambda: gated.calls == 3, timeout=WAIT_MS)
    gated.gate.set()
    load_all(qtbot, tasks, model)
    assert gated.delivered >= 3  # the stale pages were read and came back...
    assert inserted[0] == 20  # ...but the first rows inserted were the current order's
    rows = [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())]
    assert {row.cohort_id for row in rows} == {cohorts[1].id}
    current = dataclasses.replace(second, sort=LogSort.MOOD, descending=False)
    assert [row.id for row in rows] == every_id(program.checkin_log, current)
    # A reset while a later page is in flight: the model starts over, nothing is mixed in.
    gated.gate.clear()
    model.set_query(first)
    qtbot.waitUntil(lambda: model.loading and gated.calls > gated.delivered, timeout=WAIT_MS)
    model.reload()
    gated.gate.set()
    load_all(qtbot, tasks, model)
    assert ids(model) == every_id(program.checkin_log, first)


def test_a_failed_page_is_reported_once_and_reload_recovers(
    qtbot: QtBot, tasks: TaskRunner, program: Services, qtmodeltester: Any
) -> None:
    gated = GatedLog(program.checkin_log)
    gated.fail_with = RuntimeError("disk on fire")
    gated.gate.set()
    model = make_model(gated, tasks)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.failed, timeout=WAIT_MS) as failed:
        model.set_query(CheckInLogQuery())
    assert "Something unexpected went wrong" in failed.args[0]
    assert not model.canFetchMore(QModelIndex())  # no retry loop from the view
    assert gated.calls == 1
    gated.fail_with = None
    with qtbot.waitSignal(model.rowsInserted, timeout=WAIT_MS):
        model.reload()
    assert model.rowCount() >= 20


def test_the_python_model_tester_agrees_while_resets_interrupt_pages(
    qtbot: QtBot, tasks: TaskRunner, program: Services, qtmodeltester: Any
) -> None:
    model = make_model(program.checkin_log, tasks, first=7, size=40)
    qtmodeltester.check(model, force_py=True)  # checks every row at every change: keep small
    cohort = program.cohorts.list()[0]
    model.set_query(CheckInLogQuery(cohort_id=cohort.id, share_scope=ShareScope.GROUP))
    orders = [LogColumn.PARTICIPANT, LogColumn.DATE, LogColumn.CRAVING, LogColumn.COHORT]
    for column in orders:
        model.fetchMore(QModelIndex())
        model.sort(column, Qt.SortOrder.DescendingOrder)  # a reset with a page in flight
    load_all(qtbot, tasks, model)
    query = model.query
    assert query is not None and query.sort is LogSort.COHORT
    assert ids(model) == every_id(program.checkin_log, query)


def test_the_view_fetches_more_as_it_scrolls_and_sorts_by_header_in_sql(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    model = make_model(program.checkin_log, tasks)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.resize(900, 300)
    view.show()
    model.set_query(CheckInLogQuery())
    qtbot.waitUntil(lambda: model.rowCount() >= 20, timeout=WAIT_MS)
    wait_idle(qtbot, tasks, model)
    before = model.rowCount()
    view.scrollToBottom()  # the view asks for more when it reaches the end
    qtbot.waitUntil(lambda: model.rowCount() > before, timeout=WAIT_MS)

    header = view.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(LogColumn.MOOD) + 5, 5)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    query = model.query
    assert query is not None and query.sort is LogSort.MOOD and not query.descending
    wait_idle(qtbot, tasks, model)
    values = [model.index(r, LogColumn.MOOD).data(SORT_ROLE) for r in range(model.rowCount())]
    assert values == sorted(values)
    view.sortByColumn(LogColumn.TREND, Qt.SortOrder.AscendingOrder)  # not sortable: ignored
    assert model.query == query
    initial = model.headerData(
        LogColumn.DATE, Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole
    )
    assert initial == Qt.SortOrder.DescendingOrder


def test_roles_give_the_row_its_sort_value_and_its_mood_trend(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    model = make_model(program.checkin_log, tasks)
    model.set_query(CheckInLogQuery())
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)
    wait_idle(qtbot, tasks, model)
    assert model.index(0, LogColumn.TREND).data(TREND_ROLE) is None  # asked for when painted
    trend = model.index(0, LogColumn.TREND)
    qtbot.waitUntil(lambda: trend.data(TREND_ROLE) is not None, timeout=WAIT_MS)
    row = model.index(0, 0).data(ROW_ROLE)
    assert model.index(0, LogColumn.PARTICIPANT).data() == row.participant_name
    assert model.index(0, LogColumn.DATE).data(SORT_ROLE) == row.session_start
    moods = model.index(0, LogColumn.TREND).data(TREND_ROLE)
    assert moods and moods[-1] == row.mood and len(moods) <= 12
    assert model.index(0, LogColumn.TREND).data() is None  # painted, not written
    described = model.index(0, LogColumn.TREND).data(Qt.ItemDataRole.AccessibleTextRole)
    assert described.startswith("Mood over the last")
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_an_edited_row_changes_in_place_and_never_shows_twice(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    model = make_model(program.checkin_log, tasks, first=10, size=40)
    cohort = program.cohorts.list()[0]
    model.set_query(CheckInLogQuery(cohort_id=cohort.id, sort=LogSort.MOOD))
    qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=WAIT_MS)
    wait_idle(qtbot, tasks, model)
    row = model.index(0, 0).data(ROW_ROLE)
    edited = dataclasses.replace(row, mood=10)  # would now sort at the far end
    with qtbot.waitSignal(model.dataChanged, timeout=WAIT_MS):
        assert model.row_changed(edited)
    assert model.index(0, LogColumn.MOOD).data() == "10"
    # Pretend the vault agrees, then page on: the row's new place must not repeat it.
    program.checkins.record(row.session_id, row.participant_id, edited.draft())
    try:
        load_all(qtbot, tasks, model)
        assert len(ids(model)) == len(set(ids(model)))
        assert ids(model).count(row.id) == 1
    finally:
        program.checkins.record(row.session_id, row.participant_id, row.draft())


def test_a_cursor_never_leaks_between_orders(program: Services) -> None:
    page = program.checkin_log.page(CheckInLogQuery(), limit=3)
    assert isinstance(page.cursor, LogCursor)
    assert page.cursor.sort is LogSort.SESSION_START


def test_the_page_read_ahead_is_shown_as_soon_as_the_view_nears_the_end(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    model = make_model(program.checkin_log, tasks)
    model.set_query(CheckInLogQuery())
    qtbot.waitUntil(lambda: model.read_ahead, timeout=WAIT_MS)  # read, not inserted
    assert model.rowCount() == 20
    with qtbot.waitSignal(model.rowsInserted, timeout=0):  # raised at once, or not at all
        model.prefetch()
    assert model.rowCount() == 50 and not model.read_ahead
    qtbot.waitUntil(lambda: model.read_ahead, timeout=WAIT_MS)  # the one after it
    with qtbot.waitSignal(model.rowsInserted, timeout=0):
        model.prefetch()
    assert ids(model) == every_id(program.checkin_log, CheckInLogQuery())[:80]


def test_trends_still_being_read_when_the_model_is_cleared_are_dropped(
    qtbot: QtBot, tasks: TaskRunner, program: Services
) -> None:
    gated = GatedLog(program.checkin_log)
    gated.gate.set()
    reading = threading.Event()
    release = threading.Event()

    def slow_trends(ids: Any) -> Any:
        reading.set()
        assert release.wait(WAIT_MS / 1000)
        return program.checkin_log.trends(ids)

    gated.trends = slow_trends  # type: ignore[method-assign]
    model = make_model(gated, tasks)
    model.set_query(CheckInLogQuery())
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)
    person = model.index(0, 0).data(ROW_ROLE).participant_id
    assert model.index(0, LogColumn.TREND).data(TREND_ROLE) is None  # asks for it
    qtbot.waitUntil(reading.is_set, timeout=WAIT_MS)
    model.clear()  # the vault locks while the trend is being read
    release.set()
    wait_idle(qtbot, tasks, model)
    assert model.rowCount() == 0
    assert model.trends.forget(person) is False  # nothing of it was kept
