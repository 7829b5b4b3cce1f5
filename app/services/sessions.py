"""Group sessions: scheduling a cohort's meetings and recording what became of them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.cohorts import parse_days
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.lookup import live
from models import Cohort, GroupSession, Participant, SessionStatus


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: uuid.UUID
    cohort_id: uuid.UUID
    scheduled_start: dt.datetime  # UTC
    local_date: dt.date  # in the cohort's time zone
    planned_minutes: int
    status: SessionStatus
    topic: str
    facilitator: str
    peer_leader_id: uuid.UUID | None


def to_row(session: GroupSession, zone: ZoneInfo) -> SessionRow:
    return SessionRow(
        session.id,
        session.cohort_id,
        session.scheduled_start,
        session.scheduled_start.astimezone(zone).date(),
        session.planned_minutes,
        session.status,
        session.topic,
        session.facilitator,
        session.peer_leader_id,
    )


def local_start(cohort: Cohort, day: dt.date) -> dt.datetime:
    """The cohort's meeting time on ``day`` in its own zone, as an aware UTC datetime."""
    zone = ZoneInfo(cohort.timezone)
    return dt.datetime.combine(day, cohort.start_time, tzinfo=zone).astimezone(dt.UTC)


class SessionService:
    """Schedules sessions from a cohort's weekly pattern or one at a time."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def schedule(
        self,
        cohort_id: uuid.UUID,
        start: dt.datetime,
        *,
        planned_minutes: int | None = None,
        topic: str = "",
        facilitator: str = "",
    ) -> SessionRow:
        """One session (scheduled or unscheduled) at the aware datetime ``start``."""
        if start.tzinfo is None:
            raise InvalidInput("start", "The session's start needs a time zone.")
        topic = check.text("topic", topic, max_length=200)
        facilitator = check.text("facilitator", facilitator, max_length=80)
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            minutes = check.integer(
                "planned_minutes",
                planned_minutes if planned_minutes is not None else cohort.planned_minutes,
                15,
                8 * 60,
                label="session length",
            )
            session = GroupSession(
                cohort_id=cohort_id,
                scheduled_start=start.astimezone(dt.UTC),
                planned_minutes=minutes,
                status=SessionStatus.SCHEDULED,
                topic=topic,
                facilitator=facilitator,
            )
            db.add(session)
            db.flush()
            return to_row(session, ZoneInfo(cohort.timezone))

    def schedule_weeks(
        self, cohort_id: uuid.UUID, first_day: dt.date, weeks: int
    ) -> list[SessionRow]:
        """Sessions on the cohort's meeting days for ``weeks`` weeks from ``first_day``.

        Days that already have a session at the cohort's time are skipped, so this can be
        run again safely.
        """
        check.integer("weeks", weeks, 1, 52)
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            zone = ZoneInfo(cohort.timezone)
            days = set(parse_days(cohort.meeting_days))
            existing = set(
                db.scalars(
                    select(GroupSession.scheduled_start).where(
                        GroupSession.cohort_id == cohort_id, GroupSession.deleted.is_(False)
                    )
                )
            )
            created = []
            for offset in range(weeks * 7):
                day = first_day + dt.timedelta(days=offset)
                if day.isoweekday() not in days:
                    continue
                start = local_start(cohort, day)
                # A day a zone skipped (Samoa's 30 Dec 2011) resolves to the next one: skip it.
                if start in existing or start.astimezone(zone).date() != day:
                    continue
                existing.add(start)
                session = GroupSession(
                    cohort_id=cohort_id,
                    scheduled_start=start,
                    planned_minutes=cohort.planned_minutes,
                    status=SessionStatus.SCHEDULED,
                    topic="",
                    facilitator=cohort.facilitators.split(",")[0].strip(),
                )
                db.add(session)
                created.append(session)
            db.flush()
            return [to_row(s, zone) for s in created]

    def set_status(self, session_id: uuid.UUID, status: SessionStatus) -> SessionRow:
        status = check.choice("status", status, SessionStatus)
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            session.status = status
            db.flush()
            return to_row(session, _zone(db, session))

    def update(
        self,
        session_id: uuid.UUID,
        *,
        topic: str,
        facilitator: str,
        peer_leader_id: uuid.UUID | None = None,
    ) -> SessionRow:
        topic = check.text("topic", topic, max_length=200)
        facilitator = check.text("facilitator", facilitator, max_length=80)
        with self._context.database.write() as db:
            session = live(db, GroupSession, session_id, "session")
            if peer_leader_id is not None:
                live(db, Participant, peer_leader_id, "peer leader")
            session.topic = topic
            session.facilitator = facilitator
            session.peer_leader_id = peer_leader_id
            db.flush()
            return to_row(session, _zone(db, session))

    def get(self, session_id: uuid.UUID) -> SessionRow:
        with self._context.database.read() as db:
            session = live(db, GroupSession, session_id, "session")
            return to_row(session, _zone(db, session))

    def for_cohort(
        self,
        cohort_id: uuid.UUID,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> list[SessionRow]:
        """The cohort's sessions in time order, optionally within [start, end)."""
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            query = (
                select(GroupSession)
                .where(GroupSession.cohort_id == cohort_id, GroupSession.deleted.is_(False))
                .order_by(GroupSession.scheduled_start)
            )
            if start is not None:
                query = query.where(GroupSession.scheduled_start >= start.astimezone(dt.UTC))
            if end is not None:
                query = query.where(GroupSession.scheduled_start < end.astimezone(dt.UTC))
            zone = ZoneInfo(cohort.timezone)
            return [to_row(s, zone) for s in db.scalars(query)]


def _zone(db: Session, session: GroupSession) -> ZoneInfo:
    return ZoneInfo(live(db, Cohort, session.cohort_id, "cohort").timezone)
