"""Migrations at open: an encrypted backup first, then the upgrade; a newer schema is refused."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app.database.engine import open_engine
from app.database.errors import DatabaseDamaged, DatabaseTooNew
from app.database.migrate import current_revision, head_revision, upgrade
from app.services.container import Services
from app.vault.keyfile import KeyFile
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.vault_support import run_cli, snapshot

FIRST = "0001"
SQLITE_HEADER = b"SQLite format 3\x00"


def vault_at_first_schema(paths: VaultPaths, people: int = 1) -> bytes:
    """A vault as the first release left it: schema 0001 and ``people`` participants."""
    key = os.urandom(32)
    engine = open_engine(paths.database, key, create=True)
    try:
        upgrade(engine, paths.database, to=FIRST)
        with engine.begin() as connection:
            for number in range(people):
                connection.execute(
                    text(
                        "INSERT INTO participant (id, display_name, pronouns, clinician_notes,"
                        " version, origin, deleted) VALUES (:id, :name, '', :notes, 1, 'd', 0)"
                    ),
                    {"id": uuid.uuid4().hex, "name": f"Early {number}", "notes": "n" * 2000},
                )
        assert current_revision(engine) == FIRST
    finally:
        engine.dispose()
    KeyFile.wrap(key, PASSPHRASE, vault_id=uuid.uuid4(), kdf=CHEAP_KDF).write(paths.key_file)
    return key


def test_the_first_schema_is_backed_up_then_migrated(vault_paths: VaultPaths) -> None:
    key = vault_at_first_schema(vault_paths)
    assert head_revision() != FIRST, "a migration test needs a later revision"
    assert sorted(p.name for p in vault_paths.folder.iterdir()) == [
        "circlekeeper.db",
        "circlekeeper.key",
    ]

    vault = unlock_with_passphrase(vault_paths, PASSPHRASE)
    try:
        assert current_revision(vault.database.engine) == head_revision()
        names = [p.display_name for p in Services.for_vault(vault).participants.search("")]
        assert names == ["Early 0"]
    finally:
        vault.close()

    backups = sorted(vault_paths.folder.glob("circlekeeper.before-*.db"))
    assert [b.name.split("-")[1] for b in backups] == [head_revision()]
    backup = backups[0]
    assert backup.read_bytes()[:16] != SQLITE_HEADER  # encrypted
    # Taken first: the copy opens with the same key and is still at the first schema.
    engine = open_engine(backup, key)
    try:
        assert current_revision(engine) == FIRST
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            count = connection.execute(text("SELECT count(*) FROM participant")).scalar()
            assert count == 1
            indexes = {i["name"] for i in inspect(connection).get_indexes("attendance")}
            assert "ix_attendance_participant" in indexes  # 0002 replaced it
    finally:
        engine.dispose()

    # Opening an up-to-date vault writes no further backup.
    unlock_with_passphrase(vault_paths, PASSPHRASE).close()
    assert sorted(vault_paths.folder.glob("circlekeeper.before-*.db")) == backups


def test_a_new_vault_needs_no_backup(vault_paths: VaultPaths) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    unlock_with_passphrase(vault_paths, PASSPHRASE).close()
    assert list(vault_paths.folder.glob("circlekeeper.before-*")) == []


def test_a_damaged_vault_is_not_migrated_and_leaves_no_partial_backup(
    vault_paths: VaultPaths,
) -> None:
    vault_at_first_schema(vault_paths, people=60)
    data = bytearray(vault_paths.database.read_bytes())
    data[len(data) - 4096 + 200] ^= 0xFF  # the last page: participants' notes
    vault_paths.database.write_bytes(bytes(data))
    before = snapshot(vault_paths.folder)
    with pytest.raises(DatabaseDamaged) as refused:
        unlock_with_passphrase(vault_paths, PASSPHRASE)
    assert str(vault_paths.database) in str(refused.value)
    assert snapshot(vault_paths.folder) == before  # no backup, no .partial, no -wal


def test_a_database_from_a_newer_app_is_refused_untouched(
    vault_paths: VaultPaths, tmp_path: Path
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    with created.vault.database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    created.vault.close()
    before = snapshot(vault_paths.folder)
    assert list(before) == ["circlekeeper.db", "circlekeeper.key", "circlekeeper.lock"]

    with pytest.raises(DatabaseTooNew) as refused:
        unlock_with_passphrase(vault_paths, PASSPHRASE)
    message = str(refused.value)
    assert str(vault_paths.database) in message and "newer version" in message
    assert "9999_from_the_future" in message
    assert snapshot(vault_paths.folder) == before  # byte for byte, no backup, no -wal

    ran = run_cli(
        "--data-dir",
        str(vault_paths.folder),
        "check",
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert ran.returncode == 1
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and "newer version" in lines[0], ran.stderr
    assert snapshot(vault_paths.folder) == before
