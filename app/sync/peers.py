"""Trusted peers: devices whose bundles this vault accepts, and where each exchange left off."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database.engine import Database
from app.sync.errors import PeerNotFound
from app.sync.keys import ContactCard, normalize_fingerprint
from models import TrustedPeer

ALL_DATA = "all"


@dataclass(frozen=True, slots=True)
class PeerRow:
    fingerprint: str
    device_id: str
    name: str
    age_recipient: str
    trusted_at: dt.datetime
    last_sent_version: int | None
    last_sent_at: dt.datetime | None
    last_received_version: int | None
    last_received_at: dt.datetime | None


def to_row(peer: TrustedPeer) -> PeerRow:
    return PeerRow(
        peer.fingerprint,
        peer.device_id,
        peer.name,
        peer.age_recipient,
        peer.trusted_at,
        peer.last_sent_version,
        peer.last_sent_at,
        peer.last_received_version,
        peer.last_received_at,
    )


def add_trusted(session: Session, card: ContactCard, at: dt.datetime) -> TrustedPeer:
    """Trust ``card`` (again: a known fingerprint keeps its exchange marks)."""
    peer = session.get(TrustedPeer, card.fingerprint)
    if peer is None:
        peer = TrustedPeer(
            fingerprint=card.fingerprint,
            device_id=card.device_id,
            name=card.name,
            age_recipient=card.age_recipient,
            verify_key=card.verify_key,
            trusted_at=at,
            sent_marks="{}",
        )
        session.add(peer)
    else:
        peer.name = card.name
    return peer


def trust(database: Database, card: ContactCard) -> PeerRow:
    with database.write() as session:
        peer = add_trusted(session, card, dt.datetime.now(dt.UTC))
        session.flush()
        return to_row(peer)


def list_peers(database: Database) -> list[PeerRow]:
    with database.read() as session:
        peers = session.scalars(select(TrustedPeer).order_by(TrustedPeer.name))
        return [to_row(p) for p in peers]


def find(session: Session, query: str) -> TrustedPeer:
    """A peer by fingerprint, device id, age recipient or exact name."""
    wanted = normalize_fingerprint(query)
    for peer in session.scalars(select(TrustedPeer)):
        if query in (peer.device_id, peer.age_recipient, peer.name) or wanted == peer.fingerprint:
            return peer
    raise PeerNotFound(query)


def scope_key(cohort_ids: list[str] | None) -> str:
    return ALL_DATA if not cohort_ids else ",".join(sorted(cohort_ids))


def sent_mark(peer: TrustedPeer, scope: str) -> int:
    """The clock of the last export to ``peer`` covering ``scope`` (0: never)."""
    marks: dict[str, int] = json.loads(peer.sent_marks or "{}")
    if scope == ALL_DATA:
        return marks.get(ALL_DATA, 0)
    # An export of everything covered these cohorts too.
    return max(marks.get(scope, 0), marks.get(ALL_DATA, 0))


def record_sent(peer: TrustedPeer, scope: str, clock: int, at: dt.datetime) -> None:
    marks: dict[str, int] = json.loads(peer.sent_marks or "{}")
    marks[scope] = max(marks.get(scope, 0), clock)
    peer.sent_marks = json.dumps(marks, sort_keys=True)
    peer.last_sent_version = max(peer.last_sent_version or 0, clock)
    peer.last_sent_at = at


def highest_mark(session: Session) -> int:
    """The highest clock any peer was sent up to: rows older than it need a ``seq``."""
    highest = 0
    for marks in session.scalars(select(TrustedPeer.sent_marks)):
        values = json.loads(marks or "{}").values()
        highest = max(highest, *values) if values else highest
    return highest
