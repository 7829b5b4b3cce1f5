"""Schema migrations at open: back up first, refuse a database from a newer app."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.database.engine import is_damage
from app.database.errors import DatabaseDamaged, DatabaseTooNew
from app.database.storage import sqlite_storage_error, storage_error

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _script_facts() -> tuple[str, frozenset[str]]:
    """The head revision and every revision the scripts know, read once per process.

    Reading them parses (and, without bytecode caches, compiles) every migration script:
    a few milliseconds that each open would otherwise pay again.
    """
    scripts = ScriptDirectory.from_config(_config())
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(script.revision for script in scripts.walk_revisions())


def head_revision() -> str:
    return _script_facts()[0]


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None for a new one).

    Read with plain SQL rather than through Alembic's migration context: every unlock asks,
    and compiling Alembic's query on a fresh engine costs more than the rest of an open.
    """
    with engine.connect() as connection:
        table = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if table is None:
            return None
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        if len(rows) > 1:  # branches: let Alembic say which
            return MigrationContext.configure(connection).get_current_revision()
        return str(rows[0][0]) if rows else None


def backup_copy(engine: Engine, destination: Path) -> None:
    """Write an encrypted copy (same key) of the database to ``destination`` atomically.

    The copy is private to the user (mode 0600) from its first byte, durable before it gets
    its name, and nothing is left behind when it fails (``DatabaseDamaged`` for a bad page).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    # VACUUM INTO fills an existing empty file and keeps its mode.
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise storage_error(destination.parent, error) from None
    try:
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("VACUUM INTO ?", (str(partial),))
        except Exception as error:
            if is_damage(error):
                raise DatabaseDamaged(Path(str(engine.url.database))) from error
            storage = sqlite_storage_error(destination, error)
            if storage is not None:
                raise storage from None
            raise
        finally:
            raw.close()
        _fsync(partial)
        partial.replace(destination)
        _fsync(destination.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (folders can't be opened on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def upgrade(engine: Engine, database_path: Path, to: str = "head") -> Path | None:
    """Bring the schema to ``to``; returns the backup written first, if any was needed.

    A database whose revision this app doesn't know came from a newer app: it is refused
    with ``DatabaseTooNew`` and not touched.
    """
    head, known = _script_facts()
    current = current_revision(engine)
    target = head if to == "head" else to
    if current is not None and current not in known:
        raise DatabaseTooNew(database_path, current)
    if current == target:
        return None
    backup = None
    if current is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = database_path.with_name(f"{database_path.stem}.before-{target}-{stamp}.db")
        backup_copy(engine, backup)
        log.info("backed up the database before migrating from %s to %s", current, target)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, to)
    return backup
