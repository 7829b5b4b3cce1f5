"""The check-in log's table view: column widths, row settings, reading ahead, order words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.services.checkin_log.service import CheckInLogQuery, LogSort
from views.checkins.checkin_log_columns import LogColumn

WIDTHS = {
    LogColumn.DATE: 162,
    LogColumn.COHORT: 170,
    LogColumn.PARTICIPANT: 100,
    LogColumn.MOOD: 50,
    LogColumn.TREND: 88,
    LogColumn.CRAVING: 62,
    LogColumn.SCOPE: 92,
    LogColumn.FEELINGS: 140,
    LogColumn.ACCOMPLISHMENTS: 230,
    LogColumn.CHALLENGES: 210,
}
ORDER_WORDS = {
    LogSort.SESSION_START: ("oldest sessions first", "newest sessions first"),
    LogSort.MOOD: ("lowest moods first", "highest moods first"),
    LogSort.CRAVING: ("weakest cravings first", "strongest cravings first"),
    LogSort.SHARE_SCOPE: ("clinician-only last", "clinician-only first"),
}
PREFETCH_SCREENS = 3  # ask for the next page while this many screens of rows remain


def configure_log_view(table: QTableView) -> None:
    """The log's table as the page shows it (the benchmark measures this very view)."""
    table.setObjectName("checkinLog")
    table.setAccessibleName("Check-in log")
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the log; arrows move in it
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setAlternatingRowColors(True)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionsMovable(False)
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    for column, width in WIDTHS.items():
        header.resizeSection(column, width)


def follow_scrolling(table: QTableView, near_the_end: Callable[[], object]) -> None:
    """Call ``near_the_end()`` whenever the view scrolls within a few screens of its end."""
    bar = table.verticalScrollBar()

    def on_scrolled(value: int) -> None:
        if value >= bar.maximum() - PREFETCH_SCREENS * bar.pageStep():
            near_the_end()

    bar.valueChanged.connect(on_scrolled)


def order_text(query: CheckInLogQuery) -> str:
    words = ORDER_WORDS.get(query.sort)
    if words is not None:
        return words[query.descending]
    name = {
        LogSort.COHORT: "cohort",
        LogSort.PARTICIPANT: "name",
        LogSort.EMOTION_WORDS: "feelings",
        LogSort.ACCOMPLISHMENTS: "wins",
        LogSort.CHALLENGES: "challenges",
    }[query.sort]
    return f"by {name}, {'Z to A' if query.descending else 'A to Z'}"
