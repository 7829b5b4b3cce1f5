"""Importing a bundle: bound it, decrypt it, verify it completely, then apply it in one go.

Order of checks, cheapest and most dangerous first: file size; the age header (our parser,
``app.sync.agefile``); decryption; the tar's shape; the manifest and its Ed25519 signature
against the trusted peers; every member's size, SHA-256 and row count; the schema version.
Only then does one write transaction begin, in which every row is validated and merged;
any failure rolls it back, so the vault is exactly as before, and the reason is one sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc
from sqlalchemy.orm import Session

from app.database.engine import Database
from app.database.migrate import head_revision
from app.sync import agefile, container, fieldlog, peers
from app.sync.apply import Applier, ApplyStats
from app.sync.clock import HybridLogicalClock, pack, wall_ms
from app.sync.errors import BundleRejected, ImportCancelled, UnknownSigner
from app.sync.keys import DeviceIdentity, normalize_fingerprint
from app.sync.manifest import Manifest, verify_signature
from app.sync.rows import parse_history, parse_rows
from app.sync.schema import spec_by_name, synced_specs
from models import SyncLog, TrustedPeer

MAX_BUNDLE_BYTES = 1024**3
FUTURE_TOLERANCE_MS = 5 * 60 * 1000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ImportReport:
    bundle_id: str
    source_name: str
    source_fingerprint: str
    already_imported: bool
    newly_trusted: bool
    stats: ApplyStats

    @property
    def changed_rows(self) -> int:
        return sum(self.stats.inserted.values()) + sum(self.stats.updated.values())


def read_bundle_file(path: Path, limit: int = MAX_BUNDLE_BYTES) -> bytes:
    """The file's bytes, refusing before reading anything larger than ``limit``."""
    size = path.stat().st_size
    if size > limit:
        raise BundleRejected(
            f"{path.name} is {size / 1024**2:,.0f} MiB, more than a bundle may be "
            f"({limit / 1024**2:,.0f} MiB); it was not opened."
        )
    return path.read_bytes()


def expected_members() -> list[str]:
    return [f"rows/{spec.name}.jsonl" for spec in synced_specs()] + ["history.jsonl"]


def open_bundle(
    data: bytes, device: DeviceIdentity, passphrase: str = ""
) -> tuple[Manifest, bytes, bytes, dict[str, bytes]]:
    """Decrypt and unpack: (manifest, its bytes, signature, members by name). Not yet trusted."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRejected("The bundle is larger than a bundle may be; it was not opened.")
    plaintext = agefile.decrypt(data, identity=device.age_identity, passphrase=passphrase)
    members = container.unpack(plaintext)
    del plaintext
    names = [name for name, _content in members]
    expected = [*expected_members(), "manifest.json", "manifest.sig"]
    if names != expected:
        raise BundleRejected(
            "The bundle's members are not the ones this version of Circlekeeper writes "
            "(missing, extra, repeated or out of order); it was not imported."
        )
    contents = dict(members)
    manifest_bytes = contents.pop("manifest.json")
    signature = contents.pop("manifest.sig")
    return Manifest.parse(manifest_bytes), manifest_bytes, signature, contents


def verify(
    session: Session,
    device: DeviceIdentity,
    manifest: Manifest,
    manifest_bytes: bytes,
    signature: bytes,
    members: dict[str, bytes],
    trust: str | None,
) -> str:
    """Check signer, signature, members and schema; returns how the signer is trusted."""
    source = manifest.source
    if source.fingerprint == device.card.fingerprint:
        signer = "self"
    else:
        peer = session.get(TrustedPeer, source.fingerprint)
        if peer is not None and peer.verify_key == source.verify_key:
            signer = "trusted"
        elif trust is not None and normalize_fingerprint(trust) == source.fingerprint:
            signer = "newly trusted"
        else:
            raise UnknownSigner(source.fingerprint, source.name)
    verify_signature(manifest_bytes, signature, source.verify_key)
    listed = [m.name for m in manifest.members]
    if listed != expected_members():
        raise BundleRejected("The bundle's manifest lists other members than it holds.")
    for member in manifest.members:
        content = members[member.name]
        if len(content) != member.size or hashlib.sha256(content).hexdigest() != member.sha256:
            raise BundleRejected(
                f"The bundle's member {member.name} does not match its signed hash; "
                "it was altered or damaged."
            )
        if content.count(b"\n") != member.rows:
            raise BundleRejected(f"The bundle's member {member.name} has the wrong row count.")
        table = "history" if member.name == "history.jsonl" else member.name[5:-6]
        if manifest.counts.get(table) != member.rows:
            raise BundleRejected("The bundle's row counts disagree with its members.")
    if set(manifest.counts) != {*(s.name for s in synced_specs()), "history"}:
        raise BundleRejected("The bundle's row counts name other tables than it holds.")
    if manifest.schema != head_revision():
        raise BundleRejected(
            f"This bundle was written by Circlekeeper with schema {manifest.schema}; this "
            f"one has {head_revision()}. Update both to the same version, then import again."
        )
    return signer


def import_bundle(
    database: Database,
    device: DeviceIdentity,
    data: bytes,
    *,
    actor: str,
    trust: str | None = None,
    passphrase: str = "",
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    wall: Callable[[], int] = wall_ms,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ImportReport:
    """Verify ``data`` completely, then merge it into the vault in one transaction."""
    report = progress or (lambda _stage, _done, _total: None)
    report("decrypting", 0, 1)
    manifest, manifest_bytes, signature, members = open_bundle(data, device, passphrase)
    source = manifest.source
    with database.read() as session:
        signer = verify(session, device, manifest, manifest_bytes, signature, members, trust)
    total = sum(manifest.counts.values())
    try:
        with database.write() as session:
            if session.get(SyncLog, manifest.bundle_id) is not None:
                return ImportReport(
                    manifest.bundle_id, source.name, source.fingerprint, True, False, ApplyStats()
                )
            stats = _apply(session, manifest, members, now(), wall(), report, cancelled, total)
            if signer == "newly trusted":
                peers.add_trusted(session, source, now())
            peer = session.get(TrustedPeer, source.fingerprint)
            if peer is not None:
                peer.last_received_version = max(
                    peer.last_received_version or 0, manifest.clock_max
                )
                peer.last_received_at = now()
            session.add(_log(manifest, actor, now(), stats))
            session.flush()
    except exc.IntegrityError:
        raise BundleRejected(
            "The bundle refers to records that neither it nor this vault holds; "
            "nothing was imported."
        ) from None
    report("done", total, total)
    return ImportReport(
        manifest.bundle_id, source.name, source.fingerprint, False, signer == "newly trusted", stats
    )


def _apply(
    session: Session,
    manifest: Manifest,
    members: dict[str, bytes],
    at: dt.datetime,
    wall_now: int,
    report: Progress,
    cancelled: Callable[[], bool],
    total: int,
) -> ApplyStats:
    connection = fieldlog.raw_connection(session)
    connection.execute("PRAGMA defer_foreign_keys = ON")  # bundles are closed, in any order
    last = fieldlog.read_clock(connection)
    clock = HybridLogicalClock(lambda: wall_now, last=last)
    applier = Applier(
        connection,
        seq=clock.now(),
        mark=peers.highest_mark(session),
        future_after=pack(wall_now + FUTURE_TOLERANCE_MS, 0xFFFF),
        at=fieldlog.storage_time(at),
    )
    low, high = manifest.clock_min, manifest.clock_max
    applier.history(parse_history(members["history.jsonl"], low, high, spec_by_name()))
    done = 0
    for spec in synced_specs():
        if cancelled():
            raise ImportCancelled()
        rows = parse_rows(spec, members[f"rows/{spec.name}.jsonl"], low, high)

        def tick(index: int, base: int = done) -> None:
            if cancelled():
                raise ImportCancelled()
            report("applying", base + index, total)

        applier.table(spec, rows, tick)
        done += len(rows)
    applier.settle()
    clock.observe(applier.observed)
    fieldlog.write_clock(connection, clock.now())
    return applier.stats


def _log(manifest: Manifest, actor: str, at: dt.datetime, stats: ApplyStats) -> SyncLog:
    changed = sum(stats.inserted.values()) + sum(stats.updated.values())
    return SyncLog(
        bundle_id=manifest.bundle_id,
        direction="import",
        peer_fingerprint=manifest.source.fingerprint,
        peer_name=manifest.source.name,
        at=at,
        actor=actor[:80],
        rows=changed,
        clock_min=manifest.clock_min,
        clock_max=manifest.clock_max,
        detail=f"{changed} records changed, {stats.history} history entries, "
        f"{stats.conflicts} conflicts to review, {stats.held} versions held back",
    )
