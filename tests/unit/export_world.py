"""A small program for the export tests: a substance-use and a mental-health cohort, three people.

``now`` (conftest) is Monday 2026-03-02 17:00 UTC. Ana is in Evening Recovery (substance
use, Chicago) only; Ben in Daybreak (mental health, New York) only; Cal in both, so his
Daybreak rows are Part 2 records only when an export also includes his Evening Recovery
stay. Daybreak's sessions straddle a year and the US change to summer time (8 March 2026 is
after ``now``, so its last session is 2025-11-03 across the November change instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft, ParticipantRow
from app.services.sessions import SessionRow
from models import AttendanceStatus, ReviewOutcome, ShareScope, Track

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
# Check-in words a spreadsheet would run as formulas, were they not neutralised (a leading
# tab or carriage return cannot be stored: the services strip text; the cell tests cover it).
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "'quoted", "=1+2")
PHQ9 = {"1": 1, "2": 1, "3": 2, "4": 2, "5": 1, "6": 1, "7": 2, "8": 1, "9": 1, "10": 1}  # 12
GAD7 = {"1": 2, "2": 2, "3": 1, "4": 0, "5": 3, "6": 1, "7": 0, "8": 2}  # 9
CSSRS = {"1": 1, "2": 0, "6": 1, "6a": 0}  # moderate (behaviour, not in the past 3 months)


@dataclass(frozen=True)
class ExportWorld:
    services: Services
    recovery: CohortRow  # substance use, Chicago
    daybreak: CohortRow  # mental health, New York
    ana: ParticipantRow
    ben: ParticipantRow
    cal: ParticipantRow
    recovery_sessions: tuple[SessionRow, ...]
    daybreak_sessions: tuple[SessionRow, ...]


def build(services: Services) -> ExportWorld:
    recovery = services.cohorts.create(
        CohortDraft(
            name="Evening Recovery", track=Track.SUBSTANCE_USE, timezone="America/Chicago",
            start_date=dt.date(2026, 1, 5),
        )
    )  # fmt: skip
    daybreak = services.cohorts.create(
        CohortDraft(
            name="Daybreak", track=Track.MENTAL_HEALTH, timezone="America/New_York",
            planned_minutes=120, start_date=dt.date(2025, 1, 6),
        )
    )  # fmt: skip
    ana = services.participants.create(ParticipantDraft(display_name="Ana Ruiz"))
    ben = services.participants.create(ParticipantDraft(display_name="Benoît"))
    cal = services.participants.create(ParticipantDraft(display_name="Cal"))
    services.enrollments.enroll(ana.id, recovery.id, start_date=dt.date(2026, 1, 5))
    services.enrollments.enroll(cal.id, recovery.id, start_date=dt.date(2026, 1, 5))
    services.enrollments.enroll(ben.id, daybreak.id, start_date=dt.date(2025, 1, 6))
    services.enrollments.enroll(cal.id, daybreak.id, start_date=dt.date(2025, 1, 6))

    recovery_sessions = tuple(
        services.sessions.schedule(
            recovery.id, dt.datetime(2026, 2, day, 18, 0, tzinfo=CHICAGO), topic="Triggers"
        )
        for day in (16, 18, 23)
    )
    # A year apart: more than one attendance-grid window (26 weeks) back from the last.
    daybreak_sessions = tuple(
        services.sessions.schedule(daybreak.id, dt.datetime(*day, 9, 30, tzinfo=NEW_YORK))
        for day in ((2025, 1, 6), (2025, 8, 4), (2025, 11, 3))
    )
    mark = services.attendance.mark
    first, second, third = recovery_sessions
    mark(first.id, ana.id, AttendanceStatus.PRESENT)
    mark(first.id, cal.id, AttendanceStatus.LATE, minutes=150)
    mark(second.id, ana.id, AttendanceStatus.UNEXCUSED, note="no call")
    mark(second.id, cal.id, AttendanceStatus.PRESENT)
    mark(third.id, ana.id, AttendanceStatus.LEFT_EARLY, minutes=95)
    mark(third.id, cal.id, AttendanceStatus.EXCUSED, note="=work shift")
    for session in daybreak_sessions:
        mark(session.id, ben.id, AttendanceStatus.PRESENT)
        mark(session.id, cal.id, AttendanceStatus.PRESENT, minutes=100)

    record = services.checkins.record
    record(
        first.id,
        ana.id,
        CheckInDraft(
            mood=6,
            craving=4,
            emotion_words=HOSTILE[0],
            accomplishments=HOSTILE[1],
            challenges=HOSTILE[2],
        ),
    )
    record(
        first.id,
        cal.id,
        CheckInDraft(
            mood=5,
            craving=2,
            emotion_words=HOSTILE[3],
            challenges=HOSTILE[4],
            share_scope=ShareScope.CLINICIAN,
        ),
    )
    record(third.id, ana.id, CheckInDraft(mood=7, craving=1, accomplishments=HOSTILE[5]))
    record(third.id, cal.id, CheckInDraft(emotion_words=HOSTILE[4]))
    for session in daybreak_sessions:
        record(session.id, ben.id, CheckInDraft(mood=8, emotion_words="calm, rested"))
    record(daybreak_sessions[0].id, cal.id, CheckInDraft(mood=4, challenges="sleep"))  # fmt: skip

    goals = services.goals
    walk = goals.set_goal(ana.id, first.id, "Walk 20 minutes daily", "health")
    carried = goals.carry_forward(walk.id, second.id, ReviewOutcome.PARTLY, barrier_note="rain")
    goals.review(carried.id, third.id, ReviewOutcome.DONE)
    goals.set_goal(cal.id, second.id, "Call my sponsor", "recovery")
    goals.set_goal(ben.id, daybreak_sessions[0].id, "Journal", "creativity")

    surveys = services.surveys
    surveys.record(ana.id, recovery.id, "phq-9", PHQ9, answered_on=dt.date(2026, 2, 16))
    surveys.record(ana.id, recovery.id, "c-ssrs-screen", CSSRS, answered_on=dt.date(2026, 2, 16))
    bam = surveys.instrument("bam-iop")
    answers: dict[str, int | None] = dict.fromkeys(bam.item_ids, 1)
    answers.update({"4": 0, "5": None, "6": 0, "10": 5, "14": 1})
    answers.update(dict.fromkeys(["7A", "7B", "7C", "7D", "7E", "7F", "7G"]))
    surveys.record(ana.id, recovery.id, "bam-iop", answers, answered_on=dt.date(2026, 2, 23))
    surveys.record(ben.id, daybreak.id, "gad-7", GAD7, answered_on=dt.date(2025, 8, 4))
    surveys.record(
        cal.id, daybreak.id, "audit-c", {"1": 2, "2": 1, "3": 0}, answered_on=dt.date(2025, 8, 4),
        sex="M",
    )  # fmt: skip
    surveys.record(cal.id, recovery.id, "phq-9", PHQ9, answered_on=dt.date(2026, 2, 18))
    return ExportWorld(
        services, recovery, daybreak, ana, ben, cal, recovery_sessions, daybreak_sessions
    )
