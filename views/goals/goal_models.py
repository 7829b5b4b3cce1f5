"""The goal tracker's table models: goals due, the week's goals, completion rates, history."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from PySide6.QtCore import QObject

from app.services.goals.board import BoardGoal, CompletionRow, ReviewEntry
from models import GoalStatus, ReviewOutcome
from views.snapshot_table_model import SnapshotTableModel

OUTCOME_TEXT = {
    ReviewOutcome.DONE: "Done",
    ReviewOutcome.PARTLY: "Partly",
    ReviewOutcome.NOT_DONE: "Not done",
}
STATUS_TEXT = {
    GoalStatus.OPEN: "Open",
    GoalStatus.DONE: "Done",
    GoalStatus.PARTLY: "Partly",
    GoalStatus.NOT_DONE: "Not done",
    GoalStatus.CARRIED_FORWARD: "Carried forward",
    GoalStatus.DROPPED: "Dropped",
}


def day_text(day: dt.date) -> str:
    """``Wed 4 Mar`` (the year only when it is not this year's)."""
    year = "" if day.year == dt.date.today().year else f" {day.year}"
    return f"{day:%a} {day.day} {day:%b}{year}"


def carried_text(times: int) -> str:
    return "" if times == 0 else ("carried once" if times == 1 else f"carried {times}×")


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


class GoalColumn(enum.IntEnum):
    PERSON = 0
    GOAL = 1
    VALUE = 2
    SET_ON = 3
    LAST = 4  # what the table is about: times carried, or the goal's status


class _GoalTableModel(SnapshotTableModel[BoardGoal]):
    """One goal per row: person, goal, value, set on, and a last column of its own."""

    columns = GoalColumn

    def display(self, row: BoardGoal, column: int) -> str:
        match column:
            case GoalColumn.PERSON:
                return row.participant_name
            case GoalColumn.GOAL:
                return row.text
            case GoalColumn.VALUE:
                return row.value_domain
            case GoalColumn.SET_ON:
                return day_text(row.set_on)
            case _:
                return self.last_text(row)

    def last_text(self, row: BoardGoal) -> str:
        raise NotImplementedError

    def sort_value(self, row: BoardGoal, column: int) -> Any:
        if column == GoalColumn.SET_ON:
            return row.set_on.toordinal()
        return super().sort_value(row, column)

    def tooltip(self, row: BoardGoal, column: int) -> str | None:
        return row.text if column == GoalColumn.GOAL else None


class DueGoalsModel(_GoalTableModel):
    """Open goals set before the board's session: the report-back round's agenda."""

    headers = ("Person", "Goal", "Value", "Set on", "Carried")

    def last_text(self, row: BoardGoal) -> str:
        return carried_text(row.times_carried)

    def sort_value(self, row: BoardGoal, column: int) -> Any:
        if column == GoalColumn.LAST:
            return row.times_carried
        return super().sort_value(row, column)


class WeekGoalsModel(_GoalTableModel):
    """Goals set during the board's week, one row per goal, by person."""

    headers = ("Person", "Goal", "Value", "Set on", "Status")

    def last_text(self, row: BoardGoal) -> str:
        status = STATUS_TEXT[row.status]
        carried = carried_text(row.times_carried)
        return f"{status} ({carried})" if carried else status


class CompletionColumn(enum.IntEnum):
    NAME = 0
    REVIEWED = 1
    DONE = 2
    PARTLY = 3
    NOT_DONE = 4
    RATE = 5


class CompletionModel(SnapshotTableModel[CompletionRow]):
    """Report-backs counted per person or per value domain, with the completion rate."""

    columns = CompletionColumn
    numeric = frozenset(c for c in CompletionColumn if c != CompletionColumn.NAME)
    rate_tip = "Done counts as 1 and partly as ½, over all report-backs"

    def __init__(self, first_header: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._first = first_header

    headers: ClassVar[dict[int, str]] = {
        CompletionColumn.REVIEWED: "Report-backs",
        CompletionColumn.DONE: "Done",
        CompletionColumn.PARTLY: "Partly",
        CompletionColumn.NOT_DONE: "Not done",
        CompletionColumn.RATE: "Completion",
    }

    def header_text(self, column: int) -> str:
        return self._first if column == CompletionColumn.NAME else self.headers[column]

    def display(self, row: CompletionRow, column: int) -> str:
        match column:
            case CompletionColumn.NAME:
                return row.label
            case CompletionColumn.REVIEWED:
                return str(row.reviewed)
            case CompletionColumn.DONE:
                return str(row.done)
            case CompletionColumn.PARTLY:
                return str(row.partly)
            case CompletionColumn.NOT_DONE:
                return str(row.not_done)
            case _:
                return rate_text(row.rate)

    def sort_value(self, row: CompletionRow, column: int) -> Any:
        if column == CompletionColumn.NAME:
            return row.label.casefold()
        if column == CompletionColumn.RATE:
            return -1.0 if row.rate is None else row.rate
        return int(self.display(row, column))

    def tooltip(self, row: CompletionRow, column: int) -> str | None:
        return self.rate_tip if column == CompletionColumn.RATE else None


class HistoryColumn(enum.IntEnum):
    REVIEWED_ON = 0
    PERSON = 1
    GOAL = 2
    VALUE = 3
    OUTCOME = 4
    BARRIER = 5


class HistoryModel(SnapshotTableModel[ReviewEntry]):
    """Report-backs, newest first: what became of each goal and what got in the way."""

    columns = HistoryColumn
    headers: ClassVar[dict[int, str]] = {
        HistoryColumn.REVIEWED_ON: "Reported on",
        HistoryColumn.PERSON: "Person",
        HistoryColumn.GOAL: "Goal",
        HistoryColumn.VALUE: "Value",
        HistoryColumn.OUTCOME: "Outcome",
        HistoryColumn.BARRIER: "Barrier note",
    }

    def display(self, row: ReviewEntry, column: int) -> str:
        match column:
            case HistoryColumn.REVIEWED_ON:
                return day_text(row.reviewed_on)
            case HistoryColumn.PERSON:
                return row.participant_name
            case HistoryColumn.GOAL:
                return row.goal_text
            case HistoryColumn.VALUE:
                return row.value_domain
            case HistoryColumn.OUTCOME:
                outcome = OUTCOME_TEXT[row.outcome]
                return f"{outcome}, carried forward" if row.carried_forward else outcome
            case _:
                return row.barrier_note

    def sort_value(self, row: ReviewEntry, column: int) -> Any:
        if column == HistoryColumn.REVIEWED_ON:
            return row.reviewed_on.toordinal()
        return super().sort_value(row, column)

    def tooltip(self, row: ReviewEntry, column: int) -> str | None:
        if column == HistoryColumn.GOAL:
            return f"{row.goal_text} (set {day_text(row.set_on)})"
        if column == HistoryColumn.BARRIER and row.barrier_note:
            return row.barrier_note
        return None
