"""A participant's timeline: joining and leaving, sessions, check-ins, goals and report-backs."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.services.ids import attendance_id
from models import EnrollmentStatus

if TYPE_CHECKING:
    from app.services.profile import CheckInEntry, GoalEntry, MarkRow, StayRow

UTC = ZoneInfo("UTC")


class TimelineKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    ATTENDANCE = "attendance"
    CHECK_IN = "check-in"
    GOAL_SET = "goal set"
    GOAL_REVIEWED = "goal reviewed"


@dataclass(frozen=True, slots=True)
class ProfileEvent:
    """One line of the timeline; ``clinician_only`` marks what the group never saw."""

    at: dt.datetime
    kind: TimelineKind
    summary: str
    detail: str
    record_id: uuid.UUID
    clinician_only: bool = False


def build_timeline(
    participant_id: uuid.UUID,
    stays: tuple[StayRow, ...],
    marks: tuple[MarkRow, ...],
    checkins: tuple[CheckInEntry, ...],
    goals: tuple[GoalEntry, ...],
    zones: dict[uuid.UUID, ZoneInfo],
) -> tuple[ProfileEvent, ...]:
    """Joining and leaving, sessions attended or missed, check-ins, goals and report-backs."""
    events: list[ProfileEvent] = []
    for stay in stays:
        zone = zones.get(stay.cohort_id, UTC)
        joined = dt.datetime.combine(stay.start_date, dt.time(), tzinfo=zone)
        verb = "Waitlisted for" if stay.status is EnrollmentStatus.WAITLIST else "Joined"
        events.append(
            ProfileEvent(
                joined, TimelineKind.JOINED, f"{verb} {stay.cohort_name}", "", stay.enrollment_id
            )
        )
        if stay.end_date is not None:
            left = dt.datetime.combine(stay.end_date, dt.time(23, 59), tzinfo=zone)
            summary = f"{stay.status.value.capitalize()} from {stay.cohort_name}"
            events.append(ProfileEvent(left, TimelineKind.LEFT, summary, "", stay.enrollment_id))
    for mark in marks:
        label = mark.status.value.replace("_", " ").capitalize()
        minutes = f"{mark.minutes} of {mark.planned_minutes} min"
        detail = minutes if mark.status.attended else ""
        record = attendance_id(mark.session_id, participant_id)
        events.append(ProfileEvent(mark.at, TimelineKind.ATTENDANCE, label, detail, record))
    for checkin in checkins:
        mood = "no mood given" if checkin.mood is None else f"mood {checkin.mood}/10"
        craving = "" if checkin.craving is None else f", craving {checkin.craving}/10"
        words = f" — {checkin.emotion_words}" if checkin.emotion_words else ""
        detail = " · ".join(
            text
            for text in (
                checkin.accomplishments and f"Went well: {checkin.accomplishments}",
                checkin.challenges and f"Hard: {checkin.challenges}",
            )
            if text
        )
        events.append(
            ProfileEvent(
                checkin.at,
                TimelineKind.CHECK_IN,
                f"Checked in: {mood}{craving}{words}",
                detail,
                checkin.id,
                clinician_only=checkin.clinician_only,
            )
        )
    for goal in goals:
        events.append(
            ProfileEvent(
                goal.set_at,
                TimelineKind.GOAL_SET,
                f"Goal ({goal.value_domain})",
                goal.text,
                goal.id,
            )
        )
        for review in goal.reviews:
            outcome = review.outcome.value.replace("_", " ")
            note = f" · Barrier: {review.barrier_note}" if review.barrier_note else ""
            events.append(
                ProfileEvent(
                    review.at,
                    TimelineKind.GOAL_REVIEWED,
                    f"Reported back: {outcome}",
                    f"{goal.text}{note}",
                    review.id,
                )
            )
    events.sort(key=lambda e: e.at, reverse=True)
    return tuple(events)
