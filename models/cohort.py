"""A cohort: one IOP group with its track, schedule and capacity."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, SyncColumns
from models.types import str_enum


class Track(enum.StrEnum):
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    DUAL_DIAGNOSIS = "dual_diagnosis"

    @property
    def has_cravings(self) -> bool:
        return self is not Track.MENTAL_HEALTH


class LevelOfCare(enum.StrEnum):
    IOP = "iop"
    PHP = "php"


class CohortType(enum.StrEnum):
    CLOSED = "closed"
    ROLLING = "rolling"


class CohortStatus(enum.StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class AgeGroup(enum.StrEnum):
    ADULT = "adult"
    ADOLESCENT = "adolescent"

    @property
    def default_weekly_minimum_minutes(self) -> int:
        """The usual IOP floor: 9 hours a week for adults, 6 for adolescents."""
        return 540 if self is AgeGroup.ADULT else 360


class Cohort(SyncColumns, Base):
    """A group that meets on a weekly schedule.

    ``meeting_days`` holds ISO weekday numbers (1 = Monday) as a comma list, e.g. ``"1,3,5"``.
    ``weekly_minimum_minutes`` overrides the age group's IOP minimum when set.
    ``partner_contact_days``: flag a partner pair with no contact in this many days (None: 7).
    ``program_weeks``: one participant's program length in a rolling cohort, for the halfway
    and graduation milestones (a closed cohort uses its own start and end dates).
    """

    __tablename__ = "cohort"

    name: Mapped[str] = mapped_column(String(80), nullable=False)
    track: Mapped[Track] = mapped_column(str_enum(Track), nullable=False)
    level_of_care: Mapped[LevelOfCare] = mapped_column(str_enum(LevelOfCare), nullable=False)
    cohort_type: Mapped[CohortType] = mapped_column(str_enum(CohortType), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    meeting_days: Mapped[str] = mapped_column(String(20), nullable=False)
    start_time: Mapped[dt.time] = mapped_column(Time, nullable=False)
    planned_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[CohortStatus] = mapped_column(str_enum(CohortStatus), nullable=False)
    facilitators: Mapped[str] = mapped_column(Text, nullable=False, default="")
    age_group: Mapped[AgeGroup] = mapped_column(str_enum(AgeGroup), nullable=False)
    weekly_minimum_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    partner_contact_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    program_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)


# The check-in log sorts by cohort name: rows in this order, ties by id.
Index("ix_cohort_name", Cohort.name.collate("NOCASE"), Cohort.id)
