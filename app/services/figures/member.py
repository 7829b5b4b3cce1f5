"""``MemberFigures``: one member's figures, read from one ``CohortHistory``.

The roster's row, the agenda's entry and the live card each carry one, built here from a
history read as of now, so the three agree by construction: attendance rate, streak, this
week's hours against the minimum, goals due at the cohort's session in progress or next,
who is flagged and why, and the latest mood.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.services.accountability.facts import CohortHistory, MemberFact
from app.services.accountability.flags import Flag, flags_for
from app.services.figures.attendance import WeekHours, attendance_rate, streak, week_hours
from app.services.figures.goals import GoalDue, goals_due


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """Figures as of the history's ``as_of`` (see ``app.services.figures``). ``flags`` are
    facilitator-only. For someone not in the group (waiting for a seat, or gone) there is
    nothing to count about now: no rate, no streak, no hours, no flags."""

    participant_id: uuid.UUID
    attendance_rate: float | None
    streak: int
    hours: WeekHours
    goals_due: tuple[GoalDue, ...]
    flags: tuple[Flag, ...]
    last_mood: int | None

    @property
    def minutes_this_week(self) -> int:
        return self.hours.attended_minutes

    @property
    def weekly_minimum_minutes(self) -> int:
        return self.hours.minimum_minutes


def member_figures(
    history: CohortHistory, member: MemberFact, *, in_group: bool = True
) -> MemberFigures:
    """``member``'s figures; ``in_group=False`` for someone out of the group that day."""
    checkins = history.checkins.get(member.participant_id, ())
    hours = week_hours(history, member)
    if not in_group:
        hours = replace(hours, attended_minutes=0, projected_minutes=0, applies=False, marks=())
    return MemberFigures(
        participant_id=member.participant_id,
        attendance_rate=attendance_rate(history, member) if in_group else None,
        streak=streak(history, member) if in_group else 0,
        hours=hours,
        goals_due=goals_due(history, member),
        flags=tuple(flags_for(history, member)) if in_group else (),
        last_mood=checkins[-1].mood if checkins else None,
    )
