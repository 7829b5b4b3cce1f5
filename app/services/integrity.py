"""Integrity checks, row counts and a content digest two machines can compare."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from app.database.engine import Database, is_damage
from app.database.errors import DatabaseDamaged
from models import Base
from models.base import SyncColumns


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    integrity: str  # "ok" or what is wrong
    counts: dict[str, int]
    digest: str  # SHA-256 hex over the canonical dump of the live synced rows

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"

    def as_json(self) -> dict[str, Any]:
        return {"integrity": self.integrity, "counts": self.counts, "digest": self.digest}


def synced_tables() -> list[str]:
    """Names of the tables whose rows travel in bundles, sorted."""
    return sorted(
        mapper.tables[0].name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncColumns)
    )


def all_tables() -> list[str]:
    return sorted(Base.metadata.tables)


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return value


def check(database: Database) -> IntegrityReport:
    """Run SQLCipher's and SQLite's integrity checks, count rows, digest live synced rows.

    A damaged file is reported, not raised: ``integrity`` names the problem, and the counts
    and digest are left empty when the damage keeps them from being read.
    """
    problems = _problems(database)
    try:
        counts, digest = _counts_and_digest(database)
    except DatabaseDamaged:
        if not problems:
            raise
        counts, digest = {}, ""
    return IntegrityReport("ok" if not problems else "; ".join(problems[:10]), counts, digest)


def _problems(database: Database) -> list[str]:
    problems: list[str] = []
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        problems.extend(str(row[0]) for row in cursor.execute("PRAGMA cipher_integrity_check"))
        try:
            sqlite = [str(row[0]) for row in cursor.execute("PRAGMA integrity_check")]
        except Exception as error:  # the driver's DatabaseError: a page it can't even read
            if not is_damage(error):
                raise
            sqlite = ["the file's structure cannot be read"]
        if sqlite != ["ok"]:
            problems.extend(sqlite)
        if not problems:
            fk = cursor.execute("PRAGMA foreign_key_check").fetchall()
            if fk:
                problems.append(f"{len(fk)} rows refer to missing rows")
    finally:
        raw.close()
    return _one_line_each(problems)


def _one_line_each(problems: list[str]) -> list[str]:
    """SQLite reports several problems in one multi-line row; one problem per line, please."""
    lines = (line.strip() for problem in problems for line in problem.splitlines())
    return [line for line in lines if line and not line.startswith("*** in database")]


def _counts_and_digest(database: Database) -> tuple[dict[str, int], str]:
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    with database.read() as session:
        for table in all_tables():
            count = session.execute(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
            counts[table] = int(count.scalar_one())
        for table in synced_tables():
            result = session.execute(
                text(f'SELECT * FROM "{table}" WHERE deleted = 0 ORDER BY id')  # noqa: S608
            )
            columns = list(result.keys())
            order = sorted(range(len(columns)), key=lambda i: columns[i])
            digest.update(f"table {table} {json.dumps([columns[i] for i in order])}\n".encode())
            for row in result:
                values = [_canonical(row[i]) for i in order]
                digest.update(
                    json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
                )
                digest.update(b"\n")
    return counts, digest.hexdigest()
