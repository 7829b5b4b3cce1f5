"""Flags: who may be slipping, each with a reason in plain words and the records behind it.

Flags are for the facilitator and clinicians only, never for a screen the group sees. The
rules read a history as of one instant (now, on every screen), counting sessions, hours and
goals as ``app.services.figures`` defines them:
- ABSENT_LAST_SESSION: not marked attended at the latest session that counts for them
  (held while enrolled, and over; no mark counts as absent; excused absences count, and the
  reason says so).
- ABSENT_IN_A_ROW: two or more such sessions in a row (replaces ABSENT_LAST_SESSION).
- MOOD_DROP: the latest mood is 3 or more points below the median of the up to 4 moods before
  it (at least 2 are needed for a baseline).
- HIGH_CRAVING: the latest check-in's craving is 7 or more.
- GOAL_NOT_REPORTED: an open goal not reported back at 2 or more held sessions the person
  attended once its week was over (from 6 days after the session that set it: a goal is for
  the coming week, so the sessions inside that week are not missed report-backs).
- HOURS_BELOW_MINIMUM: this ISO week's minutes (attended, plus planned minutes of sessions
  still to come, as if attended) below the cohort's weekly minimum; not in a week someone
  joined or left part-way, nor in a week without sessions (``figures.attendance.week_hours``).
- NO_PARTNER_CONTACT: in a current pair and no contact involving them logged for the cohort's
  ``partner_contact_days`` days or more (counted from the pair's start when none yet).
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics
import uuid
from dataclasses import dataclass

from app.services.accountability.calendar import short_date
from app.services.accountability.facts import CohortHistory, MemberFact, SessionFact
from app.services.accountability.records import RecordRef
from app.services.figures.attendance import counted_sessions, week_hours

MOOD_DROP_POINTS = 3
MOOD_BASELINE_CHECKINS = 4
MOOD_BASELINE_MINIMUM = 2
CRAVING_HIGH = 7
GOAL_UNREPORTED_SESSIONS = 2
GOAL_WEEK = dt.timedelta(days=6)  # a weekly goal is due back from the same weekday next week


class FlagKind(enum.StrEnum):
    ABSENT_LAST_SESSION = "absent last session"
    ABSENT_IN_A_ROW = "absent in a row"
    MOOD_DROP = "mood drop"
    HIGH_CRAVING = "high craving"
    GOAL_NOT_REPORTED = "goal not reported back"
    HOURS_BELOW_MINIMUM = "hours below minimum"
    NO_PARTNER_CONTACT = "no partner contact"


@dataclass(frozen=True, slots=True)
class Flag:
    """A reason to check in with someone. ``evidence`` is never empty. Facilitator-only."""

    participant_id: uuid.UUID
    display_name: str
    kind: FlagKind
    reason: str
    evidence: tuple[RecordRef, ...]


def flags(history: CohortHistory) -> list[Flag]:
    """Every flag of every member, by name then kind order."""
    found: list[Flag] = []
    for member in history.members:
        found.extend(flags_for(history, member))
    return found


def flags_for(history: CohortHistory, member: MemberFact) -> list[Flag]:
    rules = (absences, mood_drop, high_craving, unreported_goals, weekly_hours, partner_contact)
    found: list[Flag] = []
    for rule in rules:
        found.extend(rule(history, member))
    return [f for f in found if f.evidence]


def absent_streak(history: CohortHistory, member: MemberFact) -> list[SessionFact]:
    """The latest held sessions the member missed in a row, newest first."""
    missed = []
    for session in reversed(counted_sessions(history, member)):
        if history.attended(session.id, member.participant_id):
            break
        missed.append(session)
    return missed


def absences(history: CohortHistory, member: MemberFact) -> list[Flag]:
    missed = absent_streak(history, member)
    if not missed:
        return []
    evidence = []
    for session in missed:
        evidence.append(RecordRef("group_session", session.id))
        mark = history.marks.get((session.id, member.participant_id))
        if mark is not None:
            evidence.append(RecordRef("attendance", mark.id))
    if len(missed) == 1:
        mark = history.marks.get((missed[0].id, member.participant_id))
        how = "not marked" if mark is None else mark.status.value.replace("_", " ")
        reason = f"Absent last session ({short_date(missed[0].local_date)}, {how})."
        return [_flag(member, FlagKind.ABSENT_LAST_SESSION, reason, evidence)]
    reason = (
        f"Absent the last {len(missed)} sessions in a row "
        f"(since {short_date(missed[-1].local_date)})."
    )
    return [_flag(member, FlagKind.ABSENT_IN_A_ROW, reason, evidence)]


def mood_drop(history: CohortHistory, member: MemberFact) -> list[Flag]:
    rated = [c for c in history.checkins.get(member.participant_id, ()) if c.mood is not None]
    if len(rated) < MOOD_BASELINE_MINIMUM + 1:
        return []
    latest = rated[-1]
    baseline = rated[-1 - MOOD_BASELINE_CHECKINS : -1]
    median = statistics.median(c.mood for c in baseline if c.mood is not None)
    assert latest.mood is not None
    drop = median - latest.mood
    if drop < MOOD_DROP_POINTS:
        return []
    reason = (
        f"Mood {latest.mood}/10 at the last check-in, {_points(drop)} below their usual "
        f"{_points(median)} (the median of the {len(baseline)} before)."
    )
    evidence = [RecordRef("checkin", c.id) for c in (latest, *baseline)]
    return [_flag(member, FlagKind.MOOD_DROP, reason, evidence)]


def high_craving(history: CohortHistory, member: MemberFact) -> list[Flag]:
    checkins = history.checkins.get(member.participant_id, ())
    if not checkins or checkins[-1].craving is None or checkins[-1].craving < CRAVING_HIGH:
        return []
    latest = checkins[-1]
    reason = f"Craving {latest.craving}/10 at the last check-in."
    return [_flag(member, FlagKind.HIGH_CRAVING, reason, [RecordRef("checkin", latest.id)])]


def unreported_goals(history: CohortHistory, member: MemberFact) -> list[Flag]:
    found = []
    attended = [
        s
        for s in counted_sessions(history, member)
        if history.attended(s.id, member.participant_id)
    ]
    zone = history.cohort.zone
    for goal in history.open_goals.get(member.participant_id, ()):
        due_from = goal.set_start.astimezone(zone).date() + GOAL_WEEK
        since = [s for s in attended if s.start.astimezone(zone).date() >= due_from]
        if len(since) < GOAL_UNREPORTED_SESSIONS:
            continue
        set_on = short_date(goal.set_start.astimezone(zone).date())
        reason = (
            f"Goal “{goal.text}” (set {set_on}) not reported back at the {len(since)} "
            "sessions they attended since its week ended."
        )
        evidence = [RecordRef("goal", goal.id)] + [RecordRef("group_session", s.id) for s in since]
        found.append(_flag(member, FlagKind.GOAL_NOT_REPORTED, reason, evidence))
    return found


def weekly_hours(history: CohortHistory, member: MemberFact) -> list[Flag]:
    hours = week_hours(history, member)
    if not hours.below_minimum:
        return []
    evidence = [RecordRef("attendance", mark.id) for mark in hours.marks]
    evidence += [RecordRef("group_session", session.id) for session in hours.sessions]
    attended, projected = hours.attended_minutes, hours.projected_minutes
    reason = (
        f"Projected {_hours(attended + projected)} this week ({_hours(attended)} attended, "
        f"{_hours(projected)} still scheduled), below the {_hours(hours.minimum_minutes)} minimum."
    )
    return [_flag(member, FlagKind.HOURS_BELOW_MINIMUM, reason, evidence)]


def partner_contact(history: CohortHistory, member: MemberFact) -> list[Flag]:
    found = []
    day = history.today
    limit = history.cohort.partner_contact_days
    names = {m.participant_id: m.display_name for m in history.members}
    for pair in history.pairs:
        if pair.cohort_id != history.cohort.id or not pair.active_on(day):
            continue
        if member.participant_id not in pair.member_ids:
            continue
        theirs = [c for c in history.contacts.get(pair.id, ()) if c.involves(member.participant_id)]
        last = theirs[-1] if theirs else None
        since = last.contact_date if last is not None else pair.start_date
        days = (day - since).days
        if days < limit:
            continue
        others = " & ".join(
            names.get(pid, "their partner")
            for pid in pair.member_ids
            if pid != member.participant_id
        )
        logged = f"last on {short_date(last.contact_date)}" if last else "none logged yet"
        reason = (
            f"No partner contact with {others} in {days} days ({logged}); "
            f"the cohort asks for one every {limit} days."
        )
        evidence = [RecordRef("accountability_pair", pair.id)]
        if last is not None:
            evidence.append(RecordRef("partner_contact", last.id))
        found.append(_flag(member, FlagKind.NO_PARTNER_CONTACT, reason, evidence))
    return found


def _flag(member: MemberFact, kind: FlagKind, reason: str, evidence: list[RecordRef]) -> Flag:
    return Flag(member.participant_id, member.display_name, kind, reason, tuple(evidence))


def _points(value: float) -> str:
    return f"{value:g}"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest} min" if hours else f"{rest} min"
