"""Sortable, keyboard-friendly table views over snapshot models, and keeping their place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from views.roles import ROW_ROLE, SORT_ROLE
from views.snapshot_table_model import SnapshotTableModel


def table_view(
    model: SnapshotTableModel[Any], name: str, stretch: tuple[int, ...], parent: QWidget
) -> QTableView:
    """A sortable, keyboard-friendly table: Tab leaves it, arrows move, Enter activates."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order until asked
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return view


@dataclass(frozen=True, slots=True)
class ViewPlace:
    """Where a view is: the record that is current (by key) and how far it is scrolled."""

    key: object  # None: nothing was current
    column: int
    scroll: tuple[int, int]


def place_of(view: QAbstractItemView, key: Callable[[Any], object]) -> ViewPlace:
    """``view``'s place before its model is refilled; ``key(row)`` names a ``ROW_ROLE`` row."""
    current = view.currentIndex()
    row = current.data(ROW_ROLE) if current.isValid() else None
    return ViewPlace(
        None if row is None else key(row),
        max(current.column(), 0),
        (view.verticalScrollBar().value(), view.horizontalScrollBar().value()),
    )


def return_to(view: QAbstractItemView, place: ViewPlace, key: Callable[[Any], object]) -> bool:
    """Make the record ``place`` names current again and scroll back to where ``view`` was.

    True when that record is still there. Its row may have moved (a reload sorted it
    elsewhere): the view is then scrolled where it was, not to the record.
    """
    model = view.model()
    found = False
    if place.key is not None and model is not None:
        for number in range(model.rowCount()):
            index = model.index(number, min(place.column, model.columnCount() - 1))
            row = index.data(ROW_ROLE)
            if row is not None and key(row) == place.key:
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                view.selectionModel().setCurrentIndex(index, flags)
                found = True
                break
    view.doItemsLayout()  # the scroll bars' ranges follow the new rows now, not later
    vertical, horizontal = place.scroll
    view.verticalScrollBar().setValue(vertical)
    view.horizontalScrollBar().setValue(horizontal)
    return found
