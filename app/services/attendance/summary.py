"""Attendance at a glance: weekly and daily rates, weekly hours, and this week's projection."""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import uuid
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.services.cohorts import weekly_minimum
from app.services.context import ServiceContext
from app.services.figures.attendance import ATTENDED
from app.services.figures.today import cohort_today, week_monday
from app.services.lookup import live
from models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    GroupSession,
    Participant,
    SessionStatus,
)

HOURS_WEEKS = 6  # weeks in the weekly-hours chart, this one included
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class RateRow:
    """Attendance over one period (a week from its Monday, or a day) of held sessions.

    ``expected`` counts the members enrolled on each session's day, less excused absences;
    ``attended`` those marked present, late or left early.
    """

    start: dt.date
    sessions: int
    expected: int
    attended: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class MemberWeek:
    """A current member's minutes in one week; this week's planned minutes still to come."""

    participant_id: uuid.UUID
    display_name: str
    week_start: dt.date
    minutes: int
    remaining_minutes: int  # scheduled, not yet held (this week only)
    enrolled: bool  # False for weeks before they joined: no bar, not "below the minimum"


class Outlook(enum.StrEnum):
    CANNOT_REACH = "cannot reach"  # even attending every remaining session
    NEEDS_SESSIONS = "needs sessions"  # reachable by attending enough of the remaining ones


@dataclass(frozen=True, slots=True)
class MinimumOutlookRow:
    """A current member below the weekly minimum so far this week, and what could change it."""

    participant_id: uuid.UUID
    display_name: str
    minutes: int
    minimum_minutes: int
    remaining_sessions: int  # this week's scheduled sessions not yet over that they may attend
    remaining_minutes: int  # their planned minutes
    sessions_needed: int  # fewest of them that reach the minimum; 0 when none can
    joined_on: dt.date | None  # their start date when it falls in this week

    @property
    def projected_minutes(self) -> int:
        """Minutes so far plus every remaining session attended in full."""
        return self.minutes + self.remaining_minutes

    @property
    def outlook(self) -> Outlook:
        if self.projected_minutes < self.minimum_minutes:
            return Outlook.CANNOT_REACH
        return Outlook.NEEDS_SESSIONS


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    """Everything the attendance charts draw, for one cohort, as of ``today``."""

    cohort_id: uuid.UUID
    today: dt.date  # in the cohort's time zone
    this_week: dt.date  # its Monday
    minimum_minutes: int
    weekly: list[RateRow]  # every week from the first held session to this one
    daily: list[RateRow]  # days with held sessions
    hours_weeks: list[dt.date]  # the Mondays of the weekly-hours chart, oldest first
    member_weeks: list[MemberWeek]  # current members × hours_weeks, by name then week
    below_minimum: list[MinimumOutlookRow]  # cannot reach first, then the largest gap


@dataclass(frozen=True, slots=True)
class _Tally:
    session_id: uuid.UUID
    start: dt.datetime
    day: dt.date
    planned_minutes: int
    status: SessionStatus
    attended: int
    excused: int


@dataclass(frozen=True, slots=True)
class _Stay:
    participant_id: uuid.UUID
    name: str
    start: dt.date
    end: dt.date | None
    status: EnrollmentStatus


class AttendanceSummaryService:
    """The attendance charts' data in four queries, read-only.

    The per-session tally reads the attendance table through its covering index on
    (session_id, deleted, status, minutes_attended, participant_id), so a five-year cohort's
    figures come from the index alone.
    """

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def summary(
        self,
        cohort_id: uuid.UUID,
        *,
        at: dt.datetime | None = None,
        hours_weeks: int = HOURS_WEEKS,
    ) -> AttendanceSummary:
        """The figures as of ``at`` (default: now).

        The projection counts this week's sessions that are still scheduled and not yet
        over (one in progress still counts) as attended at their planned minutes; a session
        that ended without being marked counts for nothing until someone marks it.
        """
        at = at or self._context.now()
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            today = cohort_today(zone, at)
            this_week = week_monday(today)
            minimum = weekly_minimum(cohort)
            tallies = _tallies(db, cohort_id, zone)
            stays = _stays(db, cohort_id)
            first_hours_week = this_week - WEEK * (max(1, hours_weeks) - 1)
            start = dt.datetime.combine(first_hours_week, dt.time(), tzinfo=zone)
            marks = _marks_since(db, cohort_id, start)
        held = [t for t in tallies if t.status is SessionStatus.HELD and t.day <= today]
        weekly, daily = _rates(held, stays, this_week)
        hours = [first_hours_week + WEEK * n for n in range(max(1, hours_weeks))]
        members = [s for s in stays if s.status is EnrollmentStatus.ACTIVE and s.start <= today]
        scheduled = [
            t
            for t in tallies
            if t.status is SessionStatus.SCHEDULED
            and this_week <= t.day < this_week + WEEK
            and t.start + dt.timedelta(minutes=t.planned_minutes) > at
        ]
        day_of = {t.session_id: t.day for t in tallies}
        member_weeks, below = _member_figures(
            members, marks, day_of, scheduled, hours, this_week, minimum
        )
        return AttendanceSummary(
            cohort_id=cohort_id,
            today=today,
            this_week=this_week,
            minimum_minutes=minimum,
            weekly=weekly,
            daily=daily,
            hours_weeks=hours,
            member_weeks=member_weeks,
            below_minimum=below,
        )


def _tallies(db: Session, cohort_id: uuid.UUID, zone: ZoneInfo) -> list[_Tally]:
    """Every live session of the cohort with its attended and excused counts, in time order."""
    attended = func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0))
    excused = func.sum(case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0))
    query = (
        select(
            GroupSession.id,
            GroupSession.scheduled_start,
            GroupSession.planned_minutes,
            GroupSession.status,
            func.coalesce(attended, 0),
            func.coalesce(excused, 0),
        )
        .select_from(GroupSession)
        .outerjoin(
            Attendance,
            and_(Attendance.session_id == GroupSession.id, Attendance.deleted.is_(False)),
        )
        .where(GroupSession.cohort_id == cohort_id, GroupSession.deleted.is_(False))
        .group_by(GroupSession.id)
        .order_by(GroupSession.scheduled_start)
    )
    return [
        _Tally(sid, start, start.astimezone(zone).date(), planned, status, int(came), int(off))
        for sid, start, planned, status, came, off in db.execute(query)
    ]


def _stays(db: Session, cohort_id: uuid.UUID) -> list[_Stay]:
    """The cohort's enrollments (never the waitlist), by name."""
    query = (
        select(
            Enrollment.participant_id,
            Participant.display_name,
            Enrollment.start_date,
            Enrollment.end_date,
            Enrollment.status,
        )
        .join(Participant, Participant.id == Enrollment.participant_id)
        .where(
            Enrollment.cohort_id == cohort_id,
            Enrollment.deleted.is_(False),
            Enrollment.status != EnrollmentStatus.WAITLIST,
        )
        .order_by(Participant.display_name, Enrollment.start_date)
    )
    return [_Stay(*row) for row in db.execute(query)]


def _marks_since(
    db: Session, cohort_id: uuid.UUID, start: dt.datetime
) -> dict[uuid.UUID, dict[uuid.UUID, tuple[AttendanceStatus, int]]]:
    """{participant: {session: (status, minutes)}} for the cohort's sessions from ``start``."""
    query = (
        select(
            Attendance.participant_id,
            Attendance.session_id,
            Attendance.status,
            Attendance.minutes_attended,
        )
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(
            GroupSession.cohort_id == cohort_id,
            GroupSession.deleted.is_(False),
            GroupSession.scheduled_start >= start.astimezone(dt.UTC),
            Attendance.deleted.is_(False),
        )
    )
    marks: dict[uuid.UUID, dict[uuid.UUID, tuple[AttendanceStatus, int]]] = defaultdict(dict)
    for participant_id, session_id, status, minutes in db.execute(query):
        marks[participant_id][session_id] = (status, minutes)
    return marks


def _rates(
    held: list[_Tally], stays: list[_Stay], this_week: dt.date
) -> tuple[list[RateRow], list[RateRow]]:
    """Weekly and daily rates; members enrolled per session counted with a difference array."""
    days = [t.day for t in held]
    change = [0] * (len(held) + 1)
    for stay in stays:
        first = bisect.bisect_left(days, stay.start)
        after = len(days) if stay.end is None else bisect.bisect_right(days, stay.end)
        if first < after:
            change[first] += 1
            change[after] -= 1
    enrolled = list(accumulate(change))
    by_week: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for tally, members in zip(held, enrolled, strict=False):
        # Someone marked but not (or no longer) enrolled still counts as expected.
        expected = max(members - tally.excused, tally.attended)
        for bucket in (by_week[week_monday(tally.day)], by_day[tally.day]):
            bucket[0] += 1
            bucket[1] += expected
            bucket[2] += tally.attended
    weekly = []
    if by_week:
        monday = min(by_week)
        while monday <= this_week:
            sessions, expected, came = by_week.get(monday, (0, 0, 0))
            weekly.append(RateRow(monday, sessions, expected, came))
            monday += WEEK
    daily = [RateRow(day, *by_day[day]) for day in sorted(by_day)]
    return weekly, daily


def _member_figures(
    members: list[_Stay],
    marks: dict[uuid.UUID, dict[uuid.UUID, tuple[AttendanceStatus, int]]],
    day_of: dict[uuid.UUID, dt.date],
    scheduled: list[_Tally],
    hours: list[dt.date],
    this_week: dt.date,
    minimum: int,
) -> tuple[list[MemberWeek], list[MinimumOutlookRow]]:
    """Each current member's weekly minutes, and this week's outlook for those below."""
    weeks: list[MemberWeek] = []
    below: list[MinimumOutlookRow] = []
    for stay in members:
        theirs = marks.get(stay.participant_id, {})
        minutes: dict[dt.date, int] = defaultdict(int)
        for session_id, (_status, attended) in theirs.items():
            if (day := day_of.get(session_id)) is not None:
                minutes[week_monday(day)] += attended
        open_sessions = [
            t.planned_minutes
            for t in scheduled
            if t.day >= stay.start
            and (stay.end is None or t.day <= stay.end)
            and theirs.get(t.session_id, (AttendanceStatus.NOT_RECORDED, 0))[0]
            is AttendanceStatus.NOT_RECORDED
        ]
        remaining = sum(open_sessions)
        for monday in hours:
            weeks.append(
                MemberWeek(
                    stay.participant_id,
                    stay.name,
                    monday,
                    minutes.get(monday, 0),
                    remaining if monday == this_week else 0,
                    enrolled=week_monday(stay.start) <= monday,
                )
            )
        so_far = minutes.get(this_week, 0)
        if so_far >= minimum:
            continue
        needed, total = 0, so_far
        for planned in sorted(open_sessions, reverse=True):
            if total >= minimum:
                break
            total += planned
            needed += 1
        below.append(
            MinimumOutlookRow(
                participant_id=stay.participant_id,
                display_name=stay.name,
                minutes=so_far,
                minimum_minutes=minimum,
                remaining_sessions=len(open_sessions),
                remaining_minutes=remaining,
                sessions_needed=needed if total >= minimum else 0,
                joined_on=stay.start if stay.start >= this_week else None,
            )
        )
    below.sort(
        key=lambda r: (
            r.outlook is not Outlook.CANNOT_REACH,
            -(r.minimum_minutes - r.projected_minutes),
            -(r.minimum_minutes - r.minutes),
            r.display_name,
        )
    )
    return weeks, below
