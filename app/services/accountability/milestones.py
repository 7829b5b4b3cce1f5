"""Milestones: days in recovery, attendance streaks, goals completed, program halfway, graduation.

All dates are local calendar dates in the cohort's zone, computed by calendar-day arithmetic
(``date + timedelta(days=n)``), never by dividing elapsed seconds, so they are exact across
DST changes and date-line moves. Conventions:
- Day milestones (1, 7, 14, 30, 60, 90, 180, 270) fall ``n`` days after the recovery start
  date (day 0). Years (1, 2, …; "365 and each year after") fall on the calendar anniversary,
  as recovery fellowships count them; a 29 February start is celebrated on 28 February.
- Streaks (4, 8, 12) are held sessions attended in a row within one enrollment, dated by the
  session that completed them; goals completed (5, 10, 25) count "done" report-backs, dated by
  the session of the report-back.
- Program halfway and graduation: a closed cohort's own start and end dates; otherwise the
  enrollment start plus the cohort's ``program_weeks``; an actual graduation date wins.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from app.services.accountability.calendar import anniversary, when
from app.services.accountability.facts import CohortHistory, MemberFact
from app.services.accountability.records import RecordRef
from models import CohortType, EnrollmentStatus

RECOVERY_DAYS = (1, 7, 14, 30, 60, 90, 180, 270)
STREAKS = (4, 8, 12)
GOALS_COMPLETED = (5, 10, 25)
DAYS_IF_NO_NEXT_SESSION = 7


class MilestoneKind(enum.StrEnum):
    RECOVERY = "recovery"
    ATTENDANCE_STREAK = "attendance streak"
    GOALS_COMPLETED = "goals completed"
    PROGRAM_HALFWAY = "program halfway"
    GRADUATION = "graduation"


@dataclass(frozen=True, slots=True)
class Milestone:
    """One milestone; group-safe (it may be shown on the presenter screen).

    ``count`` is days in recovery, sessions in a row or goals done (0 for halfway and
    graduation); ``date`` is the local date it falls on or was reached.
    """

    participant_id: uuid.UUID
    display_name: str
    kind: MilestoneKind
    count: int
    label: str  # "14 days in recovery", "1 year in recovery", "8 sessions in a row", …
    date: dt.date
    source: RecordRef

    def phrase(self, today: dt.date) -> str:
        """``"14 days in recovery on Thursday"``, ``"Graduation today"``."""
        return f"{self.label} {when(self.date, today)}"


def recovery_dates(
    start: dt.date, first: dt.date, last: dt.date
) -> Iterator[tuple[int, str, dt.date]]:
    """(days, label, date) of every recovery milestone dated within ``[first, last]``."""
    for days in RECOVERY_DAYS:
        day = start + dt.timedelta(days=days)
        if first <= day <= last:
            yield days, f"{days} day{'s' if days > 1 else ''} in recovery", day
    for years in range(max(1, first.year - start.year - 1), last.year - start.year + 2):
        day = anniversary(start, years)
        if first <= day <= last:
            label = f"{years} year{'s' if years > 1 else ''} in recovery"
            yield (day - start).days, label, day


def program_dates(
    history: CohortHistory, member: MemberFact
) -> list[tuple[MilestoneKind, dt.date]]:
    """The member's halfway and graduation dates, when the program's length is known."""
    cohort = history.cohort
    closed = cohort.cohort_type is CohortType.CLOSED
    begin = cohort.start_date if closed else member.joined
    end: dt.date | None = None
    if closed and cohort.end_date is not None:
        end = cohort.end_date
    elif cohort.program_weeks is not None:
        end = begin + dt.timedelta(weeks=cohort.program_weeks)
    if member.status is EnrollmentStatus.GRADUATED and member.left is not None:
        end = member.left
    if end is None or end <= begin:
        return []
    halfway = begin + dt.timedelta(days=(end - begin).days // 2)
    return [(MilestoneKind.PROGRAM_HALFWAY, halfway), (MilestoneKind.GRADUATION, end)]


def dated_milestones(
    history: CohortHistory, member: MemberFact, first: dt.date, last: dt.date
) -> list[Milestone]:
    """Recovery and program milestones of ``member`` dated within ``[first, last]``."""
    found = []
    if member.recovery_start is not None:
        for days, label, day in recovery_dates(member.recovery_start, first, last):
            ref = RecordRef("participant", member.participant_id)
            found.append(_milestone(member, MilestoneKind.RECOVERY, days, label, day, ref))
    for kind, day in program_dates(history, member):
        if first <= day <= last:
            label = (
                "Halfway through the program"
                if kind is MilestoneKind.PROGRAM_HALFWAY
                else ("Graduation")
            )
            ref = RecordRef("enrollment", member.enrollment_id)
            found.append(_milestone(member, kind, 0, label, day, ref))
    return found


def event_milestones(
    history: CohortHistory, member: MemberFact, since: dt.datetime | None
) -> list[Milestone]:
    """Streaks and goal counts ``member`` reached at sessions from ``since`` up to ``as_of``."""
    found = []
    streak = 0
    for session in history.held_sessions_of(member):
        streak = streak + 1 if history.attended(session.id, member.participant_id) else 0
        if streak in STREAKS and (since is None or session.start >= since):
            ref = RecordRef("group_session", session.id)
            label = f"{streak} sessions in a row"
            found.append(
                _milestone(
                    member, MilestoneKind.ATTENDANCE_STREAK, streak, label, session.local_date, ref
                )
            )
    zone = history.cohort.zone
    for number, review in enumerate(history.done_reviews.get(member.participant_id, ()), 1):
        if number in GOALS_COMPLETED and (since is None or review.session_start >= since):
            ref = RecordRef("goal_review", review.id)
            day = review.session_start.astimezone(zone).date()
            label = f"{number} goals completed"
            found.append(_milestone(member, MilestoneKind.GOALS_COMPLETED, number, label, day, ref))
    return found


def celebration_window(history: CohortHistory) -> tuple[dt.date, dt.date]:
    """The dates whose milestones the session at ``as_of`` celebrates: from its own date up
    to the day before the next session (a week when none is scheduled)."""
    first = history.as_of_date
    following = history.next_session()
    if following is None or following.local_date <= first:
        return first, first + dt.timedelta(days=DAYS_IF_NO_NEXT_SESSION - 1)
    return first, following.local_date - dt.timedelta(days=1)


def celebrations(history: CohortHistory) -> list[Milestone]:
    """Milestones to celebrate at the session (or on the date) the history was taken for.

    Dated milestones within ``celebration_window``, and streaks and goal counts reached at
    the previous session (so each is celebrated once, at the next session).
    """
    first, last = celebration_window(history)
    previous = history.previous_session()
    found = []
    for member in history.members:
        found.extend(dated_milestones(history, member, first, last))
        if previous is not None:
            found.extend(event_milestones(history, member, previous.start))
    return sorted(found, key=_order)


def milestones_between(history: CohortHistory, first: dt.date, last: dt.date) -> list[Milestone]:
    """Every milestone of the members dated within ``[first, last]`` (events before ``as_of``)."""
    found = []
    for member in history.members:
        found.extend(dated_milestones(history, member, first, last))
        found.extend(m for m in event_milestones(history, member, None) if first <= m.date <= last)
    return sorted(found, key=_order)


def _order(milestone: Milestone) -> tuple[dt.date, str, str, int]:
    return milestone.date, milestone.display_name, milestone.kind.value, milestone.count


def _milestone(
    member: MemberFact,
    kind: MilestoneKind,
    count: int,
    label: str,
    day: dt.date,
    source: RecordRef,
) -> Milestone:
    return Milestone(member.participant_id, member.display_name, kind, count, label, day, source)
