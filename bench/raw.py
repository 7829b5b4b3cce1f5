"""The limits' side of the benchmarks: plain sqlcipher3, keyed and configured as the app is."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from app.database.engine import CONNECTION_PRAGMAS


@contextmanager
def keyed_connection(path: Path, key: bytes | bytearray) -> Iterator[sqlcipher3.Connection]:
    """``path`` opened with plain sqlcipher3, the raw ``key`` and the app's pragmas."""
    connection = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for pragma in CONNECTION_PRAGMAS:
            connection.execute(pragma).fetchall()
        yield connection
    finally:
        connection.close()


def commit_times(raw: Any, count: int) -> list[float]:
    """``count`` one-row commits on the DB-API connection ``raw``, each timed."""
    times = []
    cursor = raw.cursor()
    try:
        for k in range(count):
            start = time.perf_counter()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("UPDATE device_info SET name = ?", (f"bench {k}",))
            cursor.execute("COMMIT")
            times.append(time.perf_counter() - start)
    finally:
        cursor.close()
    return times
