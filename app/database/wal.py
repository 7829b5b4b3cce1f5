"""Reading a ``-wal`` left behind by a writer that died, to tell whether opening would lose data.

SQLite replays a write-ahead log up to its last intact commit and silently drops the rest.
After a crash mid-transaction that is right: the tail was never committed. But a flipped
byte, a truncated file or a ``-wal`` from another copy of the vault drop committed changes
just as silently. This module reads the log's own structure (no key is needed: frame headers
and checksums are plain SQLite, only the pages are encrypted) and the wal-index header in
``-shm``, which the dead writer left in the state of its last commit, and says which it is.

Formats: https://www.sqlite.org/fileformat2.html#walformat and #walindexformat.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
MAGIC_LITTLE = 0x377F0682
MAGIC_BIG = 0x377F0683
WAL_VERSION = 3007000
INDEX_HEADER_BYTES = 48
SALT_BYTES = 16  # SQLCipher's per-file salt opens every page 1


@dataclass(frozen=True, slots=True)
class WalFindings:
    """What a leftover ``-wal`` holds: ``committed`` frames SQLite will replay, and whether
    committed changes would be lost (``problem`` says why, in words for a sentence)."""

    frames: int
    committed: int
    problem: str | None


def _checksum(data: bytes, big_endian: bool, s1: int, s2: int) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for index in range(0, len(words), 2):
        s1 = (s1 + words[index] + s2) & mask
        s2 = (s2 + words[index + 1] + s1) & mask
    return s1, s2


@dataclass(frozen=True, slots=True)
class _IndexHeader:
    max_frame: int
    salt: bytes


def _index_header(shm: Path) -> _IndexHeader | None:
    """The wal-index header the last writer left in ``-shm`` (None: none, or not intact)."""
    try:
        with shm.open("rb") as handle:
            data = handle.read(2 * INDEX_HEADER_BYTES)
    except OSError:
        return None
    if len(data) < 2 * INDEX_HEADER_BYTES or data[:48] != data[48:96]:
        return None
    order = "<" if sys.byteorder == "little" else ">"  # the wal-index is in native order
    version, _unused, _change = struct.unpack_from(f"{order}3I", data, 0)
    is_init = data[12]
    (max_frame,) = struct.unpack_from(f"{order}I", data, 16)
    if version != WAL_VERSION or not is_init:
        return None
    return _IndexHeader(max_frame, data[32:40])


def inspect(database: Path) -> WalFindings | None:
    """Findings about ``database``'s ``-wal``; None when there is none or it is empty."""
    wal = Path(f"{database}-wal")
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if not data:
        return None
    index = _index_header(Path(f"{database}-shm"))
    committed_before = index.max_frame if index is not None else 0
    if len(data) < WAL_HEADER_BYTES:
        problem = "it is cut off inside its header" if committed_before else None
        return WalFindings(0, 0, problem)
    magic, version, page_size = struct.unpack_from(">3I", data, 0)
    salt = data[16:24]
    big = magic == MAGIC_BIG
    header_ok = (
        magic in (MAGIC_LITTLE, MAGIC_BIG)
        and version == WAL_VERSION
        and page_size >= 512
        and page_size & (page_size - 1) == 0
        and _checksum(data[:24], big, 0, 0) == struct.unpack_from(">2I", data, 24)
    )
    if not header_ok:
        has_frames = len(data) > WAL_HEADER_BYTES + FRAME_HEADER_BYTES
        damaged = has_frames or committed_before
        return WalFindings(0, 0, "its header is damaged" if damaged else None)
    if index is not None and committed_before and index.salt != salt:
        return WalFindings(0, 0, "it belongs to another copy of the vault")
    return _walk(database, data, page_size, big, salt, committed_before)


def _walk(
    database: Path, data: bytes, page_size: int, big: bool, salt: bytes, committed_before: int
) -> WalFindings:
    frame_bytes = FRAME_HEADER_BYTES + page_size
    frames = (len(data) - WAL_HEADER_BYTES) // frame_bytes
    chain = struct.unpack_from(">2I", data, 24)
    committed = 0
    broken_at: int | None = None
    later_commit_intact = False
    foreign_page_one = False
    database_salt = _database_salt(database)
    for number in range(frames):
        offset = WAL_HEADER_BYTES + number * frame_bytes
        header = data[offset : offset + FRAME_HEADER_BYTES]
        if header[8:16] != salt:
            break  # a frame of an earlier generation of the log: where this one ends
        page_number, commit_size = struct.unpack_from(">2I", header, 0)
        stored = struct.unpack_from(">2I", header, 16)
        page = data[offset + FRAME_HEADER_BYTES : offset + frame_bytes]
        computed = _checksum(header[:8] + page, big, *chain)
        intact = computed == stored
        if broken_at is None:
            if not intact:
                broken_at = number
            elif commit_size:
                committed = number + 1
        elif intact and commit_size:
            later_commit_intact = True  # a commit after the damage: committed, and dropped
        if intact and page_number == 1 and database_salt and page[:SALT_BYTES] != database_salt:
            foreign_page_one = True
        chain = stored  # each frame's checksum continues from the one stored before it
    problem = None
    if foreign_page_one:
        problem = "it belongs to another copy of the vault"
    elif later_commit_intact:
        problem = "a damaged frame hides committed changes after it"
    elif committed_before > committed:
        problem = "it ends before its last committed change (it was cut short or damaged)"
    return WalFindings(frames, committed, problem)


def _database_salt(database: Path) -> bytes:
    try:
        with database.open("rb") as handle:
            return handle.read(SALT_BYTES)
    except OSError:
        return b""
