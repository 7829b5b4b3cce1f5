"""What the window's sync views ask of the services: record names, the count, a bundle's lock."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from pathlib import Path

import pytest

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.sync.errors import BundleRejected
from tests.unit.test_sync_support import Machine, machines, small_program

__all__ = ["machines"]


def test_records_are_named_for_people_on_the_day_their_group_met(services: Services) -> None:
    cohort = services.cohorts.create(
        CohortDraft(name="Chicago evenings", timezone="America/Chicago")
    )
    person = services.participants.create(ParticipantDraft(display_name="Ana"))
    services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
    # 19:00 in Chicago on Monday 2 March is 01:00 UTC on Tuesday 3 March.
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC))
    checkin = services.checkins.record(session.id, person.id, CheckInDraft(mood=5))
    review = services.sync_review
    assert review.describe("checkin", checkin.id) == "Ana’s check-in, 2 Mar 2026"
    assert review.describe("participant", person.id) == "Ana"
    assert review.describe("group_session", session.id) == (
        "the Chicago evenings session, 2 Mar 2026"
    )
    assert review.describe("cohort", cohort.id) == "the cohort Chicago evenings"
    assert review.describe("goal", uuid.uuid4()) == "a goal"  # gone: its kind


def test_conflicts_carry_the_record_name_and_are_counted(machines: list[Machine]) -> None:
    a, b, _c = machines
    _cohort, members, session = small_program(a.services, people=1)
    a.services.checkins.record(session.id, members[0].id, CheckInDraft(challenges="one"))
    b.import_(a.export(b))
    assert a.services.sync_review.open_conflict_count() == 0
    a.services.checkins.record(session.id, members[0].id, CheckInDraft(challenges="from A"))
    b.services.checkins.record(session.id, members[0].id, CheckInDraft(challenges="from B"))
    a.import_(b.export(a))
    (conflict,) = a.services.sync_review.conflicts()
    assert conflict.record == "Person 0’s check-in, 2 Mar 2026"
    assert a.services.sync_review.open_conflict_count() == 1
    a.services.sync_review.resolve(conflict.id, "current")
    assert a.services.sync_review.open_conflict_count() == 0


def test_a_bundle_says_whether_it_needs_a_passphrase_before_anything_is_decrypted(
    machines: list[Machine], tmp_path: Path
) -> None:
    a, b, _c = machines
    small_program(a.services, people=1)
    exchange = a.services.exchange
    assert exchange.needs_passphrase(a.export(b)) is False
    # The header of a passphrase bundle (only the header is read: no scrypt run needed).
    salt, body, mac = (base64.b64encode(bytes(n)).rstrip(b"=") for n in (16, 32, 32))
    locked = tmp_path / "locked.ckb"
    locked.write_bytes(
        b"age-encryption.org/v1\n-> scrypt " + salt + b" 18\n" + body + b"\n--- " + mac
        + b"\n" + bytes(64)
    )  # fmt: skip
    assert exchange.needs_passphrase(locked) is True
    foreign = tmp_path / "notes.ckb"
    foreign.write_text("minutes\n")
    with pytest.raises(BundleRejected, match="not a Circlekeeper bundle"):
        exchange.needs_passphrase(foreign)
