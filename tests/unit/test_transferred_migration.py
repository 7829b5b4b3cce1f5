"""Migration 0011 ("transferred") on a vault whose enrollments are referenced by other rows."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import text

from app.database import migrate
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.vault import UnlockedVault
from models import EnrollmentStatus

PHQ9 = {str(n): 1 for n in range(1, 10)}


def rows(vault: UnlockedVault, sql: str) -> list[tuple[object, ...]]:
    with vault.database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_the_enrollment_table_is_rebuilt_with_the_survey_responses_that_point_at_it(
    vault: UnlockedVault, services: Services
) -> None:
    # Survey responses (0009) reference enrollments: rebuilding the enrollment table for its
    # new status vocabulary must keep them, pointing at the same stays, both ways.
    tuesday = services.cohorts.create(CohortDraft(name="Tuesday", timezone="America/Chicago"))
    thursday = services.cohorts.create(CohortDraft(name="Thursday", timezone="America/Chicago"))
    ana = services.participants.create(ParticipantDraft(display_name="Ana R."))
    stay = services.enrollments.enroll(ana.id, tuesday.id, start_date=dt.date(2026, 2, 20))
    services.surveys.record(ana.id, tuesday.id, "PHQ-9", PHQ9, answered_on=dt.date(2026, 2, 27))
    services.enrollments.transfer(stay.enrollment.id, thursday.id, on=dt.date(2026, 3, 1))
    responses = rows(vault, "SELECT * FROM survey_response")
    engine, config = vault.database.engine, migrate._config()

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    assert rows(vault, "SELECT * FROM survey_response") == responses
    assert rows(vault, "PRAGMA foreign_key_check") == []
    statuses = {s for (s,) in rows(vault, "SELECT status FROM enrollment")}
    assert statuses == {"withdrew", "active"}  # a transfer reads as it did before 0011

    assert migrate.upgrade(engine, vault.paths.database) is not None  # as an open migrates
    assert migrate.current_revision(engine) == "0011" == migrate.head_revision()
    assert rows(vault, "SELECT * FROM survey_response") == responses
    assert rows(vault, "PRAGMA foreign_key_check") == []
    ben = services.participants.create(ParticipantDraft(display_name="Ben T."))
    second = services.enrollments.enroll(ben.id, tuesday.id, start_date=dt.date(2026, 2, 20))
    services.enrollments.transfer(second.enrollment.id, thursday.id, on=dt.date(2026, 3, 1))
    [old] = [e for e in services.enrollments.for_participant(ben.id) if e.cohort_id == tuesday.id]
    assert old.status is EnrollmentStatus.TRANSFERRED  # the vocabulary takes it again
