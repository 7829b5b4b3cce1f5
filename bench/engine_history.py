"""Two years of one 12-person rolling cohort, written with bulk inserts, for the engine bench.

Stays of 8 to 14 weeks, three 3-hour sessions a week, ~85 % attendance, a check-in at every
attended session, a weekly goal reviewed at the next session, values, partner pairs every
two weeks with contacts, and a peer leader at every session. Deterministic from ``seed``.
(When ``app.demo.generate_demo`` lands, this can become a call to it.)
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from app.database.engine import Database
from models import (
    AccountabilityPair,
    AgeGroup,
    Attendance,
    AttendanceStatus,
    CheckIn,
    Cohort,
    CohortStatus,
    CohortType,
    ContactMethod,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    LevelOfCare,
    Participant,
    PartnerContact,
    ReviewOutcome,
    SessionStatus,
    ShareScope,
    Track,
    Value,
    ValueSource,
)

ZONE = ZoneInfo("America/Chicago")
FIRST_MONDAY = dt.date(2024, 3, 4)
WEEKS = 104
SLOTS = 12


@dataclass(frozen=True, slots=True)
class BuiltHistory:
    cohort_id: uuid.UUID
    next_session_id: uuid.UUID  # the first session after the two years: the agenda's
    now: dt.datetime  # just before it
    members: tuple[uuid.UUID, ...]  # enrolled at the next session
    rows: int


class _Rows:
    def __init__(self) -> None:
        self.tables: dict[type[Any], list[dict[str, Any]]] = {}
        self.version = 1 << 16

    def add(self, entity: type[Any], **values: Any) -> uuid.UUID:
        self.version += 1
        row_id = values.pop("id", None) or uuid.uuid4()
        self.tables.setdefault(entity, []).append(
            {"id": row_id, "version": self.version, "origin": "bench", "deleted": False, **values}
        )
        return row_id


def build(database: Database, seed: int = 7) -> BuiltHistory:
    rng = random.Random(seed)
    rows = _Rows()
    cohort_id = rows.add(
        Cohort,
        name="Bench Cohort",
        track=Track.DUAL_DIAGNOSIS,
        level_of_care=LevelOfCare.IOP,
        cohort_type=CohortType.ROLLING,
        capacity=12,
        meeting_days="1,3,5",
        start_time=dt.time(18, 0),
        planned_minutes=180,
        timezone=ZONE.key,
        status=CohortStatus.ACTIVE,
        facilitators="Bench Facilitator",
        age_group=AgeGroup.ADULT,
        start_date=FIRST_MONDAY,
        partner_contact_days=7,
        program_weeks=12,
    )
    days = [FIRST_MONDAY + dt.timedelta(days=d) for d in range((WEEKS + 1) * 7)]
    meeting = [d for d in days if d.isoweekday() in (1, 3, 5)]
    history_end = FIRST_MONDAY + dt.timedelta(weeks=WEEKS)
    sessions: list[tuple[uuid.UUID, dt.date, dt.datetime]] = []
    for day in meeting:
        start = dt.datetime.combine(day, dt.time(18, 0), tzinfo=ZONE).astimezone(dt.UTC)
        sessions.append((uuid.uuid4(), day, start))

    # Who is enrolled when: each of 12 slots holds one stay after another.
    stays: list[tuple[uuid.UUID, dt.date, dt.date | None]] = []
    for slot in range(SLOTS):
        begin = FIRST_MONDAY - dt.timedelta(weeks=rng.randint(0, 10))
        while begin < history_end:
            length = dt.timedelta(weeks=rng.randint(8, 14))
            end = begin + length if begin + length < history_end else None
            person = rows.add(
                Participant,
                display_name=f"Member {slot:02d}-{len(stays):03d}",
                pronouns=rng.choice(["she/her", "he/him", "they/them", ""]),
                recovery_start=begin - dt.timedelta(days=rng.randint(1, 400)),
                clinician_notes="",
            )
            rows.add(
                Enrollment,
                participant_id=person,
                cohort_id=cohort_id,
                start_date=max(begin, FIRST_MONDAY),
                end_date=end - dt.timedelta(days=1) if end else None,  # the last day
                status=EnrollmentStatus.GRADUATED if end else EnrollmentStatus.ACTIVE,
                reason="",
                note="",
            )
            for rank, text in enumerate(rng.sample(["honesty", "family", "courage", "health"], 2)):
                rows.add(
                    Value,
                    participant_id=person,
                    text=text,
                    source=ValueSource.LIST,
                    rank=rank + 1,
                    created_at=sessions[0][2],
                )
            stays.append((person, max(begin, FIRST_MONDAY), end))
            begin = end or history_end  # the next person takes the place the same day

    def members_on(day: dt.date) -> list[uuid.UUID]:
        return [p for p, b, e in stays if b <= day and (e is None or day < e)]

    mood: dict[uuid.UUID, float] = {}
    open_goals: dict[uuid.UUID, uuid.UUID] = {}
    goal_rows: dict[uuid.UUID, dict[str, Any]] = {}
    next_session_id = None
    for index, (session_id, day, start) in enumerate(sessions):
        here = members_on(day)
        if day >= history_end:
            rows.add(
                GroupSession,
                id=session_id,
                cohort_id=cohort_id,
                scheduled_start=start,
                planned_minutes=180,
                status=SessionStatus.SCHEDULED,
                topic="",
                facilitator="Bench Facilitator",
                peer_leader_id=None,
            )
            next_session_id = next_session_id or session_id
            continue
        rows.add(
            GroupSession,
            id=session_id,
            cohort_id=cohort_id,
            scheduled_start=start,
            planned_minutes=180,
            status=SessionStatus.HELD,
            topic="",
            facilitator="Bench Facilitator",
            peer_leader_id=here[index % len(here)] if here else None,
        )
        for person in here:
            status = rng.choices(
                [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.UNEXCUSED],
                [80, 5, 15],
            )[0]
            rows.add(
                Attendance,
                session_id=session_id,
                participant_id=person,
                status=status,
                minutes_attended={"present": 180, "late": 165}.get(status.value, 0),
                note="",
            )
            if not status.attended:
                continue
            mood[person] = min(10.0, max(0.0, mood.get(person, 6.0) + rng.gauss(0, 1.5)))
            rows.add(
                CheckIn,
                session_id=session_id,
                participant_id=person,
                recorded_at=start,
                mood=round(mood[person]),
                emotion_words=rng.choice(["tired", "hopeful", "anxious", "calm"]),
                accomplishments="",
                challenges="",
                craving=rng.randint(0, 9),
                share_scope=ShareScope.GROUP if rng.random() < 0.9 else ShareScope.CLINICIAN,
            )
            goal = open_goals.pop(person, None)
            if goal is not None and rng.random() < 0.85:
                outcome = rng.choice(list(ReviewOutcome))
                rows.add(
                    GoalReview,
                    goal_id=goal,
                    session_id=session_id,
                    outcome=outcome,
                    barrier_note="",
                    reviewed_at=start,
                )
                goal_rows[goal]["status"] = GoalStatus(outcome.value)
            elif goal is not None:
                open_goals[person] = goal
            if person not in open_goals and day.isoweekday() == 1:
                open_goals[person] = goal_id = rows.add(
                    Goal,
                    participant_id=person,
                    set_in_session_id=session_id,
                    text=rng.choice(["Call my sponsor", "Walk daily", "Sleep by 11"]),
                    value_domain=rng.choice(["health", "recovery", "family"]),
                    status=GoalStatus.OPEN,
                    created_at=start,
                )
                goal_rows[goal_id] = rows.tables[Goal][-1]
        if day.isoweekday() == 1 and (index // 3) % 2 == 0 and len(here) >= 2:
            shuffled = rng.sample(here, len(here))
            for a, b in zip(shuffled[::2], shuffled[1::2], strict=False):
                pair = rows.add(
                    AccountabilityPair,
                    cohort_id=cohort_id,
                    first_id=a,
                    second_id=b,
                    start_date=day,
                    end_date=day + dt.timedelta(days=13),
                )
                for offset in sorted(rng.sample(range(14), 3)):
                    rows.add(
                        PartnerContact,
                        pair_id=pair,
                        contact_date=day + dt.timedelta(days=offset),
                        initiated_by_id=rng.choice([a, b]),
                        method=rng.choice(list(ContactMethod)),
                        note="",
                        recorded_at=start,
                    )
    assert next_session_id is not None
    order = [
        Cohort,
        Participant,
        Enrollment,
        Value,
        GroupSession,
        Attendance,
        CheckIn,
        Goal,
        GoalReview,
        AccountabilityPair,
        PartnerContact,
    ]
    total = 0
    with database.write() as db:
        for entity in order:
            batch = rows.tables.get(entity, [])
            if batch:
                db.execute(insert(entity), batch)
                total += len(batch)
    next_start = next(s for s_id, _, s in sessions if s_id == next_session_id)
    return BuiltHistory(
        cohort_id,
        next_session_id,
        next_start - dt.timedelta(minutes=30),
        tuple(members_on(history_end)),
        total,
    )
