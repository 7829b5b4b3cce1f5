"""What a write reports it changed: captured at the unit of work, handed on only on commit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from app.services import changes
from app.services.changes import EVERYTHING, NOTHING, Changes, collecting
from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from models import Participant, ReviewOutcome
from tests.conftest import FakeNow
from tests.unit.engine_world import World
from tests.unit.test_sync_support import Machine, machines, small_program

__all__ = ["machines"]  # the fixture


def test_a_check_in_names_its_person_its_session_and_that_sessions_cohort(
    services: Services, now: FakeNow
) -> None:
    world = World(services, now)
    ana = world.person("Ana")
    session = world.weeks(1)[0]
    with collecting() as collected:
        services.checkins.record(session.id, ana.id, CheckInDraft(mood=4))
    found = collected.changes
    assert found.entities == {"checkin"}
    assert found.participants == {ana.id}
    assert found.sessions == {session.id}
    assert found.cohorts == {world.cohort.id}
    assert found.touches_cohort(world.cohort.id) and not found.touches_cohort(ana.id)


def test_a_rolled_back_write_announces_nothing(services: Services) -> None:
    database = services.context.database
    with collecting() as collected, pytest.raises(RuntimeError), database.write() as db:
        db.add(Participant(display_name="Never saved"))
        db.flush()  # the hook has seen the row: only the rollback undoes it
        raise RuntimeError("the use case refused halfway")
    assert collected.changes is NOTHING
    assert not services.participants.search("Never saved")


def test_a_refused_use_case_and_a_read_announce_nothing(services: Services, now: FakeNow) -> None:
    world = World(services, now)
    world.person("Ana")
    with collecting() as collected:
        with pytest.raises(Exception, match="name"):
            services.participants.create(ParticipantDraft(display_name=""))
        services.progress.roster(world.cohort.id)
        services.accountability.evaluate_on(world.cohort.id, dt.date(2026, 3, 3))
    assert collected.changes is NOTHING


def test_a_persons_own_edit_reaches_every_cohort_they_were_enrolled_in(
    services: Services, now: FakeNow
) -> None:
    first = World(services, now, name="Mornings")
    second = World(services, now, name="Evenings")
    ana = first.person("Ana")
    services.enrollments.enroll(ana.id, second.cohort.id, start_date=dt.date(2026, 2, 1))
    with collecting() as collected:
        services.participants.set_clinician_notes(ana.id, "a note")
    assert collected.changes.entities == {"participant"}
    assert collected.changes.participants == {ana.id}
    assert collected.changes.cohorts == {first.cohort.id, second.cohort.id}


def test_a_goal_review_reaches_the_person_and_cohort_through_its_goal(
    services: Services, now: FakeNow
) -> None:
    world = World(services, now)
    ben = world.person("Ben")
    first, second = world.weeks(1)[:2]
    goal = services.goals.set_goal(ben.id, first.id, "Finish the quilt", "creativity")
    with collecting() as collected:
        services.goals.review(goal.id, second.id, ReviewOutcome.DONE)
    found = collected.changes
    assert "goal_review" in found.entities
    assert ben.id in found.participants
    assert {first.id, second.id} <= found.sessions
    assert found.cohorts == {world.cohort.id}


def test_collectors_nest_and_belong_to_their_thread(services: Services, now: FakeNow) -> None:
    world = World(services, now)
    elsewhere: list[Changes] = []

    def on_another_thread() -> None:
        with collecting() as theirs:
            world.person("Cy")
        elsewhere.append(theirs.changes)

    with collecting() as outer:
        with collecting() as inner:
            world.person("Ana")
        worker = threading.Thread(target=on_another_thread)
        worker.start()
        worker.join()
    assert inner.changes.entities == {"participant", "enrollment"}
    assert outer.changes == inner.changes  # the other thread's person is not ours
    assert elsewhere[0].entities == {"participant", "enrollment"}
    assert elsewhere[0].participants.isdisjoint(outer.changes.participants)


def test_changes_merge_and_everything_answers_every_test() -> None:
    a = Changes(frozenset({"checkin"}), cohorts=frozenset())
    b = Changes(frozenset({"round_turn"}))
    assert (a | b).entities == {"checkin", "round_turn"}
    assert b.only(changes.ROUND_PROGRESS) and not (a | b).only(changes.ROUND_PROGRESS)
    assert (a | EVERYTHING) is EVERYTHING
    assert EVERYTHING.touches_cohort(None) and EVERYTHING.touches("anything")
    assert not EVERYTHING.only(changes.ROUND_PROGRESS)
    assert not NOTHING and EVERYTHING


def test_an_import_announces_everything_and_a_repeated_one_nothing(
    machines: list[Machine],
) -> None:
    a, b, _c = machines
    small_program(a.services)
    bundle = a.export(to=b)
    with collecting() as collected:
        b.services.exchange.import_file(bundle)
    assert collected.changes is EVERYTHING
    with collecting() as again:
        b.services.exchange.import_file(bundle)
    assert again.changes is NOTHING
