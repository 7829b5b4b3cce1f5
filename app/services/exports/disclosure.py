"""Disclosures under 42 CFR Part 2: whose records need the notice, and who received them.

A participant's records in an export are Part 2 records when a stay whose records the
export includes was in a substance-use or dual-diagnosis cohort. Such an export names its
recipient and the consent it is made under before anything is written; writing it adds one
``Disclosure`` row per participant concerned (listed on their profile by
``DisclosureService.disclosures_for``) and an audit event saying what, to whom and by whom,
in the same transaction as the file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.errors import ServiceError
from app.services.lookup import live
from models import AuditAction, AuditEvent, Disclosure, Participant, Track

PART2_TRACKS = frozenset({Track.SUBSTANCE_USE, Track.DUAL_DIAGNOSIS})
RECIPIENT_LENGTH = 200
CONSENT_LENGTH = 2000


def is_part2(track: Track) -> bool:
    """Whether a cohort of this track holds substance-use disorder (Part 2) records."""
    return track in PART2_TRACKS


@dataclass(frozen=True, slots=True)
class DisclosureRequest:
    """Who an export is for, and the consent it is disclosed under (its date and scope)."""

    recipient: str
    consent: str

    def validated(self) -> DisclosureRequest:
        return DisclosureRequest(
            check.text(
                "recipient", self.recipient, max_length=RECIPIENT_LENGTH, required=True,
                label="recipient",
            ),
            check.text(
                "consent", self.consent, max_length=CONSENT_LENGTH, required=True,
                label="consent",
            ),
        )  # fmt: skip


class DisclosureRequired(ServiceError):
    """The export holds Part 2 records and was not told whom it is for; nothing was written."""

    def __init__(self, participants: int) -> None:
        people = "1 participant" if participants == 1 else f"{participants} participants"
        super().__init__(
            f"These records include substance-use records (42 CFR Part 2) of {people}: say "
            "who they are for and under which consent; nothing was written."
        )
        self.participants = participants


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    """One participant's records in one export that left the vault."""

    id: uuid.UUID
    export_id: uuid.UUID
    participant_id: uuid.UUID
    disclosed_at: dt.datetime
    disclosed_by: str
    recipient: str
    consent: str
    kind: str
    description: str
    records: int
    notice: str


def to_row(row: Disclosure) -> DisclosureRow:
    return DisclosureRow(
        row.id,
        row.export_id,
        row.participant_id,
        row.disclosed_at,
        row.disclosed_by,
        row.recipient,
        row.consent,
        row.kind,
        row.description,
        row.records,
        row.notice,
    )


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """What one written export was, for the audit trail and the disclosure rows."""

    export_id: uuid.UUID
    kind: str
    description: str
    request: DisclosureRequest | None
    concerned: Mapping[uuid.UUID, int]  # participant -> their records in the export
    notice: str
    entity: str = ""
    entity_id: uuid.UUID | None = None


def record_export(db: Session, context: ServiceContext, export: ExportRecord, records: int) -> None:
    """Add the audit event and one Disclosure per participant concerned (not committed).

    The event says what (the description and how many records), to whom (the recipient,
    when one was given), by whom (the actor) and when; it names no participant and holds
    no clinical content.
    """
    at = context.now()
    if export.concerned and export.request is None:
        raise DisclosureRequired(len(export.concerned))
    for participant_id, theirs in sorted(export.concerned.items()):
        assert export.request is not None
        live(db, Participant, participant_id, "participant")
        db.add(
            Disclosure(
                participant_id=participant_id,
                export_id=export.export_id,
                disclosed_at=at,
                disclosed_by=context.actor,
                recipient=export.request.recipient,
                consent=export.request.consent,
                kind=export.kind,
                description=export.description[:200],
                records=theirs,
                notice=export.notice,
            )
        )
    whom = f" to {export.request.recipient}" if export.request is not None else ""
    part2 = f"; Part 2 notice for {len(export.concerned)}" if export.concerned else ""
    db.add(
        AuditEvent(
            at=at,
            actor=context.actor,
            action=AuditAction.EXPORT,
            entity=export.entity or "export",
            entity_id=export.entity_id or export.export_id,
            detail=f"{export.description}, {records} records{whom}{part2}"[:200],
        )
    )
    db.flush()


class DisclosureService:
    """Reads the disclosures made of a participant's records, for their profile."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def disclosures_for(self, participant_id: uuid.UUID) -> list[DisclosureRow]:
        """Every disclosure of this person's records, newest first."""
        with self._context.database.read() as db:
            live(db, Participant, participant_id, "participant")
            rows = db.scalars(
                select(Disclosure)
                .where(Disclosure.participant_id == participant_id, Disclosure.deleted.is_(False))
                .order_by(Disclosure.disclosed_at.desc(), Disclosure.version.desc())
            )
            return [to_row(row) for row in rows]
