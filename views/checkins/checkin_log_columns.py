"""The check-in log's columns: their titles, orders, and what each cell shows and sorts by."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Any

from PySide6.QtCore import Qt

from app.services.checkin_log.service import CheckInLogRow, LogSort, MoodTrend
from models import ShareScope
from views.roles import FIRST_OWN_ROLE, ROW_ROLE, SORT_ROLE

TREND_ROLE = FIRST_OWN_ROLE  # the participant's moods up to this check-in


class LogColumn(enum.IntEnum):
    """The log's columns, in the order the eye reads them; sharing comes before the words,
    so that nobody reads out what was meant for the clinician only."""

    DATE = 0
    COHORT = 1
    PARTICIPANT = 2
    MOOD = 3
    TREND = 4
    CRAVING = 5
    SCOPE = 6
    FEELINGS = 7
    ACCOMPLISHMENTS = 8
    CHALLENGES = 9


TITLES = {
    LogColumn.DATE: "Session",
    LogColumn.COHORT: "Cohort",
    LogColumn.PARTICIPANT: "Participant",
    LogColumn.MOOD: "Mood",
    LogColumn.TREND: "Mood trend",
    LogColumn.CRAVING: "Craving",
    LogColumn.FEELINGS: "Feelings",
    LogColumn.ACCOMPLISHMENTS: "Wins",
    LogColumn.CHALLENGES: "Challenges",
    LogColumn.SCOPE: "Sharing",
}
SORTS = {
    LogColumn.DATE: LogSort.SESSION_START,
    LogColumn.COHORT: LogSort.COHORT,
    LogColumn.PARTICIPANT: LogSort.PARTICIPANT,
    LogColumn.MOOD: LogSort.MOOD,
    LogColumn.CRAVING: LogSort.CRAVING,
    LogColumn.FEELINGS: LogSort.EMOTION_WORDS,
    LogColumn.ACCOMPLISHMENTS: LogSort.ACCOMPLISHMENTS,
    LogColumn.CHALLENGES: LogSort.CHALLENGES,
    LogColumn.SCOPE: LogSort.SHARE_SCOPE,
}
COLUMN_OF_SORT = {sort: column for column, sort in SORTS.items()}
# What a first click on a header shows: the newest sessions, the lowest moods, the strongest
# cravings; everything else A to Z.
FIRST_CLICK_DESCENDING = {LogColumn.DATE, LogColumn.CRAVING}
SCOPE_TEXT = {ShareScope.GROUP: "Group", ShareScope.CLINICIAN: "Clinician only"}
NUMBERS = {LogColumn.MOOD, LogColumn.CRAVING}
COLUMNS = tuple(LogColumn)
DISPLAY = Qt.ItemDataRole.DisplayRole
ANSWERED = frozenset(
    {
        DISPLAY,
        ROW_ROLE,
        SORT_ROLE,
        TREND_ROLE,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
    }
)


def session_text(row: CheckInLogRow) -> str:
    return _start_text(row.session_start)


@functools.lru_cache(maxsize=4096)
def _start_text(start: dt.datetime) -> str:  # a session's rows share one start: made once
    return f"{start:%a} {start.day} {start:%b %Y} {start:%H:%M}"


def display(row: CheckInLogRow, column: LogColumn) -> str:
    if column is LogColumn.DATE:
        return session_text(row)
    if column is LogColumn.COHORT:
        return row.cohort_name
    if column is LogColumn.PARTICIPANT:
        return row.participant_name
    if column is LogColumn.MOOD:
        return "—" if row.mood is None else str(row.mood)
    if column is LogColumn.CRAVING:
        if not row.has_cravings:
            return ""
        return "—" if row.craving is None else str(row.craving)
    if column is LogColumn.FEELINGS:
        return row.emotion_words
    if column is LogColumn.ACCOMPLISHMENTS:
        return row.accomplishments
    if column is LogColumn.CHALLENGES:
        return row.challenges
    if column is LogColumn.SCOPE:
        return SCOPE_TEXT[row.share_scope]
    return ""


def sort_value(row: CheckInLogRow, column: LogColumn) -> Any:
    """What the column sorts by, raw: -1 stands for a missing mood or craving (sorts first)."""
    values: dict[LogColumn, Any] = {
        LogColumn.DATE: row.session_start,
        LogColumn.COHORT: row.cohort_name.casefold(),
        LogColumn.PARTICIPANT: row.participant_name.casefold(),
        LogColumn.MOOD: -1 if row.mood is None else row.mood,
        LogColumn.TREND: None,
        LogColumn.CRAVING: -1 if row.craving is None else row.craving,
        LogColumn.FEELINGS: row.emotion_words.casefold(),
        LogColumn.ACCOMPLISHMENTS: row.accomplishments.casefold(),
        LogColumn.CHALLENGES: row.challenges.casefold(),
        LogColumn.SCOPE: row.share_scope.value,
    }
    return values[column]


def describe(row: CheckInLogRow, column: LogColumn, trend: MoodTrend | None) -> str | None:
    """A cell's tooltip and what a screen reader says of it."""
    if column is LogColumn.TREND:
        if trend is None:
            return "Mood trend loading"
        moods = trend.until(row.session_start)
        said = ", ".join("not given" if mood is None else str(mood) for mood in moods)
        return f"Mood over the last {len(moods)} check-ins, oldest first: {said}"
    if column is LogColumn.CRAVING and not row.has_cravings:
        return f"{row.cohort_name} is a mental health group; it records no cravings."
    if row.share_scope is ShareScope.CLINICIAN and column is LogColumn.SCOPE:
        return "For the clinician only: not shared with the group"
    if column in (LogColumn.FEELINGS, LogColumn.ACCOMPLISHMENTS, LogColumn.CHALLENGES):
        return display(row, column) or None
    return None
