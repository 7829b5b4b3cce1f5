"""The sentences the sync dialogs say: results, refusals, times, fields and values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from app.services.sync_review import ConflictRow, written_at
from app.sync.errors import ImportCancelled, PeerNotFound, SyncError
from app.sync.export import ExportReport
from app.sync.importer import ImportReport
from views.errors import user_message
from views.heading import readable_path

BUNDLE_FILTER = "Circlekeeper bundles (*.ckb);;All files (*)"
CARD_FILTER = "Contact cards (*.card *.txt);;All files (*)"
EMPTY_VALUE = "(empty)"

FIELD_LABELS = {
    "clinician_notes": "clinician notes",
    "display_name": "name",
    "text": "goal text",
    "barrier_note": "barrier note",
    "emotion_words": "emotion words",
    "minutes_attended": "minutes attended",
    "share_scope": "sharing",
    "deleted": "deleted",
    "": "the whole record",
}

KIND_LABELS = {
    "text": "Edited on two devices",
    "delete": "Deleted on one device, edited on another",
    "future": "Held back: clock ahead",
}

KIND_EXPLANATIONS = {
    "text": "Two devices changed this text without seeing each other’s change. Both versions "
    "are kept; choose one, or combine them.",
    "delete": "One device deleted this record while another edited it later. The edit was "
    "kept and the record is still there; keep it, or take the deletion.",
    "future": "This version came from a device whose clock was more than 5 minutes ahead, so "
    "it was kept aside rather than allowed to win. Keep the current value or take it.",
}

CAUSE_LABELS = {
    "edit": "replaced by an edit",
    "merge": "lost to a later edit in a merge",
    "received": "replaced on another device",
    "future": "held back (clock ahead)",
    "resolve": "replaced when a conflict was settled",
}


class OperationCancelled(Exception):
    """Raised on a worker when the user asked to cancel before the point of no return."""


def plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def when(value: dt.datetime | None) -> str:
    """A moment in this computer's time zone, e.g. "2 Mar 2026, 18:00"; "never" for None."""
    if value is None:
        return "never"
    local = value.astimezone() if value.tzinfo is not None else value
    return f"{local.day} {local:%b %Y, %H:%M}"


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def value_text(value: Any) -> str:
    """A field's value as a person reads it."""
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def conflict_title(row: ConflictRow) -> str:
    record = row.record or row.entity.replace("_", " ")
    if row.kind == "delete" or not row.field:
        return record[:1].upper() + record[1:]
    return f"{record[:1].upper()}{record[1:]} — {field_label(row.field)}"


def export_sentence(report: ExportReport) -> str:
    """What the export wrote, for whom, and how much (as the command line says it)."""
    since = "everything" if not report.since else f"changes since {_when_clock(report)}"
    whom = f" for {', '.join(report.peers)}" if report.peers else ""
    history = report.counts.get("history", 0)
    entries = plural(history, "history entry", "history entries")
    return (
        f"Wrote {plural(report.rows, 'record')} and {entries}"
        f"{whom} ({since}; {report.size / 1024:,.0f} KiB) to {readable_path(report.path)}."
    )


def _when_clock(report: ExportReport) -> str:
    return when(written_at(report.since))


def import_sentence(report: ImportReport) -> str:
    """What the import merged, what waits for review, what was flagged."""
    if report.already_imported:
        return f"This bundle from {report.source_name} was already imported; nothing changed."
    stats = report.stats
    new, changed = sum(stats.inserted.values()), sum(stats.updated.values())
    parts = [
        f"{plural(new, 'new record')} and {plural(changed, 'changed record')}",
        plural(stats.history, "history entry", "history entries"),
        f"{plural(stats.conflicts, 'change')} to review",
    ]
    if stats.held:
        parts.append(f"{plural(stats.held, 'version')} flagged and held back (clock ahead)")
    trusted = f"Now trusting {report.source_name}. " if report.newly_trusted else ""
    return f"{trusted}Imported from {report.source_name}: {', '.join(parts)}."


def sync_message(error: BaseException) -> str:
    """One sentence for the window; the command line's flags are not mentioned here."""
    if isinstance(error, OperationCancelled):
        return "The export was cancelled; no file was written."
    if isinstance(error, PeerNotFound):
        return "That device is no longer trusted here; choose another recipient."
    if isinstance(error, ImportCancelled):
        return str(error)
    if isinstance(error, SyncError) and "--passphrase-file" in str(error):
        return "This bundle is protected by a passphrase; type it in the passphrase field."
    if isinstance(error, FileNotFoundError):
        return f"{Path(error.filename or '').name or 'The file'} no longer exists."
    return user_message(error)
