"""Property tests on real vaults: random edits and bundles on 3 machines, any delivery order.

Slower than the in-memory model (test_sync_merge_properties.py), so fewer examples: these
check what the model cannot — selection of changed rows, relays, the real import pipeline.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.participants import ParticipantDraft
from app.sync import fieldlog
from app.sync.export import ExportRequest, export_bundle
from app.sync.schema import synced_specs
from tests.unit.test_sync_support import Machine, make_machine

LOCAL_TABLES = ("row_clock", "field_history", "sync_conflict", "sync_log", "clock_state")


@pytest.fixture(scope="module")
def trio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Machine]]:
    root = tmp_path_factory.mktemp("trio")
    made = [make_machine(root / n, n) for n in ("a", "b", "c")]
    for one in made:
        for other in made:
            if one is not other:
                one.trust(other)
    yield made
    for machine in made:
        machine.vault.close()


def _reset(machine: Machine) -> None:
    with machine.vault.database.write() as db:
        raw = fieldlog.raw_connection(db)
        for spec in reversed(synced_specs()):
            raw.execute(f'DELETE FROM "{spec.name}"')
        for table in LOCAL_TABLES:
            raw.execute(f"DELETE FROM {table}")
        raw.execute("UPDATE trusted_peer SET sent_marks = '{}', last_sent_version = NULL")
    for path in machine.folder.glob("*.ckb"):
        path.unlink()


def _people(machine: Machine) -> list[uuid.UUID]:
    return sorted(p.id for p in machine.services.participants.search(""))


def _export(machine: Machine, to: list[Machine], full: bool, name: str) -> Path:
    path = machine.folder / name
    request = ExportRequest(path, recipients=tuple(m.device.age_recipient for m in to), full=full)
    export_bundle(machine.vault.database, machine.device, request, actor=machine.name)
    return path


actions = st.lists(
    st.one_of(
        st.tuples(st.just("person"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("note"), st.integers(0, 2), st.integers(0, 3), st.booleans()),
        st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("deliver"), st.integers(0, 2), st.integers(0, 30), st.booleans()),
    ),
    min_size=3,
    max_size=14,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions, st.randoms(use_true_random=False))
def test_real_vaults_converge_and_keep_every_value(
    trio: list[Machine], script: list[tuple[str, int, int, bool]], shuffle: random.Random
) -> None:
    for machine in trio:
        _reset(machine)
    mailbox: list[tuple[Machine, Path]] = []
    notes: list[str] = []
    for number, (kind, who, what, flag) in enumerate(script):
        machine = trio[who]
        if kind == "person":
            machine.services.participants.create(ParticipantDraft(display_name=f"P{number}"))
        elif kind == "note" and (people := _people(machine)):
            text = f"note {number} by {machine.name}"
            notes.append(text)
            machine.services.participants.set_clinician_notes(people[what % len(people)], text)
        elif kind == "send" and what != who:
            target = trio[what]
            mailbox.append((target, _export(machine, [target], flag, f"{number}.ckb")))
        elif kind == "deliver" and mailbox:
            target, path = mailbox[what % len(mailbox)]  # any order, duplicates, stale
            target.import_(path)
    finals = [
        (m, _export(m, [o for o in trio if o is not m], shuffle.random() < 0.5, "final.ckb"))
        for m in trio
    ]
    for target in trio:
        deliveries = [p for t, p in mailbox if t is target]
        deliveries += [p for m, p in finals if m is not target]
        shuffle.shuffle(deliveries)
        for path in deliveries:
            target.import_(path)
    digests = {m.digest() for m in trio}
    assert len(digests) == 1
    for machine in trio:
        with machine.vault.database.read() as db:
            raw = fieldlog.raw_connection(db)
            held = {r[0] for r in raw.execute("SELECT clinician_notes FROM participant").fetchall()}
            history = raw.execute("SELECT value FROM field_history").fetchall()
            held |= {r[0].strip('"') for r in history}
        assert set(notes) <= held
        before = machine.digest()
        machine.import_(mailbox[0][1]) if mailbox and mailbox[0][0] is machine else None
        assert machine.digest() == before
