"""The round window shows a move before it is saved: its prediction must be what gets saved."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.container import Services
from app.services.round.view import RoundView
from models import TurnStatus
from tests.conftest import FakeNow
from tests.unit.engine_world import World
from views.live.round_prediction import predicted

moves = st.lists(
    st.one_of(
        st.just(("advance", 0)),
        st.just(("skip", 0)),
        st.tuples(st.just("go_to"), st.integers(0, 4)),
    ),
    min_size=1,
    max_size=14,
)
starts = itertools.count()


def essence(view: RoundView) -> tuple[object, ...]:
    return (
        view.current_participant_id,
        tuple((t.participant_id, t.status, t.seconds_spoken) for t in view.turns),
        view.current_started_at,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=moves, seconds=st.integers(0, 200))
def test_the_predicted_round_is_the_saved_round(
    services: Services, now: FakeNow, steps: list[tuple[str, int]], seconds: int
) -> None:
    world = World(services, now, name=f"Group {next(starts)}")
    people = [world.person(name).id for name in ("Ana", "Ben", "Cy", "Dee", "Eli")]
    session = services.sessions.schedule(world.cohort.id, now.value + dt.timedelta(hours=1))
    view = services.rounds.start(session.id)
    for kind, index in steps:
        if view.is_complete or view.current is None:
            break
        now.advance(seconds=seconds)
        if kind == "go_to":
            target = people[index]
            if target == view.current_participant_id:
                continue
            guess = predicted(view, None, target, now.value)
            view = services.rounds.go_to(view.id, target)
        else:
            status = TurnStatus.DONE if kind == "advance" else TurnStatus.SKIPPED
            guess = predicted(view, status, None, now.value)
            view = (
                services.rounds.advance(view.id)
                if kind == "advance"
                else services.rounds.skip(view.id)
            )
        assert essence(guess) == essence(view)
