"""Nothing readable at rest: no record text and no key in any file, log line or error message."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import traceback
import uuid
from pathlib import Path

import pytest
import sqlcipher3
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.database import migrate
from app.database.engine import open_engine
from app.database.errors import DatabaseUnreadable
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.errors import WrongPassphrase
from app.vault.keyfile import KeyFile
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from models import Track
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.vault_support import (
    encodings,
    files_under,
    found_in,
    key_forms,
    occurrences,
    run_cli,
)

SQLITE_HEADER = b"SQLite format 3\x00"


def new_markers() -> dict[str, str]:
    """One unique string per kind of text a facilitator or clinician types."""
    kinds = (
        "cohort",
        "name",
        "pronouns",
        "notes",
        "topic",
        "emotion",
        "accomplishments",
        "challenges",
        "goal",
        "edited",
    )
    return {kind: f"ckmark{kind}{uuid.uuid4().hex}" for kind in kinds}


def write_marked_records(services: Services, marks: dict[str, str]) -> None:
    cohort = services.cohorts.create(
        CohortDraft(name=marks["cohort"], track=Track.SUBSTANCE_USE, timezone="UTC")
    )
    person = services.participants.create(
        ParticipantDraft(display_name=marks["name"], pronouns=marks["pronouns"][:40])
    )
    services.participants.set_clinician_notes(person.id, f"Safety plan: {marks['notes']}")
    services.enrollments.enroll(person.id, cohort.id)
    session = services.sessions.schedule(
        cohort.id, dt.datetime.now(dt.UTC), topic=f"Topic {marks['topic']}"
    )
    draft = CheckInDraft(
        mood=4,
        emotion_words=marks["emotion"],
        accomplishments=f"I {marks['accomplishments']}",
        challenges=f"Hard: {marks['challenges']}",
        craving=6,
    )
    services.checkins.record(session.id, person.id, draft)
    # An edit: the old text must not survive in a freed page either (secure_delete).
    services.checkins.record(
        session.id, person.id, CheckInDraft(mood=5, emotion_words=marks["edited"], craving=5)
    )
    services.goals.set_goal(person.id, session.id, f"Walk daily {marks['goal']}", "health")


def marker_needles(marks: dict[str, str]) -> list[bytes]:
    needles = [form for mark in marks.values() for form in encodings(mark)]
    # pronouns are cut to 40 characters; a marker's unique tail is enough to find any of them.
    needles.extend(form for mark in marks.values() for form in encodings(mark[-24:]))
    return needles


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (so that the next open migrates and backs up)."""
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def plaintext_export(database: Path, key: bytes | bytearray, destination: Path) -> None:
    """A deliberately decrypted copy: proof that the markers really are in the database."""
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(destination),))
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()


def failure_text(error: BaseException) -> str:
    """Everything a user, a log or a crash report could see of an exception."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    context = error.__context__
    while context is not None:
        parts += [str(context), repr(context)]
        context = context.__context__
    return "\n".join(parts)


def test_the_scanner_finds_what_it_looks_for(tmp_path: Path) -> None:
    needle = b"ckmark-needle"
    path = tmp_path / "haystack"
    # One copy straddles the 1 MiB chunk boundary, one sits inside the second chunk.
    path.write_bytes(b"x" * ((1 << 20) - 5) + needle + b"y" * 100 + needle)
    assert occurrences(path, [needle]) == {needle: 2}
    assert found_in([path], [b"absent"]) == {}


def test_nothing_readable_in_any_file_log_or_error(
    vault_paths: VaultPaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    system_temp = Path(tempfile.gettempdir())
    temp_before = set(system_temp.iterdir())
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # echo="debug": statements and rows
    marks = new_markers()
    folder = vault_paths.folder

    created = create_vault(vault_paths, PASSPHRASE, with_recovery=True, kdf=CHEAP_KDF)
    vault = created.vault
    key = KeyFile.read(vault_paths.key_file).unwrap(PASSPHRASE)
    write_marked_records(Services.for_vault(vault, actor="tester"), marks)
    wal = Path(f"{vault_paths.database}-wal")
    assert wal.stat().st_size > 0, "the fresh writes should still be in the WAL"
    assert Path(f"{vault_paths.database}-shm").exists()
    open_needles = marker_needles(marks) + key_forms(key)
    assert found_in(files_under(folder), open_needles) == {}  # while open: db, -wal, -shm

    vault.backup(tmp_path / "api-backup")
    cli = run_cli(
        "--data-dir",
        str(folder),
        "backup",
        str(tmp_path / "cli-backup"),
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert cli.returncode == 0, cli.stderr

    # One schema back, so that the next open migrates and writes its backup first.
    downgrade(vault.database.engine, "-1")
    vault.close()
    reopened = unlock_with_passphrase(vault_paths, PASSPHRASE)
    migration_backups = sorted(folder.glob("circlekeeper.before-*.db"))
    assert len(migration_backups) == 1

    # Failed opens: a wrong key, and the right key on a damaged copy.
    failures: list[BaseException] = []
    with pytest.raises(DatabaseUnreadable) as wrong_key:
        open_engine(vault_paths.database, bytes(32))
    failures.append(wrong_key.value)
    damaged = tmp_path / "damaged" / "circlekeeper.db"
    damaged.parent.mkdir()
    shutil.copyfile(migration_backups[0], damaged)
    with damaged.open("r+b") as handle:
        handle.write(b"\0" * 32)
    with pytest.raises(DatabaseUnreadable) as right_key_damaged_file:
        open_engine(damaged, key)
    failures.append(right_key_damaged_file.value)
    with pytest.raises(WrongPassphrase) as wrong_passphrase:
        unlock_with_passphrase(vault_paths, PASSPHRASE + " nope")
    failures.append(wrong_passphrase.value)
    reopened.close()

    # The control: decrypted on purpose, every marker is there; so the scans below can fail.
    control = tmp_path / "control" / "plain.db"
    control.parent.mkdir()
    plaintext_export(vault_paths.database, key, control)
    assert control.read_bytes().startswith(SQLITE_HEADER)
    overwritten = {"emotion", "accomplishments", "challenges"}  # replaced by the edit
    live = [mark[:40] for kind, mark in marks.items() if kind not in overwritten]
    hits = occurrences(control, [mark.encode() for mark in live])
    assert all(hits.values()), hits

    scanned = files_under(folder, tmp_path / "api-backup", tmp_path / "cli-backup")
    scanned += files_under(tmp_path / "home")
    new_temp = set(system_temp.iterdir()) - temp_before
    scanned += files_under(*sorted(new_temp))
    names = {p.name for p in files_under(folder)}
    assert names == {
        "circlekeeper.db",
        "circlekeeper.key",
        "circlekeeper.lock",
        migration_backups[0].name,
    }
    assert found_in(scanned, marker_needles(marks) + key_forms(key)) == {}

    databases = [
        vault_paths.database,
        migration_backups[0],
        tmp_path / "api-backup" / "circlekeeper.db",
        tmp_path / "cli-backup" / "circlekeeper.db",
    ]
    for database in databases:
        assert database.read_bytes()[:16] != SQLITE_HEADER, database
        if os.name == "posix":  # encrypted, and still nobody else's to read
            assert database.stat().st_mode & 0o077 == 0, database
        assert occurrences(database, [b"SQLite format"]) == {b"SQLite format": 0}, database

    # Logs (SQLAlchemy at DEBUG was really captured), the CLI's output, every error's text.
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    texts = [caplog.text, *(r.getMessage() for r in caplog.records), cli.stdout, cli.stderr]
    texts += [failure_text(error) for error in failures]
    for form in [*key_forms(key), repr(key).encode()]:
        needle = form.decode("latin-1")
        assert not [t for t in texts if needle in t], "the key leaked into a log or message"


def test_statement_errors_and_echo_carry_no_row_data(
    vault_paths: VaultPaths, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed statement's message (which can end up in a crash report) holds no record text;
    neither does SQLAlchemy's echo at INFO."""
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # echo=True
    marks = new_markers()
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    vault = created.vault
    try:
        write_marked_records(Services.for_vault(vault, actor="tester"), marks)
        with pytest.raises(DBAPIError) as failed, vault.database.write() as session:
            session.execute(
                text("INSERT INTO participant (id, display_name) VALUES (:id, :name)"),
                {"id": b"\0" * 16, "name": marks["name"]},
            )
    finally:
        vault.close()
    assert any("INSERT INTO participant" in r.getMessage() for r in caplog.records)
    texts = [failure_text(failed.value), caplog.text]
    leaked = [mark for mark in marks.values() for t in texts if mark in t]
    assert leaked == []
