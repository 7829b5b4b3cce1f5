"""The hybrid logical clock: monotonic, and never behind a version it has received."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.sync.clock import HybridLogicalClock, pack, unpack

# A sequence of steps: ("tick", wall ms) or ("observe", a received version).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.integers(0, 2**47)),
        st.tuples(st.just("observe"), st.integers(0, 2**62)),
    ),
    max_size=60,
)


@given(steps)
def test_versions_increase_and_pass_everything_received(script: list[tuple[str, int]]) -> None:
    wall = [0]
    clock = HybridLogicalClock(wall=lambda: wall[0])
    issued: list[int] = []
    received = 0
    for kind, value in script:
        if kind == "tick":
            wall[0] = value
            issued.append(clock.now())
            assert issued[-1] > received
        else:
            clock.observe(value)
            received = max(received, value)
    assert issued == sorted(issued)
    assert len(set(issued)) == len(issued)


@given(st.integers(0, 2**47), st.integers(0, 2**16 - 1))
def test_pack_round_trips(ms: int, counter: int) -> None:
    assert unpack(pack(ms, counter)) == (ms, counter)


def test_follows_the_wall_clock_when_it_moves_forward() -> None:
    wall = [1_000]
    clock = HybridLogicalClock(wall=lambda: wall[0])
    first = clock.now()
    assert unpack(first) == (1_000, 0)
    assert unpack(clock.now()) == (1_000, 1)  # same millisecond: the counter moves
    wall[0] = 2_000
    assert unpack(clock.now()) == (2_000, 0)
    wall[0] = 500  # the wall clock jumps back: versions still grow
    assert clock.now() > pack(2_000, 0)
