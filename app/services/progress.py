"""Progress: the roster, each member with their figures and flags, read as one snapshot."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from app.services.accountability.facts import CohortHistory, MemberFact
from app.services.accountability.flags import Flag
from app.services.accountability.history import load_history, stays_in
from app.services.cohorts import CohortRow, to_row
from app.services.context import ServiceContext
from app.services.enrollments import active_count
from app.services.figures.member import member_figures
from app.services.lookup import live
from models import Cohort, EnrollmentStatus


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One stay in the cohort with the member's figures (``app.services.figures``).

    The figures are as of now; they mean something for an active member only (the roster
    shows them for no one else). ``flags`` are facilitator-only, and only for someone in
    the group today.
    """

    participant_id: uuid.UUID
    enrollment_id: uuid.UUID
    display_name: str
    pronouns: str
    status: EnrollmentStatus
    start_date: dt.date
    end_date: dt.date | None
    attendance_rate: float | None  # the last 4 weeks; None when no session counted
    current_streak: int
    minutes_this_week: int
    weekly_minimum_minutes: int
    last_mood: int | None
    goals_due: int  # for report-back at the session in progress or next
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class Roster:
    """What the roster page shows, read in one transaction: the cohort (its seat count
    included) and its members, by name, as of ``as_of`` (now), whose local date is ``today``."""

    cohort: CohortRow
    today: dt.date
    as_of: dt.datetime
    rows: tuple[RosterRow, ...]
    include_ended: bool


class ProgressService:
    """Read-only: the roster's snapshot."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def roster(self, cohort_id: uuid.UUID, *, include_ended: bool = False) -> Roster:
        """The cohort's current members (active and waitlist; with ``include_ended`` also
        those who left), each with their figures and flags, in one read."""
        with self._context.database.read() as db:
            cohort = to_row(live(db, Cohort, cohort_id, "cohort"), active_count(db, cohort_id))
            stays = stays_in(db, cohort_id, include_ended=include_ended)
            history = load_history(db, cohort_id, now=self._context.now(), people=stays)
        return Roster(
            cohort,
            history.today,
            history.as_of,
            tuple(roster_row(history, stay) for stay in stays),
            include_ended,
        )


def roster_row(history: CohortHistory, stay: MemberFact) -> RosterRow:
    """``stay``'s row; figures about now only for a member in the group today."""
    current = any(m.enrollment_id == stay.enrollment_id for m in history.members)
    figures = member_figures(history, stay, in_group=current)
    return RosterRow(
        participant_id=stay.participant_id,
        enrollment_id=stay.enrollment_id,
        display_name=stay.display_name,
        pronouns=stay.pronouns,
        status=stay.status,
        start_date=stay.joined,
        end_date=stay.left,
        attendance_rate=figures.attendance_rate,
        current_streak=figures.streak,
        minutes_this_week=figures.minutes_this_week,
        weekly_minimum_minutes=figures.weekly_minimum_minutes,
        last_mood=figures.last_mood,
        goals_due=len(figures.goals_due),
        flags=figures.flags,
    )
