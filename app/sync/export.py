"""Exporting a bundle: select, sign, compress, encrypt, write atomically, all in one transaction.

The bundle is built in memory and only its ciphertext reaches the disk, through a temporary
file that is fsynced and renamed into place (``app.vault.atomic``). The export's audit event
and the peer's new mark are written in the same transaction as the selection and commit only
after the file is in place: a failed export leaves no file, no plaintext, and no trace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database.engine import Database
from app.database.migrate import head_revision
from app.database.versions import highest_version
from app.sync import agefile, fieldlog, peers, selection
from app.sync.clock import HybridLogicalClock, wall_ms
from app.sync.container import TarWriter
from app.sync.errors import ExportRefused
from app.sync.keys import DeviceIdentity
from app.sync.manifest import SIGNATURE_CONTEXT, Manifest, Member
from app.sync.schema import synced_specs
from app.vault.atomic import write_atomically
from models import Cohort, SyncLog, TrustedPeer

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and for whom: X25519 ``recipients`` or a ``passphrase``.

    ``since_peer`` names a trusted peer: only what changed since the last export to it
    (also the default when every recipient is a trusted peer, unless ``full``). With
    ``since_peer`` and neither recipients nor passphrase, the bundle is encrypted to it.
    """

    destination: Path
    recipients: tuple[str, ...] = ()
    passphrase: str = ""
    cohorts: tuple[str, ...] = ()
    since_peer: str | None = None
    full: bool = False


@dataclass(frozen=True, slots=True)
class ExportReport:
    bundle_id: str
    path: Path
    counts: dict[str, int]
    since: int
    until: int
    peers: tuple[str, ...]
    size: int
    scope: str = "all"

    @property
    def rows(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "history")


def _cohort_ids(session: Session, names: tuple[str, ...]) -> list[str]:
    ids: list[str] = []
    for name in names:
        found = session.scalars(
            select(Cohort.id).where(Cohort.name == name, Cohort.deleted.is_(False))
        ).all()
        if not found:
            raise ExportRefused(f"There is no cohort named {name!r}; nothing was exported.")
        ids.extend(i.hex for i in found)
    return ids


def _peers_for(session: Session, request: ExportRequest) -> list[TrustedPeer]:
    if request.since_peer:
        return [peers.find(session, request.since_peer)]
    if not request.recipients:
        return []
    known = {p.age_recipient: p for p in session.scalars(select(TrustedPeer))}
    chosen = [known.get(r) for r in request.recipients]
    return [p for p in chosen if p is not None] if all(chosen) else []


def export_bundle(
    database: Database,
    device: DeviceIdentity,
    request: ExportRequest,
    *,
    actor: str,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    wall: Callable[[], int] = wall_ms,
    progress: Progress | None = None,
) -> ExportReport:
    """Write one bundle to ``request.destination``; see the module docstring."""
    recipients = [agefile.parse_recipient(r) for r in request.recipients]
    with database.write() as session:
        chosen = _peers_for(session, request)
        if not recipients and not request.passphrase:
            if not chosen:
                raise ExportRefused("Say who the bundle is for: a recipient or a passphrase.")
            recipients = [p.age_recipient for p in chosen]
        cohort_ids = _cohort_ids(session, request.cohorts)
        scope = peers.scope_key(cohort_ids)
        since = 0 if request.full or not chosen else min(peers.sent_mark(p, scope) for p in chosen)
        connection = fieldlog.raw_connection(session)
        clock = HybridLogicalClock(
            wall, last=max(fieldlog.read_clock(connection), highest_version(session))
        )
        bundle_id = str(uuid.uuid4())
        at = now()
        until = _record_export(connection, clock, bundle_id, at, actor, chosen, request)
        built = _build(connection, device, bundle_id, at, scope, cohort_ids, since, until, progress)
        plaintext, counts, clock_min = built
        if progress:
            progress("encrypting", 0, 1)
        ciphertext = agefile.encrypt(
            plaintext, recipients=recipients, passphrase=request.passphrase
        )
        del plaintext
        for peer in chosen:
            peers.record_sent(peer, scope, until, at)
        session.add(
            SyncLog(
                bundle_id=bundle_id,
                direction="export",
                peer_fingerprint=",".join(p.fingerprint for p in chosen)[:32],
                peer_name=", ".join(p.name for p in chosen)[:80] or "passphrase or recipients",
                at=at,
                actor=actor,
                rows=sum(counts.values()),
                clock_min=clock_min,
                clock_max=until,
                detail=json.dumps({"scope": scope, "since": since, "counts": counts}),
            )
        )
        session.flush()
        write_atomically(request.destination, ciphertext)
        if progress:
            progress("written", 1, 1)
    return ExportReport(
        bundle_id,
        request.destination,
        counts,
        since,
        until,
        tuple(p.name for p in chosen),
        len(ciphertext),
        scope,
    )


def _record_export(
    connection: fieldlog.Connection,
    clock: HybridLogicalClock,
    bundle_id: str,
    at: dt.datetime,
    actor: str,
    chosen: list[TrustedPeer],
    request: ExportRequest,
) -> int:
    """The export's audit event (it travels in the bundle it describes); returns its clock."""
    version = clock.now()
    whom = ", ".join(p.name for p in chosen) or (
        "a passphrase" if request.passphrase else f"{len(request.recipients)} recipient(s)"
    )
    detail = f"bundle for {whom}" + (
        f"; cohorts: {', '.join(request.cohorts)}" if request.cohorts else ""
    )
    connection.execute(
        "INSERT INTO audit_event (id, version, origin, deleted, at, actor, action, entity, "
        "entity_id, detail) VALUES (?, ?, (SELECT device_id FROM device_info), 0, ?, ?, "
        "'export', 'bundle', ?, ?)",
        (
            uuid.uuid4().hex,
            version,
            fieldlog.storage_time(at),
            actor[:80],
            uuid.UUID(bundle_id).hex,
            detail[:200],
        ),
    )
    fieldlog.write_clock(connection, version)
    return version


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(
        json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n" for row in rows
    ).encode()


def _build(
    connection: fieldlog.Connection,
    device: DeviceIdentity,
    bundle_id: str,
    at: dt.datetime,
    scope: str,
    cohort_ids: list[str],
    since: int,
    until: int,
    progress: Progress | None,
) -> tuple[bytes, dict[str, int], int]:
    specs = synced_specs()
    chosen: selection.Selected = {}
    in_scope = selection.cohort_scope(connection, cohort_ids) if cohort_ids else None
    for index, spec in enumerate(specs):
        if progress:
            progress("selecting", index, len(specs))
        rows = selection.changed_rows(connection, spec, since)
        if in_scope is not None:
            wanted = in_scope.get(spec.name, set())
            rows = {k: v for k, v in rows.items() if k in wanted}
        chosen[spec.name] = rows
    selection.close_over_parents(connection, chosen)
    history = selection.history_since(connection, since, chosen if in_scope is not None else None)

    writer = TarWriter()
    members: list[Member] = []
    counts: dict[str, int] = {}
    stamps = [until]
    for index, spec in enumerate(specs):
        if progress:
            progress("packing", index, len(specs))
        lines = []
        for values, fields in sorted(chosen.get(spec.name, {}).values(), key=lambda r: r[0]["id"]):
            row = dict(values)
            stamps.append(values["version"])
            if fields:
                entries = json.loads(fields)
                row["_fv"] = entries
                stamps.extend(entry[0] for entry in entries.values())
            lines.append(row)
        members.append(_add(writer, f"rows/{spec.name}.jsonl", _jsonl(lines), len(lines)))
        counts[spec.name] = len(lines)
    stamps.extend(entry["version"] for entry in history)
    members.append(_add(writer, "history.jsonl", _jsonl(history), len(history)))
    counts["history"] = len(history)
    manifest = Manifest(
        bundle_id=bundle_id,
        created_at=at.isoformat(),
        source=device.card,
        schema=head_revision(),
        scope={"cohorts": cohort_ids or None, "since": since, "until": until},
        clock_min=min(stamps),
        clock_max=max(stamps),
        counts=counts,
        members=tuple(members),
    )
    manifest_bytes = manifest.to_bytes()
    writer.add("manifest.json", manifest_bytes)
    writer.add("manifest.sig", device.sign(SIGNATURE_CONTEXT + manifest_bytes))
    return writer.finish(), counts, manifest.clock_min


def _add(writer: TarWriter, name: str, data: bytes, rows: int) -> Member:
    writer.add(name, data)
    return Member(name, rows, len(data), hashlib.sha256(data).hexdigest())
