"""Attendance figures: which sessions count, the streak, the attendance rate, this week's hours.

A session *counts* for someone once it is over (its planned end has passed), if it was held
while they were enrolled (``CohortHistory.held_sessions_of``). Until then nobody is absent
from it, so a session in progress never breaks a streak or raises an absence, and a mark
taken during it counts once it ends. With no mark at a counted session, they were absent.

- Streak: counted sessions attended in a row, up to the latest; an excused absence neither
  breaks it nor adds to it.
- Attendance rate: counted sessions of the last ``RATE_DAYS`` local days (today included)
  attended, over those sessions less excused absences; None when there were none.
- This week's hours: minutes marked at this ISO week's sessions that are over (in the
  cohort's zone); the projection adds the planned minutes of this week's sessions still to
  come or in progress, as if attended, against the cohort's weekly minimum. A session that
  ended with no mark for them adds nothing (as on the attendance page): it is not to come.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.services.accountability.facts import CohortHistory, MarkFact, MemberFact, SessionFact
from app.services.figures.today import this_week
from models import AttendanceStatus, SessionStatus

RATE_DAYS = 28  # the rate's window: the last four weeks
ATTENDED = tuple(status for status in AttendanceStatus if status.attended)


def counted_sessions(history: CohortHistory, member: MemberFact) -> list[SessionFact]:
    """The sessions that count for ``member`` as of ``history.as_of``, oldest first."""
    return history.held_sessions_of(member)


def streak(history: CohortHistory, member: MemberFact) -> int:
    count = 0
    for session in reversed(counted_sessions(history, member)):
        mark = history.marks.get((session.id, member.participant_id))
        if mark is not None and mark.status is AttendanceStatus.EXCUSED:
            continue
        if mark is None or not mark.status.attended:
            break
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class AttendanceTally:
    """Sessions attended of those expected (the sessions that counted, less excused absences)."""

    attended: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def text(self) -> str:
        """``"Attended 30 of 36 sessions"``; ``""`` when none counted."""
        return f"Attended {self.attended} of {self.expected} sessions" if self.expected else ""


def tally(
    sessions: Iterable[uuid.UUID], marks: Mapping[uuid.UUID, AttendanceStatus]
) -> AttendanceTally:
    """The tally over counted ``sessions`` given someone's marks by session (none: absent)."""
    expected = attended = 0
    for session_id in sessions:
        status = marks.get(session_id)
        if status is AttendanceStatus.EXCUSED:
            continue
        expected += 1
        attended += status is not None and status.attended
    return AttendanceTally(attended, expected)


def attendance_rate(history: CohortHistory, member: MemberFact) -> float | None:
    since = history.today - dt.timedelta(days=RATE_DAYS - 1)
    pid = member.participant_id
    recent = [s.id for s in counted_sessions(history, member) if s.local_date >= since]
    statuses = {sid: mark.status for sid in recent if (mark := history.marks.get((sid, pid)))}
    return tally(recent, statuses).rate


@dataclass(frozen=True, slots=True)
class WeekHours:
    """One member's minutes this week against the minimum (see the module docstring).

    ``applies`` is False in a week they joined or left part-way, and in a week without
    sessions: the minimum is not theirs to meet then. ``sessions`` are this week's sessions
    that are not cancelled, and ``marks`` the member's marks that were counted.
    """

    monday: dt.date
    attended_minutes: int
    projected_minutes: int  # still to come, as if attended
    minimum_minutes: int
    applies: bool
    sessions: tuple[SessionFact, ...]
    marks: tuple[MarkFact, ...]

    @property
    def expected_minutes(self) -> int:
        return self.attended_minutes + self.projected_minutes

    @property
    def below_minimum(self) -> bool:
        return self.applies and self.expected_minutes < self.minimum_minutes


def week_hours(history: CohortHistory, member: MemberFact) -> WeekHours:
    monday, sunday = this_week(history.today)
    attended = projected = 0
    sessions: list[SessionFact] = []
    marks: list[MarkFact] = []
    for session in history.sessions:
        if not monday <= session.local_date <= sunday:
            continue
        if session.status is SessionStatus.CANCELLED:
            continue
        if session.local_date < member.joined or (
            member.left is not None and session.local_date > member.left
        ):
            continue
        sessions.append(session)
        mark = history.marks.get((session.id, member.participant_id))
        if not session.over_by(history.as_of):
            projected += session.planned_minutes
        elif mark is not None:
            attended += mark.minutes
            marks.append(mark)
    part_way = member.joined > monday or (member.left is not None and member.left < sunday)
    return WeekHours(
        monday,
        attended,
        projected,
        history.cohort.weekly_minimum_minutes,
        applies=bool(sessions) and not part_way,
        sessions=tuple(sessions),
        marks=tuple(marks),
    )
