"""Progress: the roster's figures, weekly hours against the IOP minimum, and timelines."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.cohorts import weekly_minimum
from app.services.context import ServiceContext
from app.services.lookup import live
from models import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    SessionStatus,
    ShareScope,
)

RATE_WINDOW = dt.timedelta(weeks=4)
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


@dataclass(frozen=True, slots=True)
class RosterRow:
    participant_id: uuid.UUID
    enrollment_id: uuid.UUID
    display_name: str
    pronouns: str
    status: EnrollmentStatus
    start_date: dt.date
    end_date: dt.date | None
    # Over held sessions of the last 4 weeks since joining; excused absences are left out.
    attendance_rate: float | None  # None when there was no such session
    # Sessions attended in a row up to the latest held one; an excused absence doesn't break it.
    current_streak: int
    minutes_this_week: int
    weekly_minimum_minutes: int
    last_mood: int | None
    open_goals: int


@dataclass(frozen=True, slots=True)
class WeeklyHoursRow:
    participant_id: uuid.UUID
    display_name: str
    week_start: dt.date  # the Monday of the ISO week, in the cohort's zone
    minutes: int
    minimum_minutes: int

    @property
    def meets_minimum(self) -> bool:
        return self.minutes >= self.minimum_minutes


class TimelineKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    ATTENDANCE = "attendance"
    CHECK_IN = "check-in"
    GOAL_SET = "goal set"
    GOAL_REVIEWED = "goal reviewed"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: dt.datetime
    kind: TimelineKind
    summary: str
    record_id: uuid.UUID
    clinician_only: bool = False


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.isoweekday() - 1)


class ProgressService:
    """Read-only figures computed from attendance, check-ins and goals."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def roster(
        self, cohort_id: uuid.UUID, *, on: dt.date | None = None, include_ended: bool = False
    ) -> list[RosterRow]:
        day = on or self._context.today()
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            query = (
                select(Enrollment, Participant)
                .join(Participant, Participant.id == Enrollment.participant_id)
                .where(Enrollment.cohort_id == cohort_id, Enrollment.deleted.is_(False))
                .order_by(Participant.display_name)
            )
            if not include_ended:
                query = query.where(
                    Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST])
                )
            members = list(db.execute(query))
            if not members:
                return []
            ids = [p.id for _, p in members]
            end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            held = list(
                db.execute(
                    select(GroupSession.id, GroupSession.scheduled_start)
                    .where(
                        GroupSession.cohort_id == cohort_id,
                        GroupSession.status == SessionStatus.HELD,
                        GroupSession.deleted.is_(False),
                        GroupSession.scheduled_start < end_of_day,
                    )
                    .order_by(GroupSession.scheduled_start.desc())
                )
            )
            marks = _marks(db, [sid for sid, _ in held], ids)
            monday = week_start(day)
            week_from = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
            week_to = week_from + dt.timedelta(days=7)
            week_minutes = _minutes_between(db, cohort_id, ids, week_from, week_to)
            moods = _last_moods(db, ids)
            goals = dict(
                db.execute(
                    select(Goal.participant_id, func.count())
                    .where(
                        Goal.participant_id.in_(ids),
                        Goal.status == GoalStatus.OPEN,
                        Goal.deleted.is_(False),
                    )
                    .group_by(Goal.participant_id)
                ).all()
            )
            minimum = weekly_minimum(cohort)
            window_start = end_of_day - RATE_WINDOW
            rows = []
            for enrollment, person in members:
                joined = dt.datetime.combine(enrollment.start_date, dt.time(), tzinfo=zone)
                attended = marks.get(person.id, {})
                theirs = [
                    (sid, start)
                    for sid, start in held
                    if start >= joined and attended.get(sid) is not AttendanceStatus.EXCUSED
                ]
                recent = [sid for sid, start in theirs if start >= window_start]
                rate = (
                    sum(1 for sid in recent if attended.get(sid) in ATTENDED) / len(recent)
                    if recent
                    else None
                )
                streak = 0
                for sid, _ in theirs:
                    if attended.get(sid) not in ATTENDED:
                        break
                    streak += 1
                rows.append(
                    RosterRow(
                        participant_id=person.id,
                        enrollment_id=enrollment.id,
                        display_name=person.display_name,
                        pronouns=person.pronouns,
                        status=enrollment.status,
                        start_date=enrollment.start_date,
                        end_date=enrollment.end_date,
                        attendance_rate=rate,
                        current_streak=streak,
                        minutes_this_week=week_minutes.get(person.id, 0),
                        weekly_minimum_minutes=minimum,
                        last_mood=moods.get(person.id),
                        open_goals=goals.get(person.id, 0),
                    )
                )
            return rows

    def weekly_hours(
        self, cohort_id: uuid.UUID, first_week: dt.date, last_week: dt.date
    ) -> list[WeeklyHoursRow]:
        """Minutes attended per member per ISO week (Mondays ``first_week``..``last_week``).

        Every current or past member appears for every week they were enrolled, with 0 when
        they attended nothing, so that a week below the minimum is never hidden by absence.
        """
        first, last = week_start(first_week), week_start(last_week)
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            minimum = weekly_minimum(cohort)
            start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
            end = dt.datetime.combine(last + dt.timedelta(days=7), dt.time(), tzinfo=zone)
            totals: dict[tuple[uuid.UUID, dt.date], int] = defaultdict(int)
            for participant_id, session_start, minutes in db.execute(
                select(
                    Attendance.participant_id,
                    GroupSession.scheduled_start,
                    Attendance.minutes_attended,
                )
                .join(GroupSession, GroupSession.id == Attendance.session_id)
                .where(
                    GroupSession.cohort_id == cohort_id,
                    GroupSession.deleted.is_(False),
                    Attendance.deleted.is_(False),
                    GroupSession.scheduled_start >= start,
                    GroupSession.scheduled_start < end,
                )
            ):
                totals[participant_id, week_start(session_start.astimezone(zone).date())] += minutes
            enrollments = db.execute(
                select(Enrollment, Participant.display_name)
                .join(Participant, Participant.id == Enrollment.participant_id)
                .where(
                    Enrollment.cohort_id == cohort_id,
                    Enrollment.deleted.is_(False),
                    Enrollment.status != EnrollmentStatus.WAITLIST,
                )
                .order_by(Participant.display_name)
            )
            rows = []
            seen: set[tuple[uuid.UUID, dt.date]] = set()
            for enrollment, name in enrollments:
                monday = max(first, week_start(enrollment.start_date))
                final = min(last, week_start(enrollment.end_date) if enrollment.end_date else last)
                while monday <= final:
                    key = (enrollment.participant_id, monday)
                    if key not in seen:
                        seen.add(key)
                        rows.append(
                            WeeklyHoursRow(
                                enrollment.participant_id, name, monday, totals.get(key, 0), minimum
                            )
                        )
                    monday += dt.timedelta(days=7)
            rows.sort(key=lambda r: (r.week_start, r.display_name))
            return rows

    def timeline(self, participant_id: uuid.UUID, *, limit: int = 500) -> list[TimelineEntry]:
        """Everything that happened to a participant, newest first."""
        with self._context.database.read() as db:
            live(db, Participant, participant_id, "participant")
            entries: list[TimelineEntry] = []
            for enrollment, cohort_name, zone_name in db.execute(
                select(Enrollment, Cohort.name, Cohort.timezone)
                .join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(Enrollment.participant_id == participant_id, Enrollment.deleted.is_(False))
            ):
                zone = ZoneInfo(zone_name)
                joined = dt.datetime.combine(enrollment.start_date, dt.time(), tzinfo=zone)
                entries.append(
                    TimelineEntry(
                        joined, TimelineKind.JOINED, f"Joined {cohort_name}", enrollment.id
                    )
                )
                if enrollment.end_date is not None:
                    left = dt.datetime.combine(enrollment.end_date, dt.time(23, 59), tzinfo=zone)
                    why = f": {enrollment.reason}" if enrollment.reason else ""
                    entries.append(
                        TimelineEntry(
                            left,
                            TimelineKind.LEFT,
                            f"{enrollment.status.value.capitalize()} from {cohort_name}{why}",
                            enrollment.id,
                            clinician_only=bool(enrollment.reason),
                        )
                    )
            for mark, start in db.execute(
                select(Attendance, GroupSession.scheduled_start)
                .join(GroupSession, GroupSession.id == Attendance.session_id)
                .where(Attendance.participant_id == participant_id, Attendance.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc())
                .limit(limit)
            ):
                label = mark.status.value.replace("_", " ")
                entries.append(
                    TimelineEntry(
                        start,
                        TimelineKind.ATTENDANCE,
                        f"{label.capitalize()}, {mark.minutes_attended} min",
                        mark.id,
                    )
                )
            for checkin, start in db.execute(
                select(CheckIn, GroupSession.scheduled_start)
                .join(GroupSession, GroupSession.id == CheckIn.session_id)
                .where(CheckIn.participant_id == participant_id, CheckIn.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc())
                .limit(limit)
            ):
                mood = "no mood given" if checkin.mood is None else f"mood {checkin.mood}/10"
                words = f", {checkin.emotion_words}" if checkin.emotion_words else ""
                entries.append(
                    TimelineEntry(
                        start,
                        TimelineKind.CHECK_IN,
                        f"Checked in: {mood}{words}",
                        checkin.id,
                        clinician_only=checkin.share_scope is ShareScope.CLINICIAN,
                    )
                )
            for goal, start in db.execute(
                select(Goal, GroupSession.scheduled_start)
                .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
                .where(Goal.participant_id == participant_id, Goal.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc())
                .limit(limit)
            ):
                entries.append(
                    TimelineEntry(
                        start,
                        TimelineKind.GOAL_SET,
                        f"Goal ({goal.value_domain}): {goal.text}",
                        goal.id,
                    )
                )
            for review, goal_text, start in db.execute(
                select(GoalReview, Goal.text, GroupSession.scheduled_start)
                .join(Goal, Goal.id == GoalReview.goal_id)
                .join(GroupSession, GroupSession.id == GoalReview.session_id)
                .where(Goal.participant_id == participant_id, GoalReview.deleted.is_(False))
                .order_by(GroupSession.scheduled_start.desc())
                .limit(limit)
            ):
                outcome = review.outcome.value.replace("_", " ")
                entries.append(
                    TimelineEntry(
                        start,
                        TimelineKind.GOAL_REVIEWED,
                        f"Reported {outcome}: {goal_text}",
                        review.id,
                    )
                )
            entries.sort(key=lambda e: e.at, reverse=True)
            return entries[:limit]


def _marks(
    db: Session, session_ids: list[uuid.UUID], participant_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, AttendanceStatus]]:
    result: dict[uuid.UUID, dict[uuid.UUID, AttendanceStatus]] = defaultdict(dict)
    if not session_ids:
        return result
    for participant_id, session_id, status in db.execute(
        select(Attendance.participant_id, Attendance.session_id, Attendance.status).where(
            Attendance.participant_id.in_(participant_ids),
            Attendance.session_id.in_(session_ids),
            Attendance.deleted.is_(False),
        )
    ):
        result[participant_id][session_id] = status
    return result


def _minutes_between(
    db: Session,
    cohort_id: uuid.UUID,
    participant_ids: list[uuid.UUID],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[uuid.UUID, int]:
    return {
        pid: int(total or 0)
        for pid, total in db.execute(
            select(Attendance.participant_id, func.sum(Attendance.minutes_attended))
            .join(GroupSession, GroupSession.id == Attendance.session_id)
            .where(
                GroupSession.cohort_id == cohort_id,
                GroupSession.scheduled_start >= start.astimezone(dt.UTC),
                GroupSession.scheduled_start < end.astimezone(dt.UTC),
                GroupSession.deleted.is_(False),
                Attendance.deleted.is_(False),
                Attendance.participant_id.in_(participant_ids),
            )
            .group_by(Attendance.participant_id)
        )
    }


def _last_moods(db: Session, participant_ids: list[uuid.UUID]) -> dict[uuid.UUID, int | None]:
    latest = (
        select(CheckIn.participant_id, func.max(GroupSession.scheduled_start).label("latest"))
        .join(GroupSession, GroupSession.id == CheckIn.session_id)
        .where(CheckIn.participant_id.in_(participant_ids), CheckIn.deleted.is_(False))
        .group_by(CheckIn.participant_id)
        .subquery()
    )
    return dict(
        db.execute(
            select(CheckIn.participant_id, CheckIn.mood)
            .join(GroupSession, GroupSession.id == CheckIn.session_id)
            .join(
                latest,
                (latest.c.participant_id == CheckIn.participant_id)
                & (latest.c.latest == GroupSession.scheduled_start),
            )
            .where(CheckIn.deleted.is_(False))
        ).all()
    )
