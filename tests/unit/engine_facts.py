"""Hypothesis strategies for whole ``CohortHistory`` snapshots, built without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from app.services.accountability.facts import (
    CheckInFact,
    CohortFacts,
    CohortHistory,
    ContactFact,
    DoneReviewFact,
    GoalFact,
    MarkFact,
    MemberFact,
    PairFact,
    SessionFact,
)
from app.services.figures.today import local_day_start
from app.services.values import ValueRow
from models import (
    AttendanceStatus,
    CohortType,
    EnrollmentStatus,
    GoalStatus,
    SessionStatus,
    Track,
    ValueSource,
)

ZONES = (
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "Pacific/Chatham",
    "America/St_Johns",
    "Asia/Kolkata",
    "Europe/London",
    "America/Santiago",
)
BASE = dt.date(2026, 1, 5)


def ids(prefix: int) -> st.SearchStrategy[uuid.UUID]:
    return st.integers(0, 2**32).map(lambda n: uuid.UUID(int=(prefix << 64) | n))


def moment(history: CohortHistory, index: int) -> CohortHistory:
    """The same history as of its ``index``-th session (records after it dropped)."""
    session = history.sessions[index]
    as_of = session.start
    return dataclasses.replace(
        history,
        as_of=as_of,
        as_of_date=session.local_date,
        session=session,
        checkins={
            p: tuple(c for c in cs if c.session_start < as_of) for p, cs in history.checkins.items()
        },
        open_goals={
            p: tuple(g for g in gs if g.set_start < as_of) for p, gs in history.open_goals.items()
        },
        done_reviews={
            p: tuple(r for r in rs if r.session_start < as_of)
            for p, rs in history.done_reviews.items()
        },
    )


@st.composite
def histories(draw: st.DrawFn, *, max_members: int = 5, max_sessions: int = 12) -> CohortHistory:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    cohort_type = draw(st.sampled_from(CohortType))
    cohort = CohortFacts(
        id=uuid.UUID(int=1),
        name="Hypothesis",
        track=Track.DUAL_DIAGNOSIS,
        zone=zone,
        cohort_type=cohort_type,
        meeting_days=(1, 3, 5),
        weekly_minimum_minutes=draw(st.sampled_from([360, 540])),
        partner_contact_days=draw(st.integers(1, 10)),
        program_weeks=draw(st.none() | st.integers(1, 14)),
        start_date=BASE,
        end_date=draw(st.none() | st.dates(BASE, BASE + dt.timedelta(days=120))),
    )
    offsets = sorted(draw(st.sets(st.integers(0, 70), max_size=max_sessions)))
    hour = draw(st.integers(0, 23))
    sessions = tuple(
        SessionFact(
            id=uuid.UUID(int=(2 << 64) | i),
            start=local_day_start(BASE + dt.timedelta(days=o), zone) + dt.timedelta(hours=hour),
            local_date=(
                local_day_start(BASE + dt.timedelta(days=o), zone) + dt.timedelta(hours=hour)
            )
            .astimezone(zone)
            .date(),
            planned_minutes=draw(st.sampled_from([90, 180])),
            status=draw(st.sampled_from(SessionStatus)),
            peer_leader_id=None,
        )
        for i, o in enumerate(offsets)
    )
    count = draw(st.integers(1, max_members))
    members = tuple(
        MemberFact(
            participant_id=uuid.UUID(int=(3 << 64) | i),
            display_name=f"Member {i}",
            pronouns="",
            recovery_start=draw(st.none() | st.dates(BASE - dt.timedelta(days=800), BASE)),
            enrollment_id=uuid.UUID(int=(4 << 64) | i),
            joined=BASE + dt.timedelta(days=draw(st.integers(0, 30))),
            left=None,
            status=EnrollmentStatus.ACTIVE,
        )
        for i in range(count)
    )
    marks = {}
    checkins: dict[uuid.UUID, list[CheckInFact]] = {m.participant_id: [] for m in members}
    goals: dict[uuid.UUID, list[GoalFact]] = {m.participant_id: [] for m in members}
    reviews: dict[uuid.UUID, list[DoneReviewFact]] = {m.participant_id: [] for m in members}
    serial = 0
    for s in sessions:
        for m in members:
            serial += 1
            status = draw(st.none() | st.sampled_from(AttendanceStatus))
            if status is not None:
                minutes = s.planned_minutes if status.attended else 0
                marks[(s.id, m.participant_id)] = MarkFact(
                    uuid.UUID(int=(5 << 64) | serial), status, minutes
                )
            if draw(st.booleans()):
                checkins[m.participant_id].append(
                    CheckInFact(
                        uuid.UUID(int=(6 << 64) | serial),
                        s.id,
                        s.start,
                        draw(st.none() | st.integers(0, 10)),
                        draw(st.none() | st.integers(0, 10)),
                        "words",
                        draw(st.booleans()),
                    )
                )
            if draw(st.integers(0, 3)) == 0:
                goals[m.participant_id].append(
                    GoalFact(
                        uuid.UUID(int=(7 << 64) | serial),
                        "Call my sponsor",
                        "recovery",
                        GoalStatus.OPEN,
                        s.id,
                        s.start,
                    )
                )
            if draw(st.integers(0, 2)) == 0:
                reviews[m.participant_id].append(
                    DoneReviewFact(uuid.UUID(int=(8 << 64) | serial), uuid.uuid4(), s.start)
                )
    values = {
        m.participant_id: tuple(
            ValueRow(
                uuid.UUID(int=(9 << 64) | (i * 16 + k)),
                m.participant_id,
                text,
                ValueSource.LIST,
                k + 1,
                dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
            for k, text in enumerate(
                draw(st.lists(st.sampled_from(["honesty", "family"]), max_size=2, unique=True))
            )
        )
        for i, m in enumerate(members)
    }
    pairs = []
    contacts: dict[uuid.UUID, tuple[ContactFact, ...]] = {}
    if count >= 2 and draw(st.booleans()):
        pair = PairFact(
            uuid.UUID(int=(10 << 64)),
            cohort.id,
            (members[0].participant_id, members[1].participant_id),
            BASE + dt.timedelta(days=draw(st.integers(0, 20))),
            draw(st.none() | st.dates(BASE + dt.timedelta(days=20), BASE + dt.timedelta(days=80))),
        )
        pairs.append(pair)
        days = sorted(draw(st.lists(st.integers(0, 60), max_size=4)))
        contacts[pair.id] = tuple(
            ContactFact(
                uuid.UUID(int=(11 << 64) | k),
                pair.start_date + dt.timedelta(days=d),
                pair.member_ids[k % 2],
                None,
            )
            for k, d in enumerate(days)
        )
    end = local_day_start(BASE + dt.timedelta(days=90), zone)
    return CohortHistory(
        cohort=cohort,
        as_of=end,
        as_of_date=BASE + dt.timedelta(days=90),
        session=None,
        sessions=sessions,
        members=members,
        marks=marks,
        checkins={p: tuple(c) for p, c in checkins.items()},
        open_goals={p: tuple(g) for p, g in goals.items()},
        done_reviews={p: tuple(r) for p, r in reviews.items()},
        values=values,
        pairs=tuple(pairs),
        contacts=contacts,
    )


def known_records(history: CohortHistory) -> set[tuple[str, uuid.UUID]]:
    """Every (entity, id) a flag, milestone or prompt may point at in ``history``."""
    known: set[tuple[str, uuid.UUID]] = {("group_session", s.id) for s in history.sessions}
    known |= {("attendance", m.id) for m in history.marks.values()}
    known |= {("participant", m.participant_id) for m in history.members}
    known |= {("enrollment", m.enrollment_id) for m in history.members}
    known |= {("checkin", c.id) for cs in history.checkins.values() for c in cs}
    known |= {("goal", g.id) for gs in history.open_goals.values() for g in gs}
    known |= {("goal_review", r.id) for rs in history.done_reviews.values() for r in rs}
    known |= {("value", v.id) for vs in history.values.values() for v in vs}
    known |= {("accountability_pair", p.id) for p in history.pairs}
    known |= {("partner_contact", c.id) for cs in history.contacts.values() for c in cs}
    return known
