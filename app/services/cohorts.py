"""Cohorts: create and edit groups, their schedule, capacity and IOP minimum."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.enrollments import active_count
from app.services.errors import InvalidInput, NotFound
from app.services.figures.today import cohort_today
from app.services.lookup import live
from models import (
    AgeGroup,
    Cohort,
    CohortStatus,
    CohortType,
    Enrollment,
    EnrollmentStatus,
    LevelOfCare,
    Track,
)

MAX_CAPACITY = 50


@dataclass(frozen=True, slots=True)
class CohortRow:
    id: uuid.UUID
    name: str
    track: Track
    level_of_care: LevelOfCare
    cohort_type: CohortType
    capacity: int
    meeting_days: tuple[int, ...]
    start_time: dt.time
    planned_minutes: int
    timezone: str
    status: CohortStatus
    facilitators: str
    age_group: AgeGroup
    weekly_minimum_minutes: int
    start_date: dt.date
    end_date: dt.date | None
    active_members: int

    @property
    def has_cravings(self) -> bool:
        return self.track.has_cravings


@dataclass(frozen=True, slots=True)
class CohortDraft:
    """What a user fills in to create or edit a cohort."""

    name: str
    track: Track = Track.MENTAL_HEALTH
    level_of_care: LevelOfCare = LevelOfCare.IOP
    cohort_type: CohortType = CohortType.ROLLING
    capacity: int = 12
    meeting_days: tuple[int, ...] = (1, 3, 5)
    start_time: dt.time = dt.time(18, 0)
    planned_minutes: int = 180
    timezone: str = "UTC"
    facilitators: str = ""
    age_group: AgeGroup = AgeGroup.ADULT
    weekly_minimum_minutes: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def parse_days(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def to_row(cohort: Cohort, active_members: int = 0) -> CohortRow:
    return CohortRow(
        id=cohort.id,
        name=cohort.name,
        track=cohort.track,
        level_of_care=cohort.level_of_care,
        cohort_type=cohort.cohort_type,
        capacity=cohort.capacity,
        meeting_days=parse_days(cohort.meeting_days),
        start_time=cohort.start_time,
        planned_minutes=cohort.planned_minutes,
        timezone=cohort.timezone,
        status=cohort.status,
        facilitators=cohort.facilitators,
        age_group=cohort.age_group,
        weekly_minimum_minutes=weekly_minimum(cohort),
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        active_members=active_members,
    )


def weekly_minimum(cohort: Cohort) -> int:
    """The cohort's own weekly minimum in minutes, else the age group's IOP floor."""
    if cohort.weekly_minimum_minutes is not None:
        return cohort.weekly_minimum_minutes
    return cohort.age_group.default_weekly_minimum_minutes


class CohortService:
    """Creates, edits and lists cohorts."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def _validated(self, draft: CohortDraft) -> dict[str, object]:
        days = tuple(sorted(set(draft.meeting_days)))
        if not days or any(not 1 <= d <= 7 for d in days):
            raise InvalidInput("meeting_days", "Pick at least one meeting day, Monday to Sunday.")
        timezone = check.timezone("timezone", draft.timezone)
        start_date = draft.start_date or cohort_today(timezone, self._context.now())
        check.date_order("end_date", start_date, draft.end_date)
        minimum = draft.weekly_minimum_minutes
        if minimum is not None:
            check.integer("weekly_minimum_minutes", minimum, 60, 40 * 60, label="weekly minimum")
        return {
            "name": check.text("name", draft.name, max_length=80, required=True),
            "track": check.choice("track", draft.track, Track),
            "level_of_care": check.choice("level_of_care", draft.level_of_care, LevelOfCare),
            "cohort_type": check.choice("cohort_type", draft.cohort_type, CohortType),
            "capacity": check.integer("capacity", draft.capacity, 1, MAX_CAPACITY),
            "meeting_days": ",".join(str(d) for d in days),
            "start_time": draft.start_time,
            "planned_minutes": check.integer(
                "planned_minutes", draft.planned_minutes, 15, 8 * 60, label="session length"
            ),
            "timezone": timezone,
            "facilitators": check.text("facilitators", draft.facilitators, max_length=400),
            "age_group": check.choice("age_group", draft.age_group, AgeGroup),
            "weekly_minimum_minutes": minimum,
            "start_date": start_date,
            "end_date": draft.end_date,
        }

    def create(self, draft: CohortDraft) -> CohortRow:
        values = self._validated(draft)
        with self._context.database.write() as db:
            self._refuse_duplicate_name(db, str(values["name"]), None)
            cohort = Cohort(status=CohortStatus.ACTIVE, **values)
            db.add(cohort)
            db.flush()
            return to_row(cohort)

    def update(self, cohort_id: uuid.UUID, draft: CohortDraft) -> CohortRow:
        values = self._validated(draft)
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            self._refuse_duplicate_name(db, str(values["name"]), cohort_id)
            for name, value in values.items():
                setattr(cohort, name, value)
            db.flush()
            return to_row(cohort, active_count(db, cohort_id))

    def set_status(self, cohort_id: uuid.UUID, status: CohortStatus) -> CohortRow:
        status = check.choice("status", status, CohortStatus)
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            cohort.status = status
            db.flush()
            return to_row(cohort, active_count(db, cohort_id))

    def get(self, cohort_id: uuid.UUID) -> CohortRow:
        with self._context.database.read() as db:
            return to_row(live(db, Cohort, cohort_id, "cohort"), active_count(db, cohort_id))

    def find(self, name: str) -> CohortRow:
        with self._context.database.read() as db:
            cohort = db.scalars(
                select(Cohort).where(Cohort.name == name.strip(), Cohort.deleted.is_(False))
            ).first()
            if cohort is None:
                raise NotFound(f"The cohort {name!r}")
            return to_row(cohort, active_count(db, cohort.id))

    def list(self, *, include_finished: bool = True) -> list[CohortRow]:
        with self._context.database.read() as db:
            query = select(Cohort).where(Cohort.deleted.is_(False)).order_by(Cohort.name)
            if not include_finished:
                query = query.where(Cohort.status == CohortStatus.ACTIVE)
            cohorts = db.scalars(query).all()
            counts = dict(
                db.execute(
                    select(Enrollment.cohort_id, func.count())
                    .where(
                        Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.deleted.is_(False)
                    )
                    .group_by(Enrollment.cohort_id)
                ).all()
            )
            return [to_row(c, counts.get(c.id, 0)) for c in cohorts]

    @staticmethod
    def _refuse_duplicate_name(db: Session, name: str, own_id: uuid.UUID | None) -> None:
        query = select(Cohort.id).where(Cohort.name == name, Cohort.deleted.is_(False))
        if own_id is not None:
            query = query.where(Cohort.id != own_id)
        if db.scalar(query) is not None:
            raise InvalidInput("name", f"There is already a cohort named {name!r}.")
