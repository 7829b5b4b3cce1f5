"""Property tests of the merge rules (app.sync.merge) over random histories on 2 and 3 machines.

Each machine is an in-memory model of a vault: rows of field versions plus a history set,
written by local edits exactly as the services' hook writes them (``fieldlog``), merged by
the same ``merge_rows`` the importer uses. Cheap, so hypothesis runs >1,000 examples.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sync.clock import HybridLogicalClock
from app.sync.merge import (
    FieldVersion,
    concurrent_heads,
    delete_overruled,
    is_deleted,
    merge_rows,
)

FIELDS = ("text", "mood", "deleted")
FREE_TEXT = frozenset({"text"})
ROWS = ("r0", "r1", "r2")


Bundle = tuple[dict[str, dict[str, FieldVersion]], frozenset[tuple[str, str, FieldVersion]]]


@dataclass
class Machine:
    origin: str
    wall: list[int] = field(default_factory=lambda: [1_000])
    rows: dict[str, dict[str, FieldVersion]] = field(default_factory=dict)
    history: set[tuple[str, str, FieldVersion]] = field(default_factory=set)
    written: list[tuple[str, str, FieldVersion]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.clock = HybridLogicalClock(wall=lambda: self.wall[0])

    def edit(self, row: str, name: str, value: str | int) -> None:
        stamp = (self.clock.now(), self.origin)
        current = self.rows.get(row)
        if current is None:  # created here (ids are shared: like check-ins and marks)
            fields = {f: FieldVersion(0 if f != "text" else "", stamp) for f in FIELDS}
            fields[name] = FieldVersion(value, stamp)
            self.rows[row] = fields
            self.written.extend((row, f, v) for f, v in fields.items())
            return
        changed = [name]
        if is_deleted(current) and name != "deleted":
            changed.append("deleted")  # an edit of a tombstone stamps the delete anew
        for each in changed:
            old = current[each]
            self.history.add((row, each, old))
            bases = (old.stamp,) if each in FREE_TEXT else ()
            new_value = value if each == name else 1
            current[each] = FieldVersion(new_value, stamp, bases)
            self.written.append((row, each, current[each]))

    def snapshot(
        self,
    ) -> tuple[dict[str, dict[str, FieldVersion]], frozenset[tuple[str, str, FieldVersion]]]:
        return {r: dict(f) for r, f in self.rows.items()}, frozenset(self.history)

    def receive(
        self,
        bundle: tuple[dict[str, dict[str, FieldVersion]], frozenset[tuple[str, str, FieldVersion]]],
    ) -> None:
        rows, history = bundle
        self.history |= history
        for row, incoming in rows.items():
            for version in incoming.values():
                self.clock.observe(version.stamp[0])
            local = self.rows.get(row)
            if local is None:
                self.rows[row] = dict(incoming)
                continue
            merged = merge_rows(local, incoming)
            self.history |= {(row, name, loser) for name, loser in merged.losers}
            self.rows[row] = merged.fields

    def state(self) -> object:
        conflicts = set()
        for row, fields in self.rows.items():
            history = [v for (r, f, v) in self.history if r == row and f == "text"]
            conflicts |= {(row, h.stamp) for h in concurrent_heads(fields["text"], history)}
            if delete_overruled(fields):
                conflicts.add((row, fields["deleted"].stamp))
        rows = {r: tuple(sorted(f.items())) for r, f in self.rows.items()}
        visible = {
            r: (is_deleted(f), f["text"].value, f["mood"].value) for r, f in self.rows.items()
        }
        return rows, frozenset(self.history), frozenset(conflicts), visible


Edit = tuple[str, str, str | int, int]
edits = st.tuples(
    st.sampled_from(ROWS),
    st.sampled_from(FIELDS),
    st.one_of(st.sampled_from(["a", "b", "c", ""]), st.integers(0, 2)),
    st.integers(0, 3),  # wall clock steps before the edit
)


def _fix(name: str, value: str | int) -> str | int:
    if name == "text":
        return str(value)
    number = len(value) if isinstance(value, str) else value
    return number % 2 if name == "deleted" else number


def _run(machine: Machine, script: list[Edit]) -> None:
    for row, name, value, step in script:
        machine.wall[0] += step
        machine.edit(row, name, _fix(name, value))


histories = st.lists(edits, max_size=8)


@settings(max_examples=400, deadline=None)
@given(histories, histories, histories, st.integers(0, 5))
def test_merge_is_commutative_associative_and_idempotent(
    h0: list[Edit],
    h1: list[Edit],
    h2: list[Edit],
    skew: int,
) -> None:
    machines = [Machine(f"device-{i}") for i in range(3)]
    machines[1].wall[0] += skew
    for machine, script in zip(machines, (h0, h1, h2), strict=True):
        _run(machine, script)
    s, a, b = (m.snapshot() for m in machines)

    def merged(*bundles: Bundle) -> Machine:
        target = Machine("observer")
        for bundle in bundles:
            target.receive(bundle)
        return target

    # commutative: A then B equals B then A (on top of S)
    assert merged(s, a, b).state() == merged(s, b, a).state()
    # associative: (S + A) + B equals S + (A + B)
    assert merged(merged(s, a).snapshot(), b).state() == merged(s, merged(a, b).snapshot()).state()
    # idempotent: receiving a bundle again, or one's own state, changes nothing
    once = merged(s, a)
    twice = merged(s, a, a)
    assert once.state() == twice.state()
    assert merged(once.snapshot(), once.snapshot()).state() == once.state()


steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 2), edits),
        st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2)),
    ),
    max_size=25,
)


@settings(max_examples=400, deadline=None)
@given(steps, st.integers(2, 3), st.randoms(use_true_random=False))
def test_machines_converge_under_any_delivery_and_nothing_written_is_lost(
    script: list[tuple[str, int, Any]], count: int, shuffle: random.Random
) -> None:
    machines = [Machine(f"device-{i}") for i in range(count)]
    sent: list[tuple[int, Bundle]] = []  # every bundle ever made, delivered later in any order
    for kind, who, what in script:
        machine = machines[who % count]
        if kind == "edit":
            row, name, value, step = what
            machine.wall[0] += step
            machine.edit(row, name, _fix(name, value))
        else:
            to = machines[int(what) % count]
            bundle = machine.snapshot()
            to.receive(bundle)
            sent.append((who % count, bundle))
    finals = [(i, m.snapshot()) for i, m in enumerate(machines)]
    for target in machines:  # everything, in any order, with duplicates and stale resends
        deliveries = sent + finals + shuffle.sample(sent, min(len(sent), 3))
        shuffle.shuffle(deliveries)
        for _who, bundle in deliveries:
            target.receive(bundle)
    states = [m.state() for m in machines]
    assert all(state == states[0] for state in states)
    for machine in machines:
        for other in machines:
            for row, name, version in other.written:
                current = machine.rows[row][name]
                assert current == version or (row, name, version) in machine.history


@settings(max_examples=300, deadline=None)
@given(histories, histories)
def test_two_machines_exchanging_both_ways_agree(h0: list[Edit], h1: list[Edit]) -> None:
    a, b = Machine("device-a"), Machine("device-b")
    _run(a, h0)
    _run(b, h1)
    b.receive(a.snapshot())
    a.receive(b.snapshot())
    assert a.state() == b.state()
