"""Bundles between real vaults: trust, exchange, merge rules, conflicts, interop with `age`."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.participants import ParticipantDraft
from app.sync import agefile, fieldlog
from app.sync.clock import unpack, wall_ms
from app.sync.errors import BundleRejected, CardInvalid, UnknownSigner
from app.sync.importer import import_bundle
from app.sync.keys import ContactCard
from models import AttendanceStatus
from tests.unit.test_sync_support import Machine, machines, small_program

__all__ = ["machines"]


def _conflicts(machine: Machine) -> list[tuple[str, str, str]]:
    return [
        (c.kind, c.field, c.status)
        for c in machine.services.sync_review.conflicts(include_settled=True)
    ]


def test_contact_card_round_trips_and_refuses_tampering(machines: list[Machine]) -> None:
    card = machines[0].device.card
    text = card.to_text()
    assert ContactCard.parse(text) == card
    assert f"\n{card.age_recipient}\n" in text
    with pytest.raises(CardInvalid):
        ContactCard.parse(
            text.replace(f"name: {card.name}", "name: x").replace(card.device_id, "0" * 36)
        )
    other = machines[1].device.card
    with pytest.raises(CardInvalid):
        ContactCard.parse(text.replace(card.age_recipient, other.age_recipient))


def test_exchange_both_ways_converges_and_a_second_import_changes_nothing(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    small_program(a.services)
    b.import_(a.export(b))
    b_program = small_program(b.services, people=2, name="Wednesday")
    a.import_(b.export(a))
    assert a.digest() == b.digest()
    bundle = a.export(b)
    first = b.import_(bundle)
    before = b.digest()
    again = b.import_(bundle)
    assert not first.already_imported and again.already_imported
    assert b.digest() == before
    assert b_program is not None


def test_local_edits_keep_history_and_per_field_versions(machines: list[Machine]) -> None:
    a = machines[0]
    person = a.services.participants.create(ParticipantDraft(display_name="Ana"))
    a.services.participants.set_clinician_notes(person.id, "first")
    a.services.participants.set_clinician_notes(person.id, "second")
    history = a.services.sync_review.history("participant", person.id, "clinician_notes")
    assert [h.value for h in history] == ["first", ""]
    with a.vault.database.read() as db:
        raw = fieldlog.raw_connection(db)
        (fields,) = raw.execute(
            "SELECT fields FROM row_clock WHERE row_id = ?", (person.id.hex,)
        ).fetchone()
    assert "display_name" in fields and "clinician_notes" in fields


def test_concurrent_text_edits_become_a_conflict_settled_everywhere(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    person = a.services.participants.create(ParticipantDraft(display_name="Ana"))
    b.import_(a.export(b))
    a.services.participants.set_clinician_notes(person.id, "from A")
    b.services.participants.set_clinician_notes(person.id, "from B")
    b.import_(a.export(b))
    a.import_(b.export(a))
    assert _conflicts(a) == _conflicts(b) == [("text", "clinician_notes", "open")]
    (conflict,) = a.services.sync_review.conflicts()
    assert {conflict.current_value, conflict.other_value} == {"from A", "from B"}
    settled = a.services.sync_review.resolve(conflict.id, "combined", "from A; from B")
    assert settled.status == "resolved"
    b.import_(a.export(b))
    assert a.services.participants.clinician_notes(person.id) == "from A; from B"
    assert b.services.participants.clinician_notes(person.id) == "from A; from B"
    assert b.services.sync_review.conflicts() == []
    a.import_(b.export(a))
    assert a.digest() == b.digest()
    values = {h.value for h in b.services.sync_review.history("participant", person.id)}
    assert {"from A", "from B", ""} <= values


def test_a_delete_against_a_later_edit_keeps_the_edit_and_flags_it(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    _cohort, members, session = small_program(a.services, people=1)
    a.services.attendance.mark(session.id, members[0].id, AttendanceStatus.PRESENT)
    b.import_(a.export(b))
    with a.vault.database.write() as db:  # a delete (no service deletes marks yet)
        from models import Attendance

        for mark in db.query(Attendance):
            mark.deleted = True
    time.sleep(0.002)
    b.services.attendance.mark(session.id, members[0].id, AttendanceStatus.LATE, note="came late")
    a.import_(b.export(a))
    b.import_(a.export(b))
    for machine in (a, b):
        marks = machine.services.attendance.for_session(session.id)
        assert [(m.status, m.note) for m in marks] == [(AttendanceStatus.LATE, "came late")]
        assert ("delete", "deleted", "open") in _conflicts(machine)
    assert a.digest() == b.digest()


def test_attendance_marked_on_two_devices_is_one_mark(machines: list[Machine]) -> None:
    a, b, _c = machines
    _cohort, members, session = small_program(a.services, people=1)
    b.import_(a.export(b))
    a.services.attendance.mark(session.id, members[0].id, AttendanceStatus.PRESENT)
    b.services.attendance.mark(session.id, members[0].id, AttendanceStatus.PRESENT)
    a.import_(b.export(a))
    b.import_(a.export(b))
    assert len(a.services.attendance.for_session(session.id)) == 1
    assert a.digest() == b.digest()


def test_versions_far_ahead_are_held_and_the_clock_moves_past_the_rest(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    person = a.services.participants.create(ParticipantDraft(display_name="Ana"))
    b.import_(a.export(b))
    first_until = a.last_export.until
    a.services.participants.set_clinician_notes(person.id, "from a fast clock")
    bundle = a.export(b)
    ten_minutes_ago = wall_ms() - 10 * 60 * 1000
    report = import_bundle(
        b.vault.database, b.device, bundle.read_bytes(), actor="b", wall=lambda: ten_minutes_ago
    )
    assert report.stats.held >= 1
    assert b.services.participants.clinician_notes(person.id) == ""
    kinds = {c.kind for c in b.services.sync_review.conflicts()}
    assert "future" in kinds
    with b.vault.database.read() as db:
        clock = fieldlog.read_clock(fieldlog.raw_connection(db))
    # past every version it accepted, but not dragged ahead by the ones it held back
    assert first_until <= clock < a.last_export.until
    held = next(c for c in b.services.sync_review.conflicts() if c.field == "clinician_notes")
    b.services.sync_review.resolve(held.id, "other")
    assert b.services.participants.clinician_notes(person.id) == "from a fast clock"


def test_an_unknown_signer_is_refused_unless_its_fingerprint_is_given(
    tmp_path: Path, machines: list[Machine]
) -> None:
    from tests.unit.test_sync_support import make_machine

    a = machines[0]
    stranger = make_machine(tmp_path / "stranger", "stranger")
    small_program(stranger.services)
    bundle = stranger.export(a)
    before = a.digest()
    with pytest.raises(UnknownSigner) as refused:
        a.import_(bundle)
    assert a.digest() == before
    assert stranger.device.card.fingerprint in str(refused.value)
    with pytest.raises(UnknownSigner):
        a.import_(bundle, trust="AAAA-BBBB-CCCC-DDDD-EEEE")
    report = a.import_(bundle, trust=stranger.device.card.fingerprint.lower().replace("-", " "))
    assert report.newly_trusted
    fingerprint = stranger.device.card.fingerprint
    assert any(p.fingerprint == fingerprint for p in a.services.exchange.peers())
    stranger.vault.close()


def test_since_last_sends_changes_and_relays_what_came_from_a_third_device(
    machines: list[Machine],
) -> None:
    a, b, c = machines
    _cohort, members, session = small_program(a.services)
    b.import_(a.export(b))  # A -> B, full
    b.services.checkins.record(session.id, members[0].id, CheckInDraft(mood=4))
    c.import_(b.export(c))  # B -> C carries A's rows it relays, and B's check-in
    assert c.digest() == b.digest()
    a.services.checkins.record(session.id, members[1].id, CheckInDraft(mood=8))
    small = a.export(b)
    assert a.last_export.since > 0 and a.last_export.rows < 10
    b.import_(small)
    c.import_(b.export(c))  # since-last from B to C: A's new check-in, older than B's mark
    a.import_(c.export(a))
    # C's export event travels in its bundle: A and C now hold the same; B is one step behind
    assert a.digest() == c.digest()


def test_a_cohort_filter_shares_only_that_cohort_with_its_parents(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    small_program(a.services)
    other = a.services.cohorts.create(CohortDraft(name="Thursday", timezone="UTC"))
    outsider = a.services.participants.create(ParticipantDraft(display_name="Outsider"))
    a.services.enrollments.enroll(outsider.id, other.id)
    b.import_(a.export(b, cohorts=("Tuesday",), full=True))
    names = {p.display_name for p in b.services.participants.search("")}
    assert names == {"Person 0", "Person 1", "Person 2"}
    assert [c.name for c in b.services.cohorts.list()] == ["Tuesday"]


@pytest.mark.skipif(shutil.which("age") is None, reason="the age tool is installed by .ci/run")
def test_the_age_tool_reads_our_bundles_and_we_read_its_files(
    tmp_path: Path, machines: list[Machine]
) -> None:
    a, b, _c = machines
    small_program(a.services)
    bundle = a.export(b)
    identity = tmp_path / "b.key"
    identity.write_text(b.device.age_identity + "\n")
    plain = subprocess.run(
        ["age", "-d", "-i", str(identity), str(bundle)], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
        names = tar.getnames()
    assert names[-2:] == ["manifest.json", "manifest.sig"] and "rows/checkin.jsonl" in names
    by_age = tmp_path / "by-age.ckb"
    subprocess.run(
        ["age", "-r", b.device.age_recipient, "-o", str(by_age)], input=plain, check=True
    )
    b.import_(by_age)
    assert b.digest() == a.digest()


def test_passphrase_bundles_and_a_costly_work_factor_is_refused_fast(
    tmp_path: Path, machines: list[Machine]
) -> None:
    a, b, _c = machines
    small_program(a.services, people=1)
    bundle = a.export(passphrase="a one-off hand-over")
    b.import_(bundle, passphrase="a one-off hand-over")
    assert b.digest() == a.digest()
    data = bundle.read_bytes()
    header = agefile.parse_header(data)
    factor = header.work_factor
    assert factor is not None and factor <= agefile.MAX_WORK_FACTOR
    costly = data.replace(f" {factor}\n".encode(), b" 23\n", 1)
    started = time.perf_counter()
    with pytest.raises(BundleRejected, match="work factor"):
        b.import_(_write(tmp_path / "costly.ckb", costly), passphrase="a one-off hand-over")
    assert time.perf_counter() - started < 0.5


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_written_at_reads_the_version_clock() -> None:
    from app.services.sync_review import written_at

    now = dt.datetime.now(dt.UTC)
    version = (int(now.timestamp() * 1000) << 16) | 3
    assert abs((written_at(version) - now).total_seconds()) < 0.01
    assert unpack(version)[1] == 3
