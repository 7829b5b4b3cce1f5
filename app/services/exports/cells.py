"""CSV cells a spreadsheet cannot turn into formulas, and timestamps in a cohort's own zone.

OWASP's advice against CSV (formula) injection: no cell may begin with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (ASVS adds NUL), every cell is quoted and inner quotes are
doubled. A cell that would begin with one of them gets a leading apostrophe, which
spreadsheets read as "this is text". A cell that already begins with an apostrophe gets one
too, so the rule stays reversible: drop one leading apostrophe from any cell that has one
and the stored text is back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = frozenset("=+-@\t\r\0'")
Cell = str | int | None


def neutralise(value: Cell) -> str:
    """The text of one cell, with an apostrophe before a leading formula character."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text and text[0] in FORMULA_STARTS else text


def moment(value: dt.datetime, zone: dt.tzinfo) -> str:
    """ISO 8601 to the second with the zone's offset that day: ``2026-03-02T18:00:00-06:00``."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def render(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 (no byte-order mark), a header row, every cell quoted, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells under a header of {len(header)}")
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")
