"""The profile's item models: the timeline (clinician-only lines marked) and goals by value."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QGuiApplication

from app.services.profile import DomainSummary
from app.services.profile_timeline import ProfileEvent, TimelineKind
from views.roles import ROW_ROLE
from views.snapshot_table_model import Index, SnapshotTableModel
from views.theme import meaning

CLINICIAN_ONLY = "Clinician only"


def clinician_tint() -> QColor:
    """Warm, so that clinician-only lines never pass for shared ones."""
    return meaning(QGuiApplication.palette(), "clinician_tint")


def long_time(at: Any) -> str:
    return f"{at:%a} {at.day} {at:%b %Y, %H:%M}"


def long_day(at: Any) -> str:
    return f"{at:%a} {at.day} {at:%b %Y}"


class TimelineColumn(enum.IntEnum):
    WHEN = 0
    WHAT = enum.auto()
    DETAIL = enum.auto()
    SHARED = enum.auto()


KIND_TEXT = {
    TimelineKind.JOINED: "Stay",
    TimelineKind.LEFT: "Stay",
    TimelineKind.ATTENDANCE: "Session",
    TimelineKind.CHECK_IN: "Check-in",
    TimelineKind.GOAL_SET: "Goal",
    TimelineKind.GOAL_REVIEWED: "Goal",
}


class TimelineTableModel(SnapshotTableModel[ProfileEvent]):
    """The profile's timeline, newest first. Clinician-only lines say so and are tinted."""

    columns = TimelineColumn
    headers = ("When", "What", "Details", "Shared")
    header_tips = (
        "In the cohort's time zone",
        "What happened",
        "What was said or done",
        "Whether the group heard it, or clinicians only",
    )

    def display(self, row: ProfileEvent, column: int) -> str:
        if column == TimelineColumn.WHEN:
            if row.kind in (TimelineKind.JOINED, TimelineKind.LEFT):
                return long_day(row.at)  # a stay begins and ends on a day, not at a time
            return long_time(row.at)
        if column == TimelineColumn.WHAT:
            return row.summary
        if column == TimelineColumn.DETAIL:
            return row.detail
        return CLINICIAN_ONLY if row.clinician_only else "Group"

    def sort_value(self, row: ProfileEvent, column: int) -> Any:
        if column == TimelineColumn.WHEN:
            return row.at.timestamp()
        if column == TimelineColumn.SHARED:
            return int(row.clinician_only)
        return super().sort_value(row, column)

    def tooltip(self, row: ProfileEvent, column: int) -> str | None:
        if column == TimelineColumn.WHAT:
            return row.summary
        if column == TimelineColumn.DETAIL and row.detail:
            return row.detail
        return None

    def role_data(self, row: ProfileEvent, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.clinician_only:
            return clinician_tint()
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and row.clinician_only:
            return "Clinician only: not shared with the group"
        return None


class GroupSafeTimeline(QSortFilterProxyModel):
    """Hides clinician-only lines while ``hide_clinician_only`` is on (for screen sharing)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hide = False

    @property
    def hide_clinician_only(self) -> bool:
        return self._hide

    def set_hide_clinician_only(self, hide: bool) -> None:
        self.beginFilterChange()
        self._hide = hide
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._hide:
            return True
        model = self.sourceModel()
        event = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return not (isinstance(event, ProfileEvent) and event.clinician_only)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


DOMAIN_CELLS: tuple[tuple[str, str, Callable[[DomainSummary], Any]], ...] = (
    ("Value", "The value domain the goals serve", lambda d: d.domain),
    ("Goals", "Goals set (dropped ones left out)", lambda d: d.goals),
    ("Done", "Reported back as done", lambda d: d.done),
    ("Partly", "Reported back as partly done", lambda d: d.partly),
    ("Not done", "Reported back as not done", lambda d: d.not_done),
    ("Open", "Not reported back on yet", lambda d: d.open),
    (
        "Completion",
        "Done counts 1, partly ½, over those reported back",
        lambda d: d.completion_rate,
    ),
)


class DomainColumn(enum.IntEnum):
    VALUE = 0
    GOALS = 1
    DONE = 2
    PARTLY = 3
    NOT_DONE = 4
    OPEN = 5
    COMPLETION = 6


class DomainTableModel(SnapshotTableModel[DomainSummary]):
    """Goals grouped by value domain, with their outcomes and completion rate."""

    columns = DomainColumn
    headers = tuple(header for header, _tip, _value in DOMAIN_CELLS)
    header_tips = tuple(tip for _header, tip, _value in DOMAIN_CELLS)
    numeric = frozenset(c for c in DomainColumn if c != DomainColumn.VALUE)

    def display(self, row: DomainSummary, column: int) -> str:
        value = DOMAIN_CELLS[column][2](row)
        if column == DomainColumn.COMPLETION:
            return percent(value)
        return str(value).capitalize() if column == DomainColumn.VALUE else str(value)

    def sort_value(self, row: DomainSummary, column: int) -> Any:
        value = DOMAIN_CELLS[column][2](row)
        return -1.0 if value is None else value
