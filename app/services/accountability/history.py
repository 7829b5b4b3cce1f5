"""A cohort's history up to one moment, loaded in a few queries, for the engine's pure rules.

``load_history(db, cohort_id, now=..., session_id=None, on=None)`` reads what the rules and
``app.services.figures`` need as plain frozen facts, as of now (``resolve_moment``). It
never reads clinician notes or enrollment reasons (discharge reasons), and it blanks the
words of clinician-only check-ins (their mood and craving stay, for flags), so no rule built
on a ``CohortHistory`` can carry clinician-only text anywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

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
from app.services.accountability.moment import focus_session, resolve_moment
from app.services.cohorts import parse_days, weekly_minimum
from app.services.figures.goals import due_at, reported_before
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
    GroupSession,
    Participant,
    PartnerContact,
    ReviewOutcome,
    ShareScope,
    Value,
)


def load_history(
    db: Session,
    cohort_id: uuid.UUID,
    *,
    now: dt.datetime,
    session_id: uuid.UUID | None = None,
    on: dt.date | None = None,
    people: Sequence[MemberFact] = (),
) -> CohortHistory:
    """The cohort's history at the moment ``resolve_moment`` gives (default: now, today).

    ``people`` are others (on the waitlist, or gone) whose records are loaded too, so that
    ``app.services.figures`` can work out their figures from the same read: their goals and
    their latest check-in. Nothing about now is counted for someone out of the group, so
    their attendance, earlier check-ins, values, pairs and milestones are not read.
    """
    cohort = live(db, Cohort, cohort_id, "cohort")
    zone = ZoneInfo(cohort.timezone)
    moment = resolve_moment(db, cohort, now, session_id, on)
    as_of, day = moment.as_of, moment.day
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
    session = next((s for s in sessions if moment.session and s.id == moment.session.id), None)
    focus = session or focus_session(sessions, as_of)
    members = members_on(db, cohort_id, day)
    member_ids = [m.participant_id for m in members]
    others = list({p.participant_id for p in people} - set(member_ids))
    ids = member_ids + others
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
                # Only members' marks: nothing about now is counted for anyone else.
                Attendance.participant_id.in_(member_ids),
                Attendance.session_id.in_(cohort_sessions),
                Attendance.deleted.is_(False),
            )
        )
    }
    pairs = _pairs(db, member_ids)
    current = [
        p.id
        for p in pairs
        if p.cohort_id == cohort_id and (p.active_on(day) or p.active_on(moment.today))
    ]
    due_reported: dict[uuid.UUID, tuple[GoalFact, ...]] = {}
    if focus is not None and focus.start < as_of:
        due_reported = _goals(db, ids, [*due_at(focus.start), reported_before(as_of)])
    return CohortHistory(
        cohort=facts,
        as_of=as_of,
        as_of_date=day,
        session=session,
        sessions=sessions,
        members=members,
        marks=marks,
        checkins={
            **_checkins(db, others, as_of, latest_only=True),
            **_checkins(db, member_ids, as_of),
        },
        open_goals=_goals(db, ids, due_at(as_of)),
        done_reviews=_done_reviews(db, member_ids, as_of),
        values=_values(db, member_ids),
        pairs=pairs,
        contacts=_contacts(db, current, max(day, moment.today)),
        focus=focus,
        due_reported=due_reported,
        figures_today=moment.today,
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


def stays_in(
    db: Session, cohort_id: uuid.UUID, *, include_ended: bool = False
) -> tuple[MemberFact, ...]:
    """Every current stay in the cohort (active and waitlist), and with ``include_ended``
    those that ended too, by name; the same columns as ``members_on``."""
    query = (
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
        )
        .order_by(Participant.display_name, Participant.id, Enrollment.start_date)
    )
    if not include_ended:
        query = query.where(
            Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST])
        )
    return tuple(MemberFact(*row) for row in db.execute(query))


def _checkins(
    db: Session, ids: list[uuid.UUID], as_of: dt.datetime, *, latest_only: bool = False
) -> dict[uuid.UUID, tuple[CheckInFact, ...]]:
    """Check-ins of ``ids`` at sessions before ``as_of``, oldest first (``latest_only``: just
    each person's latest, which is all the figures of someone out of the group need)."""
    if not ids:
        return {}
    query = (
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
            # IS NOT rather than IS: SQLite would otherwise read every live check-in through
            # the log's (deleted, share_scope) index instead of each person's own (1 s → 10 ms
            # on the five-year demo).
            CheckIn.deleted.is_not(True),
            GroupSession.scheduled_start < as_of,
        )
    )
    if latest_only:
        newest = (
            func.row_number()
            .over(
                partition_by=CheckIn.participant_id,
                order_by=(GroupSession.scheduled_start.desc(), CheckIn.id.desc()),
            )
            .label("newest")
        )
        ranked = query.add_columns(newest).subquery()
        query = select(*list(ranked.c)[:-1]).where(ranked.c.newest == 1)
    else:
        query = query.order_by(GroupSession.scheduled_start, CheckIn.id)
    found: dict[uuid.UUID, list[CheckInFact]] = defaultdict(list)
    for cid, pid, sid, start, mood, craving, words, scope in db.execute(query):
        shared = scope == ShareScope.GROUP
        found[pid].append(
            CheckInFact(cid, sid, start, mood, craving, words if shared else "", shared)
        )
    return {pid: tuple(rows) for pid, rows in found.items()}


def _goals(
    db: Session, ids: list[uuid.UUID], conditions: list[ColumnElement[bool]]
) -> dict[uuid.UUID, tuple[GoalFact, ...]]:
    """The goals of ``ids`` meeting ``conditions`` (on the goal and the session that set it),
    oldest first; ``due_at(as_of)`` gives the goals still open *as of* that moment, so that an
    agenda for a past date reads as it would have then (dropped goals excluded)."""
    found: dict[uuid.UUID, list[GoalFact]] = defaultdict(list)
    for gid, pid, text, domain, status, sid, start in db.execute(
        select(
            Goal.id,
            Goal.participant_id,
            Goal.text,
            Goal.value_domain,
            Goal.status,
            Goal.set_in_session_id,
            GroupSession.scheduled_start,
        )
        .join(GroupSession, GroupSession.id == Goal.set_in_session_id)
        .where(Goal.participant_id.in_(ids), *conditions)
        .order_by(GroupSession.scheduled_start, Goal.created_at, Goal.id)
    ):
        found[pid].append(GoalFact(gid, text, domain, status, sid, start))
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
