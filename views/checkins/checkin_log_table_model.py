"""The check-in log as a lazily paged table model: pages requested in fetchMore, sorted in SQL."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from app.services.checkin_log.service import (
    MAX_PAGE,
    CheckInLogPage,
    CheckInLogQuery,
    CheckInLogRow,
    CheckInLogService,
    LogCursor,
)
from app.tasks import TaskRunner
from models import ShareScope
from views.checkins.checkin_log_columns import (
    ANSWERED,
    COLUMN_OF_SORT,
    COLUMNS,
    DISPLAY,
    FIRST_CLICK_DESCENDING,
    NUMBERS,
    SORTS,
    TITLES,
    TREND_ROLE,
    LogColumn,
    describe,
    display,
    sort_value,
)
from views.checkins.checkin_trends import MoodTrendCache
from views.errors import user_message
from views.roles import ROW_ROLE, SORT_ROLE

__all__ = [
    "COLUMN_OF_SORT",
    "TREND_ROLE",
    "CheckInLogTableModel",
    "LogColumn",
]

Index = QModelIndex | QPersistentModelIndex

FIRST_PAGE = 100  # a screenful or three: the log opens as soon as these arrive
PAGE = 400
UNINDEXED_PAGE = 2000  # text orders cost a full scan per page, so fetch more at once
AFTER_PAINT_MS = 60  # rows just inserted are painted before anything else is read


class _Generation:
    """The model's current generation, in a plain object that workers may read."""

    generation = 0


class CheckInLogTableModel(QAbstractTableModel):
    """Every check-in the query selects, fetched a page at a time through the task runner.

    Contract: ``set_query(query)`` resets the model (and ``sort()`` does so with a new
    order); rows then arrive a page at a time. ``fetchMore()`` only *requests* the next page
    (at most one is in flight); the page is inserted with ``beginInsertRows`` when it
    arrives. Each reset advances a generation counter: a page, count or failure that belongs
    to an older generation is dropped, and the query behind it is told to stop. The count of
    all matching rows comes separately: ``count_changed(int | None)`` (None while counting).
    ``loading_changed(bool)`` says whether a page is on its way; ``failed(str)`` says why a
    page could not be read (the model then stops fetching until ``reload()``). Mood trends
    for the sparkline column arrive after their rows and are kept per participant.
    ``refresh()`` reads the query again after a change in the vault, as far as it was
    loaded, and swaps the rows in at once; ``refreshed`` follows, so the view can return
    to the record it had selected and the place it was scrolled to.
    """

    count_changed = Signal(object)
    loading_changed = Signal(bool)
    failed = Signal(str)
    refreshed = Signal()

    def __init__(
        self,
        log: CheckInLogService,
        tasks: TaskRunner,
        *,
        first_page: int = FIRST_PAGE,
        page_size: int = PAGE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._log = log
        self._tasks = tasks
        self._first_page = first_page
        self._page_size = page_size
        self._query: CheckInLogQuery | None = None
        self._generation = 0
        self._current = _Generation()  # what workers read: see _stale()
        self._rows: list[CheckInLogRow] = []
        self._positions: dict[uuid.UUID, int] = {}
        self._cursor: LogCursor | None = None
        self._exhausted = True
        self._pending = False  # rows were asked for (fetchMore) and are not in yet
        self._reading = False  # a page is being read
        self._ahead: CheckInLogPage | None = None  # read ahead, not inserted
        self._insert_on_arrival = False
        self._ticket = 0
        self._broken = False
        self.count: int | None = None
        self._clinician_font = QFont()
        self._clinician_font.setItalic(True)  # resolved against the view's own font
        self.trends = MoodTrendCache(log, tasks, self)
        self.trends.changed.connect(self._trends_changed)

    # -- what to show --------------------------------------------------------------------

    @property
    def query(self) -> CheckInLogQuery | None:
        return self._query

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def read_ahead(self) -> bool:
        """Whether the next page is already here, waiting to be shown."""
        return self._ahead is not None

    @property
    def loading(self) -> bool:
        return self._pending

    def set_query(self, query: CheckInLogQuery | None) -> None:
        """Show ``query`` from its first page (None: show nothing)."""
        if query == self._query and not self._broken:
            return
        self._reset(query)

    def reload(self) -> None:
        """Read the current query again from its first page (an empty view meanwhile)."""
        self._reset(self._query)

    def clear(self) -> None:
        """Forget every row and trend; late trends are dropped too."""
        self.trends.clear()
        self._reset(None)

    def refresh(self) -> None:
        """Read the query again, as many rows as are loaded, and show them in one reset."""
        query = self._query
        if query is None:
            return
        if self._broken or not self._rows:
            self._reset(query)
            return
        self._generation += 1  # what is in flight for the rows on screen is stale now
        self._current.generation = self._generation
        generation, log, stale = self._generation, self._log, self._stale(self._generation)
        self._reading, self._ahead, self._insert_on_arrival = True, None, False
        limit = min(max(len(self._rows), self._first_page), MAX_PAGE)
        self._ticket += 1
        self._tasks.submit(
            lambda: log.page(query, limit=limit, stop=stale),
            on_success=lambda page: self._on_refreshed(generation, page),
            on_failure=lambda error: self._on_page_failed(generation, error),
            key=f"checkin-log-refresh-{id(self)}",
            owner=self,
            name="check-in log refresh",
        )

    def _on_refreshed(self, generation: int, page: CheckInLogPage) -> None:
        query = self._query
        if generation != self._generation or query is None:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._positions = {row.id: position for position, row in enumerate(self._rows)}
        self._cursor = page.cursor
        self._exhausted = page.cursor is None
        self._reading, self._ahead, self._insert_on_arrival = False, None, False
        self.count = None
        self.endResetModel()
        self._set_pending(False)
        self.count_changed.emit(None)
        self._request_count(query)
        self.refreshed.emit()

    def _reset(self, query: CheckInLogQuery | None) -> None:
        was_loading = self._pending
        self._generation += 1
        self._current.generation = self._generation
        self.beginResetModel()
        self._query = query
        self._rows = []
        self._positions = {}
        self._cursor = None
        self._exhausted = query is None
        self._broken = False
        self._pending = False  # whatever was in flight belongs to the old generation
        self.trends.set_busy(False)
        self._reading = False
        self._ahead = None
        self._insert_on_arrival = False
        self.count = None
        self.endResetModel()  # a view may call fetchMore() from in here: that is fine
        self.count_changed.emit(None)
        if query is not None:
            self.fetchMore(QModelIndex())  # the count is asked for once the first rows show
        if was_loading and not self._pending:
            self.loading_changed.emit(False)

    # -- paging ----------------------------------------------------------------------------
    #
    # One page is read ahead: as soon as a page is inserted, the next one is read (not
    # inserted). fetchMore() then inserts that page from the next turn of the event loop,
    # so scrolling to the end shows more rows at once; the read-ahead goes on behind it.

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._broken

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page; it is inserted later, never in here."""
        if self._pending or not self.canFetchMore(parent) or self._query is None:
            return
        self._set_pending(True)
        if self._ahead is not None:
            generation = self._generation
            QTimer.singleShot(0, self, lambda: self._insert_ahead(generation))
        elif self._reading:
            self._insert_on_arrival = True
        else:
            self._insert_on_arrival = True
            self._read_next()

    def prefetch(self) -> None:
        """The view nears the end of the rows: show the page read ahead now, else read it.

        Called from the view's scrolling (never from fetchMore, so nothing re-enters the
        model): a user scrolling down finds the next rows already there.
        """
        if not self.canFetchMore() or self._query is None:
            return
        if self._ahead is not None:
            page, self._ahead = self._ahead, None
            self._insert(page)
        elif not self._reading:
            self._read_next()

    def _read_next(self) -> None:
        query, cursor, generation = self._query, self._cursor, self._generation
        assert query is not None and not self._reading
        if not self._rows:
            limit = self._first_page
        else:
            limit = self._page_size if query.sort.indexed else max(self._page_size, UNINDEXED_PAGE)
        log, stale = self._log, self._stale(generation)
        self._reading = True
        self._ticket += 1
        ticket = self._ticket
        self._tasks.submit(
            lambda: log.page(query, after=cursor, limit=limit, stop=stale),
            on_success=lambda page: self._on_page(generation, ticket, page),
            on_failure=lambda error: self._on_page_failed(generation, error),
            owner=self,
            name="check-in log page",
        )

    def _stale(self, generation: int) -> Callable[[], bool]:
        """Whether ``generation`` is over; polled on a worker thread while SQLite works.

        It reads a plain holder, never the model: a closure that kept the model alive
        could make a worker drop the last reference, and Qt objects must die on their own
        thread (a model deleted on a worker leaves its timers behind: a crash).
        """
        current = self._current
        return lambda: current.generation != generation

    def _on_page(self, generation: int, ticket: int, page: CheckInLogPage) -> None:
        if generation != self._generation:
            return  # a reset, a new filter or order made this page stale
        assert ticket == self._ticket, "two pages of one generation were in flight"
        self._reading = False
        if self._insert_on_arrival:
            self._insert(page)
        else:
            self._ahead = page

    def _insert_ahead(self, generation: int) -> None:
        if generation == self._generation and self._ahead is not None:
            page, self._ahead = self._ahead, None
            self._insert(page)

    def _insert(self, page: CheckInLogPage) -> None:
        self._insert_on_arrival = False
        self._set_pending(False)
        # A row edited here may have moved further along the order; never show it twice.
        fresh = [row for row in page.rows if row.id not in self._positions]
        self._cursor = page.cursor
        self._exhausted = page.cursor is None
        opening = not self._rows
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for offset, row in enumerate(fresh):
                self._positions[row.id] = first + offset
            self._rows.extend(fresh)
            self.endInsertRows()
        if self._exhausted:
            if self.count is None:
                self._set_count(len(self._rows))
            return
        # The new rows are painted first; the count and the read-ahead follow after a
        # moment, so that a worker decoding rows does not slow that paint (the GIL).
        generation = self._generation
        QTimer.singleShot(AFTER_PAINT_MS, self, lambda: self._after_insert(generation, opening))

    def _after_insert(self, generation: int, opening: bool) -> None:
        if generation != self._generation or self._query is None:
            return
        if opening:
            self._request_count(self._query)
        if not self._reading and self._ahead is None and not self._exhausted:
            self._read_next()  # read ahead (a view may already have asked for more)

    def _on_page_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._reading = False
        self._set_pending(False)
        self._broken = True
        self.failed.emit(user_message(error))

    def _set_pending(self, pending: bool) -> None:
        self.trends.set_busy(pending)
        if pending != self._pending:
            self._pending = pending
            self.loading_changed.emit(pending)

    def _request_count(self, query: CheckInLogQuery) -> None:
        generation, log = self._generation, self._log
        stale = self._stale(generation)
        self._tasks.submit(
            lambda: log.count(query, stop=stale),
            on_success=lambda count: self._on_count(generation, count),
            on_failure=lambda _error: None,  # the rows still show; only the total is missing
            owner=self,
            name="check-in log count",
        )

    def _on_count(self, generation: int, count: int) -> None:
        if generation == self._generation:
            self._set_count(count)

    def _set_count(self, count: int) -> None:
        self.count = count
        self.count_changed.emit(count)

    # -- trends ----------------------------------------------------------------------------

    def _trends_changed(self) -> None:
        if self._rows:
            top = self.index(0, LogColumn.TREND)
            bottom = self.index(len(self._rows) - 1, LogColumn.TREND)
            self.dataChanged.emit(top, bottom, [TREND_ROLE])

    # -- changes made on this desk -----------------------------------------------------------

    def row_changed(self, row: CheckInLogRow) -> bool:
        """Show an edited check-in where it is (True), if it is loaded; refresh its trend."""
        self.forget_trend(row.participant_id)
        position = self._positions.get(row.id)
        if position is None:
            return False
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(LogColumn) - 1))
        return True

    def forget_trend(self, participant_id: uuid.UUID) -> None:
        """The participant's moods changed: their trend is read again when next painted."""
        if self.trends.forget(participant_id):
            self._trends_changed()

    def position(self, checkin_id: uuid.UUID) -> int | None:
        return self._positions.get(checkin_id)

    def row_at(self, position: int) -> CheckInLogRow:
        return self._rows[position]

    # -- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LogColumn)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks for a dozen roles per cell at every paint: answer the others at once.
        if role not in ANSWERED:
            return None
        position = index.row()
        if not 0 <= position < len(self._rows) or not index.isValid():
            return None
        row = self._rows[position]
        column = COLUMNS[index.column()]
        if role == DISPLAY:
            return None if column is LogColumn.TREND else display(row, column)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return sort_value(row, column)
        if role == TREND_ROLE:
            trend = self.trends.get(row.participant_id)
            return None if trend is None else trend.until(row.session_start)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return describe(row, column, self.trends.get(row.participant_id))
        if role == Qt.ItemDataRole.FontRole and row.share_scope is ShareScope.CLINICIAN:
            return self._clinician_font  # clinician-only words look apart: not to read out
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBERS:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(LogColumn):
            return None
        column = LogColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return TITLES[column]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            descending = column in FIRST_CLICK_DESCENDING
            return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        if role == Qt.ItemDataRole.ToolTipRole and column is LogColumn.TREND:
            return "Each person's last twelve moods up to this check-in (not sortable)"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` in SQL (a reset); the trend column has no order of its own."""
        sort = SORTS.get(LogColumn(column)) if 0 <= column < len(LogColumn) else None
        if sort is None or self._query is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(dataclasses.replace(self._query, sort=sort, descending=descending))
