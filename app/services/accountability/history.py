"""A cohort's history up to one moment, loaded in a few queries, for the engine's pure rules.

``load_history(db, cohort_id, session_id=None, on=None)`` reads what the rules need as plain
frozen facts. It never reads clinician notes or enrollment reasons (discharge reasons), and it
blanks the words of clinician-only check-ins (their mood and craving stay, for flags), so no
rule built on a ``CohortHistory`` can carry clinician-only text anywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.services.accountability.calendar import local_day_start
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
from app.services.cohorts import parse_days, weekly_minimum
from app.services.errors import InvalidInput
from app.services.lookup import live
from app.services.program_settings import partner_contact_days
from app.services.values import ValueRow
from models import (
    AccountabilityPair,
    Attendance,
    CheckIn,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    GroupSession,
    Participant,
    PartnerContact,
    ReviewOutcome,
    ShareScope,
    Value,
)


def cohort_today(db: Session, cohort_id: uuid.UUID, now: dt.datetime) -> dt.date:
    """Today's date in the cohort's own time zone."""
    return now.astimezone(ZoneInfo(live(db, Cohort, cohort_id, "cohort").timezone)).date()


def resolve_moment(
    db: Session, cohort: Cohort, session_id: uuid.UUID | None, on: dt.date | None
) -> tuple[GroupSession | None, dt.datetime, dt.date]:
    """The session (if any), the instant and the local date the history is taken at."""
    zone = ZoneInfo(cohort.timezone)
    if session_id is not None:
        session = live(db, GroupSession, session_id, "session")
        if session.cohort_id != cohort.id:
            raise InvalidInput("session", "That session belongs to another cohort.")
        return session, session.scheduled_start, session.scheduled_start.astimezone(zone).date()
    if on is None:
        raise InvalidInput("on", "Give a session or a date.")
    return None, local_day_start(on, zone), on


def load_history(
    db: Session,
    cohort_id: uuid.UUID,
    *,
    session_id: uuid.UUID | None = None,
    on: dt.date | None = None,
) -> CohortHistory:
    cohort = live(db, Cohort, cohort_id, "cohort")
    zone = ZoneInfo(cohort.timezone)
    session, as_of, day = resolve_moment(db, cohort, session_id, on)
    facts = CohortFacts(
        cohort.id,
        cohort.name,
        cohort.track,
        zone,
        cohort.cohort_type,
        parse_days(cohort.meeting_days),
        weekly_minimum(cohort),
        partner_contact_days(cohort),
        cohort.program_weeks,
        cohort.start_date,
        cohort.end_date,
    )
    sessions = tuple(
        SessionFact(sid, start, start.astimezone(zone).date(), planned, status, leader, topic)
        for sid, start, planned, status, leader, topic in db.execute(
            select(
                GroupSession.id,
                GroupSession.scheduled_start,
                GroupSession.planned_minutes,
                GroupSession.status,
                GroupSession.peer_leader_id,
                GroupSession.topic,
            )
            .where(GroupSession.cohort_id == cohort_id, GroupSession.deleted.is_(False))
            .order_by(GroupSession.scheduled_start, GroupSession.id)
        )
    )
    members = members_on(db, cohort_id, day)
    ids = [m.participant_id for m in members]
    cohort_sessions = select(GroupSession.id).where(GroupSession.cohort_id == cohort_id)
    marks = {
        (sid, pid): MarkFact(mid, status, minutes)
        for mid, sid, pid, status, minutes in db.execute(
            select(
                Attendance.id,
                Attendance.session_id,
                Attendance.participant_id,
                Attendance.status,
                Attendance.minutes_attended,
            ).where(
                Attendance.participant_id.in_(ids),
                Attendance.session_id.in_(cohort_sessions),
                Attendance.deleted.is_(False),
            )
        )
    }
    pairs = _pairs(db, ids)
    current = [p.id for p in pairs if p.cohort_id == cohort_id and p.active_on(day)]
    return CohortHistory(
        cohort=facts,
        as_of=as_of,
        as_of_date=day,
        session=next((s for s in sessions if session and s.id == session.id), None),
        sessions=sessions,
        members=members,
        marks=marks,
        checkins=_checkins(db, ids, as_of),
        open_goals=_open_goals(db, ids, as_of),
        done_reviews=_done_reviews(db, ids, as_of),
        values=_values(db, ids),
        pairs=pairs,
        contacts=_contacts(db, current, day),
    )


def members_on(db: Session, cohort_id: uuid.UUID, day: dt.date) -> tuple[MemberFact, ...]:
    """Who is in the cohort on the local date ``day`` (the waitlist is not), by name."""
    # Only these columns: never Participant.clinician_notes, never Enrollment.reason.
    rows = db.execute(
        select(
            Participant.id,
            Participant.display_name,
            Participant.pronouns,
            Participant.recovery_start,
            Enrollment.id,
            Enrollment.start_date,
            Enrollment.end_date,
            Enrollment.status,
        )
        .join(Participant, Participant.id == Enrollment.participant_id)
        .where(
            Enrollment.cohort_id == cohort_id,
            Enrollment.deleted.is_(False),
            Participant.deleted.is_(False),
            Enrollment.status != EnrollmentStatus.WAITLIST,
            Enrollment.start_date <= day,
            # Gone on the day they were discharged or left; still here on graduation day.
            or_(
                Enrollment.end_date.is_(None),
                Enrollment.end_date > day,
                and_(Enrollment.end_date == day, Enrollment.status == EnrollmentStatus.GRADUATED),
            ),
        )
        .order_by(Participant.display_name, Participant.id)
    )
    return tuple(MemberFact(*row) for row in rows)


def _checkins(
    db: Session, ids: list[uuid.UUID], as_of: dt.datetime
) -> dict[uuid.UUID, tuple[CheckInFact, ...]]:
    found: dict[uuid.UUID, list[CheckInFact]] = defaultdict(list)
    for cid, pid, sid, start, mood, craving, words, scope in db.execute(
        select(
            CheckIn.id,
            CheckIn.participant_id,
            CheckIn.session_id,
            GroupSession.scheduled_start,
            CheckIn.mood,
            CheckIn.craving,
            CheckIn.emotion_words,
            CheckIn.share_scope,
        )
        .join(GroupSession, GroupSession.id == CheckIn.session_id)
        .where(
            CheckIn.participant_id.in_(ids),
            CheckIn.deleted.is_(False),
            GroupSession.scheduled_start < as_of,
        )
        .order_by(GroupSession.scheduled_start, CheckIn.id)
    ):
        shared = scope == ShareScope.GROUP
        found[pid].append(
            CheckInFact(cid, sid, start, mood, craving, words if shared else "", shared)
        )
    return {pid: tuple(rows) for pid, rows in found.items()}


def _open_goals(
    db: Session, ids: list[uuid.UUID], as_of: dt.datetime
) -> dict[uuid.UUID, tuple[GoalFact, ...]]:
    """Goals set before ``as_of`` and not reported on before it: open *as of* that moment,
    so that an agenda for a past date reads as it would have then (dropped goals excluded)."""
    review_session = aliased(GroupSession)
    reviewed_before = (
        select(GoalReview.id)
        .join(review_session, review_session.id == GoalReview.session_id)
        .where(
            GoalReview.goal_id == Goal.id,
            GoalReview.deleted.is_(False),
            review_session.scheduled_start < as_of,
        )
        .exists()
    )
    found: dict[uuid.UUID, list[GoalFact]] = defaultdict(list)
    for gid, pid, text, domain, sid, start in db.execute(
        select(
            Goal.id,
            Goal.participant_id,
            Goal.text,
            Goal.value_domain,
            Goal.set_in_session_id,
            GroupSession.scheduled_start,
        )
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .where(
            Goal.participant_id.in_(ids),
            Goal.deleted.is_(False),
            Goal.status != GoalStatus.DROPPED,
            GroupSession.scheduled_start < as_of,
            ~reviewed_before,
        )
        .order_by(GroupSession.scheduled_start, Goal.created_at, Goal.id)
    ):
        found[pid].append(GoalFact(gid, text, domain, GoalStatus.OPEN, sid, start))
    return {pid: tuple(rows) for pid, rows in found.items()}


def _done_reviews(
    db: Session, ids: list[uuid.UUID], as_of: dt.datetime
) -> dict[uuid.UUID, tuple[DoneReviewFact, ...]]:
    found: dict[uuid.UUID, list[DoneReviewFact]] = defaultdict(list)
    for rid, gid, pid, start in db.execute(
        select(GoalReview.id, GoalReview.goal_id, Goal.participant_id, GroupSession.scheduled_start)
        .join(Goal, Goal.id == GoalReview.goal_id)
        .join(GroupSession, GroupSession.id == GoalReview.session_id)
        .where(
            Goal.participant_id.in_(ids),
            GoalReview.deleted.is_(False),
            Goal.deleted.is_(False),
            GoalReview.outcome == ReviewOutcome.DONE,
            GroupSession.scheduled_start < as_of,
        )
        .order_by(GroupSession.scheduled_start, GoalReview.reviewed_at, GoalReview.id)
    ):
        found[pid].append(DoneReviewFact(rid, gid, start))
    return {pid: tuple(rows) for pid, rows in found.items()}


def _values(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[ValueRow, ...]]:
    found: dict[uuid.UUID, list[ValueRow]] = defaultdict(list)
    for value in db.scalars(
        select(Value)
        .where(Value.participant_id.in_(ids), Value.deleted.is_(False))
        .order_by(Value.participant_id, Value.rank, Value.created_at)
    ):
        found[value.participant_id].append(
            ValueRow(
                value.id,
                value.participant_id,
                value.text,
                value.source,
                value.rank,
                value.created_at,
            )
        )
    return {pid: tuple(rows) for pid, rows in found.items()}


def _pairs(db: Session, ids: list[uuid.UUID]) -> tuple[PairFact, ...]:
    """Every pair any of ``ids`` was ever in, in any cohort (for "no repeats")."""
    pair = AccountabilityPair
    rows = db.execute(
        select(
            pair.id,
            pair.cohort_id,
            pair.first_id,
            pair.second_id,
            pair.third_id,
            pair.start_date,
            pair.end_date,
        )
        .where(
            pair.deleted.is_(False),
            or_(pair.first_id.in_(ids), pair.second_id.in_(ids), pair.third_id.in_(ids)),
        )
        .order_by(pair.start_date, pair.id)
    )
    return tuple(
        PairFact(pid, cid, (a, b) if c is None else (a, b, c), start, end)
        for pid, cid, a, b, c, start, end in rows
    )


def _contacts(
    db: Session, pair_ids: list[uuid.UUID], day: dt.date
) -> dict[uuid.UUID, tuple[ContactFact, ...]]:
    found: dict[uuid.UUID, list[ContactFact]] = defaultdict(list)
    for cid, pid, on, by, reached in db.execute(
        select(
            PartnerContact.id,
            PartnerContact.pair_id,
            PartnerContact.contact_date,
            PartnerContact.initiated_by_id,
            PartnerContact.reached_id,
        )
        .where(
            PartnerContact.pair_id.in_(pair_ids),
            PartnerContact.deleted.is_(False),
            PartnerContact.contact_date <= day,
        )
        .order_by(PartnerContact.contact_date, PartnerContact.id)
    ):
        found[pid].append(ContactFact(cid, on, by, reached))
    return {pid: tuple(rows) for pid, rows in found.items()}
