"""Migration 0004 upgrades a vault with data in place and downgrades cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from app.database import migrate
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from models import AttendanceStatus
from tests.conftest import PASSPHRASE

NEW_TABLES = {"value", "accountability_pair", "partner_contact", "round_state", "round_turn"}


def test_0004_down_and_up_again_keeps_the_data(tmp_path: Path) -> None:
    paths = VaultPaths(tmp_path / "vault")
    vault = create_vault(paths, PASSPHRASE).vault
    services = Services.for_vault(vault, actor="test")
    cohort = services.cohorts.create(CohortDraft(name="Kept"))
    person = services.participants.create(ParticipantDraft(display_name="Ana"))
    services.enrollments.enroll(person.id, cohort.id)
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC))
    services.round_entries.arrived(session.id, person.id, minute=10)
    engine = vault.database.engine
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        columns = {c["name"] for c in inspect(connection).get_columns("attendance")}
    assert not tables & NEW_TABLES and "arrived_minute" not in columns
    vault.close()

    reopened = unlock_with_passphrase(paths, PASSPHRASE)  # migrates to head, after a backup
    try:
        assert migrate.current_revision(reopened.database.engine) == migrate.head_revision()
        again = Services.for_vault(reopened, actor="test")
        [mark] = again.round_entries.presence(session.id)
        assert (mark.status, mark.minutes_attended, mark.arrived_minute) == (
            AttendanceStatus.LATE,
            170,
            None,
        )
        assert again.program_settings.get(cohort.id).partner_contact_days == 7
        assert list(paths.folder.glob(f"*.before-{migrate.head_revision()}-*.db"))
    finally:
        reopened.close()
