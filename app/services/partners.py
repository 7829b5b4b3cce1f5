"""Accountability partners: pairs or trios per cohort, their history, and contacts between sessions.

``PartnerService`` (dates are local dates in the cohort's time zone; "today" is the cohort's):
- ``pair(cohort_id, participant_ids, *, start=None) -> PairRow``: two or three active members,
  none of whom already has a partner in this cohort.
- ``apply_pairing(cohort_id, groups, *, start=None) -> list[PairRow]``: ends every current pair
  the day before ``start`` and creates ``groups`` (e.g. a ``PairingSuggestion``'s), in one step.
- ``end(pair_id, *, on=None) -> PairRow``: ``on`` is the pair's last day.
- ``for_cohort(cohort_id, *, on=None, include_ended=False) -> list[PairRow]``.
- ``log_contact(pair_id, initiated_by, method, *, on=None, reached=None, note="") -> ContactRow``.
- ``contacts(pair_id) -> list[ContactRow]``: newest first.

Contact notes are for the facilitator; they never appear on the agenda or the presenter screen.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.services import validation as check
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today
from app.services.lookup import live
from models import (
    AccountabilityPair,
    Cohort,
    ContactMethod,
    Enrollment,
    EnrollmentStatus,
    Participant,
    PartnerContact,
)


@dataclass(frozen=True, slots=True)
class PartnerRow:
    participant_id: uuid.UUID
    display_name: str


@dataclass(frozen=True, slots=True)
class PairRow:
    id: uuid.UUID
    cohort_id: uuid.UUID
    members: tuple[PartnerRow, ...]  # two, or three for a trio
    start_date: dt.date
    end_date: dt.date | None  # the last day, inclusive; None while current
    last_contact: dt.date | None
    contact_count: int

    @property
    def names(self) -> str:
        return " & ".join(m.display_name for m in self.members)

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: uuid.UUID
    pair_id: uuid.UUID
    contact_date: dt.date
    initiated_by_id: uuid.UUID
    initiated_by_name: str
    reached_id: uuid.UUID | None  # None: the whole trio (or the one partner of a pair)
    reached_name: str
    method: ContactMethod
    note: str
    recorded_at: dt.datetime


class PartnerService:
    """Pairs are never deleted once in effect: ending one keeps it as history."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def _today(self, cohort: Cohort) -> dt.date:
        return cohort_today(cohort.timezone, self._context.now())

    def pair(
        self,
        cohort_id: uuid.UUID,
        participant_ids: Sequence[uuid.UUID],
        *,
        start: dt.date | None = None,
    ) -> PairRow:
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            day = start or self._today(cohort)
            pair = self._new_pair(db, cohort, participant_ids, day)
            return _pair_row(db, pair)

    def apply_pairing(
        self,
        cohort_id: uuid.UUID,
        groups: Sequence[Sequence[uuid.UUID]],
        *,
        start: dt.date | None = None,
    ) -> list[PairRow]:
        """End every pair current on ``start`` and begin ``groups`` that day, all or nothing."""
        with self._context.database.write() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            day = start or self._today(cohort)
            for old in _open_pairs(db, cohort_id, day):
                if old.start_date >= day:
                    old.deleted = True  # never in effect: replaced on its first day
                else:
                    old.end_date = day - dt.timedelta(days=1)
            db.flush()
            created = [self._new_pair(db, cohort, group, day) for group in groups]
            return [_pair_row(db, p) for p in created]

    def end(self, pair_id: uuid.UUID, *, on: dt.date | None = None) -> PairRow:
        with self._context.database.write() as db:
            pair = live(db, AccountabilityPair, pair_id, "partner pairing")
            cohort = live(db, Cohort, pair.cohort_id, "cohort")
            day = on or self._today(cohort)
            if pair.end_date is not None:
                raise InvalidInput("end_date", "This pairing has already ended.")
            check.date_order("end_date", pair.start_date, day)
            pair.end_date = day
            db.flush()
            return _pair_row(db, pair)

    def for_cohort(
        self, cohort_id: uuid.UUID, *, on: dt.date | None = None, include_ended: bool = False
    ) -> list[PairRow]:
        """Pairs current on ``on`` (default today); with ``include_ended``, the whole history."""
        with self._context.database.read() as db:
            cohort = live(db, Cohort, cohort_id, "cohort")
            query = select(AccountabilityPair).where(
                AccountabilityPair.cohort_id == cohort_id,
                AccountabilityPair.deleted.is_(False),
            )
            pairs = list(db.scalars(query.order_by(AccountabilityPair.start_date)))
            rows = [_pair_row(db, p) for p in pairs]
            if include_ended:
                return rows
            day = on or self._today(cohort)
            return [r for r in rows if r.active_on(day)]

    def log_contact(
        self,
        pair_id: uuid.UUID,
        initiated_by: uuid.UUID,
        method: ContactMethod,
        *,
        on: dt.date | None = None,
        reached: uuid.UUID | None = None,
        note: str = "",
    ) -> ContactRow:
        method = check.choice("method", method, ContactMethod, label="way they reached out")
        note = check.text("note", note, max_length=500)
        with self._context.database.write() as db:
            pair = live(db, AccountabilityPair, pair_id, "partner pairing")
            cohort = live(db, Cohort, pair.cohort_id, "cohort")
            today = self._today(cohort)
            day = on or today
            members = pair.member_ids
            if initiated_by not in members:
                raise InvalidInput("initiated_by", "Whoever reached out must be in this pairing.")
            if reached is not None and (reached not in members or reached == initiated_by):
                raise InvalidInput("reached", "They can reach out only to their own partner.")
            check.not_in_future("on", day, today, label="contact date")
            if day < pair.start_date or (pair.end_date is not None and day > pair.end_date):
                raise InvalidInput("on", "That date is outside the time they were partners.")
            contact = PartnerContact(
                pair_id=pair_id,
                contact_date=day,
                initiated_by_id=initiated_by,
                reached_id=reached,
                method=method,
                note=note,
                recorded_at=self._context.now(),
            )
            db.add(contact)
            db.flush()
            return _contact_row(db, contact)

    def contacts(self, pair_id: uuid.UUID) -> list[ContactRow]:
        with self._context.database.read() as db:
            live(db, AccountabilityPair, pair_id, "partner pairing")
            found = db.scalars(
                select(PartnerContact)
                .where(PartnerContact.pair_id == pair_id, PartnerContact.deleted.is_(False))
                .order_by(PartnerContact.contact_date.desc(), PartnerContact.recorded_at.desc())
            )
            return [_contact_row(db, c) for c in found]

    # -- helpers -------------------------------------------------------------------------

    def _new_pair(
        self, db: Session, cohort: Cohort, participant_ids: Sequence[uuid.UUID], day: dt.date
    ) -> AccountabilityPair:
        ids = list(participant_ids)
        if len(ids) not in (2, 3) or len(set(ids)) != len(ids):
            raise InvalidInput("members", "Partners are two or three different people.")
        for pid in ids:
            person = live(db, Participant, pid, "participant")
            if not _active_member(db, pid, cohort.id, day):
                raise InvalidInput(
                    "members", f"{person.display_name} is not an active member of {cohort.name}."
                )
        busy = [p for p in _open_pairs(db, cohort.id, day) if set(p.member_ids) & set(ids)]
        if busy:
            raise InvalidInput(
                "members", "Someone here already has a partner; end that pairing first."
            )
        pair = AccountabilityPair(
            cohort_id=cohort.id,
            first_id=ids[0],
            second_id=ids[1],
            third_id=ids[2] if len(ids) == 3 else None,
            start_date=day,
        )
        db.add(pair)
        db.flush()
        return pair


def _open_pairs(db: Session, cohort_id: uuid.UUID, day: dt.date) -> list[AccountabilityPair]:
    """Pairs of the cohort still in effect on or after ``day``."""
    return list(
        db.scalars(
            select(AccountabilityPair).where(
                AccountabilityPair.cohort_id == cohort_id,
                AccountabilityPair.deleted.is_(False),
                or_(AccountabilityPair.end_date.is_(None), AccountabilityPair.end_date >= day),
            )
        )
    )


def _active_member(
    db: Session, participant_id: uuid.UUID, cohort_id: uuid.UUID, day: dt.date
) -> bool:
    return (
        db.scalar(
            select(Enrollment.id).where(
                Enrollment.participant_id == participant_id,
                Enrollment.cohort_id == cohort_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.deleted.is_(False),
                Enrollment.start_date <= day,
            )
        )
        is not None
    )


def _names(db: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(
        db.execute(
            select(Participant.id, Participant.display_name).where(Participant.id.in_(ids))
        ).all()
    )


def _pair_row(db: Session, pair: AccountabilityPair) -> PairRow:
    names = _names(db, pair.member_ids)
    last, count = db.execute(
        select(func.max(PartnerContact.contact_date), func.count()).where(
            PartnerContact.pair_id == pair.id, PartnerContact.deleted.is_(False)
        )
    ).one()
    return PairRow(
        pair.id,
        pair.cohort_id,
        tuple(PartnerRow(pid, names.get(pid, "")) for pid in pair.member_ids),
        pair.start_date,
        pair.end_date,
        last,
        int(count),
    )


def _contact_row(db: Session, contact: PartnerContact) -> ContactRow:
    ids = [contact.initiated_by_id] + ([contact.reached_id] if contact.reached_id else [])
    names = _names(db, ids)
    return ContactRow(
        contact.id,
        contact.pair_id,
        contact.contact_date,
        contact.initiated_by_id,
        names.get(contact.initiated_by_id, ""),
        contact.reached_id,
        names.get(contact.reached_id, "") if contact.reached_id else "their partners",
        contact.method,
        contact.note,
        contact.recorded_at,
    )
