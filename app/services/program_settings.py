"""Per-cohort settings of the accountability engine: partner-contact days and program length.

``ProgramSettingsService``:
- ``get(cohort_id) -> ProgramSettingsRow``
- ``update(cohort_id, *, partner_contact_days, program_weeks) -> ProgramSettingsRow``
  (None restores the default: 7 contact days; no program length).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.lookup import live
from models import Cohort

DEFAULT_PARTNER_CONTACT_DAYS = 7


@dataclass(frozen=True, slots=True)
class ProgramSettingsRow:
    cohort_id: uuid.UUID
    partner_contact_days: int  # flag a pair with no logged contact in this many days
    partner_contact_days_is_default: bool
    program_weeks: int | None  # one person's program in a rolling cohort (halfway, graduation)


def partner_contact_days(cohort: Cohort) -> int:
    return cohort.partner_contact_days or DEFAULT_PARTNER_CONTACT_DAYS


def to_row(cohort: Cohort) -> ProgramSettingsRow:
    return ProgramSettingsRow(
        cohort.id,
        partner_contact_days(cohort),
        cohort.partner_contact_days is None,
        cohort.program_weeks,
    )


class ProgramSettingsService:
    """Reads and changes a cohort's engine settings."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def get(self, cohort_id: uuid.UUID) -> ProgramSettingsRow:
        with self._context.database.read() as db:
            return to_row(live(db, Cohort, cohort_id, "cohort"))

    def update(
        self,
        cohort_id: uuid.UUID,
        *,
        partner_contact_days: int | None,
        program_weeks: int | None,
    ) -> ProgramSettingsRow:
        if partner_contact_days is not None:
            check.integer(
                "partner_contact_days",
                partner_contact_days,
                1,
                60,
                label="days without partner contact",
            )
        if program_weeks is not None:
            check.integer("program_weeks", program_weeks, 1, 104, label="program length in weeks")
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            cohort.partner_contact_days = partner_contact_days
            cohort.program_weeks = program_weeks
            db.flush()
            return to_row(cohort)
