"""The live round: order, moves, the speaker's timer, and entries saved as they are typed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantRow
from app.services.round.view import RoundView
from models import (
    AttendanceStatus,
    EnrollmentStatus,
    RoundKind,
    RoundOrder,
    SessionStatus,
    ShareScope,
    Track,
    TurnStatus,
)
from tests.conftest import FakeNow
from tests.unit.engine_world import World


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now)


@pytest.fixture
def people(world: World) -> list[ParticipantRow]:
    return [world.person(name) for name in ("dee", "Ana", "ben", "Cy")]


def names(view: RoundView) -> list[str]:
    return [t.display_name for t in view.turns]


def speaker(view: RoundView) -> str | None:
    return view.current.display_name if view.current else None


def test_start_is_alphabetical_and_resumes_instead_of_starting_twice(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    started = rounds.start(session.id)
    assert names(started) == ["Ana", "ben", "Cy", "dee"]
    assert speaker(started) == "Ana" and started.next_up is not None
    assert started.next_up.display_name == "ben"
    moved = rounds.advance(started.id)
    again = rounds.start(session.id, order=RoundOrder.RANDOM)  # a restart resumes as saved
    assert again == moved and again.order_method is RoundOrder.ALPHABETICAL
    assert rounds.find(session.id) == moved
    assert rounds.find(session.id, RoundKind.CLOSING) is None


def test_random_order_is_reproducible_from_its_seed(
    world: World, people: list[ParticipantRow]
) -> None:
    first, second, third = world.weeks(1)
    rounds = world.services.rounds
    a = rounds.start(first.id, order=RoundOrder.RANDOM, seed=42)
    b = rounds.start(second.id, order=RoundOrder.RANDOM, seed=42)
    assert names(a) == names(b) and a.seed == 42
    c = rounds.start(third.id, order=RoundOrder.RANDOM)
    assert c.seed is not None
    assert names(rounds.set_order(c.id, RoundOrder.RANDOM, seed=c.seed)) == names(c)


def test_reverse_of_last_time_with_newcomers_at_the_end(
    world: World, people: list[ParticipantRow]
) -> None:
    monday, wednesday, _ = world.weeks(1)
    rounds = world.services.rounds
    rounds.start(monday.id, order=RoundOrder.RANDOM, seed=7)
    last_order = names(rounds.start(monday.id))
    eve = world.person("Eve", joined=wednesday.local_date)
    dee = people[0]
    enrollment = world.services.enrollments.for_participant(dee.id)[0]
    world.services.enrollments.end(enrollment.id, EnrollmentStatus.WITHDREW, on=monday.local_date)
    reverse = rounds.start(wednesday.id, order=RoundOrder.REVERSE_LAST)
    expected = [n for n in reversed(last_order) if n != "dee"] + [eve.display_name]
    assert names(reverse) == expected
    assert reverse.order_method is RoundOrder.REVERSE_LAST


def test_reverse_with_no_earlier_round_is_alphabetical(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    view = world.services.rounds.start(session.id, order=RoundOrder.REVERSE_LAST)
    assert view.order_method is RoundOrder.ALPHABETICAL


def test_advance_skip_and_come_back(world: World, people: list[ParticipantRow]) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    view = rounds.start(session.id)
    view = rounds.advance(view.id)  # Ana done
    assert speaker(view) == "ben"
    view = rounds.skip(view.id)  # ben skipped
    assert speaker(view) == "Cy" and [t.display_name for t in view.skipped] == ["ben"]
    view = rounds.advance(view.id)
    assert speaker(view) == "dee"
    assert view.next_up is not None and view.next_up.display_name == "ben"  # comes back last
    view = rounds.advance(view.id)
    assert speaker(view) == "ben" and not view.is_complete
    view = rounds.advance(view.id)
    assert view.current is None and view.is_complete
    assert all(t.status is TurnStatus.DONE for t in view.turns)


def test_go_to_someone_skipped_or_back_to_fix_an_entry(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    view = rounds.start(session.id)
    view = rounds.skip(view.id)  # Ana skipped, ben speaks
    ana = view.skipped[0].participant_id
    view = rounds.go_to(view.id, ana)  # Ana is ready after all
    assert speaker(view) == "Ana" and not view.skipped
    view = rounds.advance(view.id)
    assert speaker(view) == "ben"  # ben never finished his turn
    view = rounds.advance(view.id)
    view = rounds.go_to(view.id, ana)  # back to Ana to fix her entry
    view = rounds.advance(view.id)
    assert speaker(view) == "Cy"
    with pytest.raises(InvalidInput):
        rounds.go_to(view.id, uuid.UUID(int=1))  # not in the round


def test_reordering_mid_round_keeps_who_has_spoken(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    view = rounds.advance(rounds.start(session.id).id)
    rest = [t.participant_id for t in view.turns[1:]]
    view = rounds.set_order(view.id, RoundOrder.CUSTOM, custom=list(reversed(rest)))
    assert names(view) == ["Ana", "dee", "Cy", "ben"] and speaker(view) == "dee"
    assert view.order_method is RoundOrder.CUSTOM
    with pytest.raises(InvalidInput):
        rounds.set_order(view.id, RoundOrder.CUSTOM, custom=rest[:1])


def test_the_speaker_timer_survives_in_the_saved_state(
    world: World, people: list[ParticipantRow], now: FakeNow
) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    view = rounds.set_soft_limit(rounds.start(session.id).id, 120)
    assert view.soft_limit_seconds == 120
    now.advance(seconds=95)
    assert rounds.get(view.id).elapsed_seconds(now()) == 95
    view = rounds.go_to(view.id, view.turns[2].participant_id)  # Cy interrupts
    now.advance(seconds=30)
    view = rounds.go_to(view.id, view.turns[0].participant_id)  # back to Ana
    now.advance(seconds=10)
    assert view.elapsed_seconds(now()) == 105
    view = rounds.advance(view.id)
    assert [t.seconds_spoken for t in view.turns] == [105, 0, 30, 0]
    with pytest.raises(InvalidInput):
        rounds.set_soft_limit(view.id, 5)


def test_include_a_late_joiner_finish_and_in_progress(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    rounds = world.services.rounds
    view = rounds.start(session.id)
    assert [r.id for r in rounds.in_progress(world.cohort.id)] == [view.id]
    eve = world.person("Eve")
    view = rounds.include(view.id, eve.id)
    assert names(view)[-1] == "Eve"
    assert rounds.include(view.id, eve.id) == view  # twice is once
    view = rounds.finish(view.id)
    assert view.is_complete and view.current is None and view.finished_at is not None
    assert rounds.in_progress() == []
    with pytest.raises(InvalidInput):
        rounds.advance(view.id)


def test_unscheduled_session_and_today(
    world: World, people: list[ParticipantRow], now: FakeNow
) -> None:
    now.value = dt.datetime(2026, 1, 5, 23, 0, tzinfo=dt.UTC)  # 17:00 on Monday in Chicago
    world.weeks(1)
    rounds = world.services.rounds
    [today] = rounds.sessions_today(world.cohort.id)
    assert today.local_date == dt.date(2026, 1, 5)
    extra = rounds.start_unscheduled(world.cohort.id, topic="Crisis support")
    session = world.services.sessions.get(extra.session_id)
    assert session.scheduled_start == now() and session.topic == "Crisis support"
    assert len(rounds.sessions_today(world.cohort.id)) == 2


def test_a_cancelled_session_has_no_round(world: World, people: list[ParticipantRow]) -> None:
    [session, *_] = world.weeks(1)
    world.services.sessions.set_status(session.id, SessionStatus.CANCELLED)
    with pytest.raises(InvalidInput):
        world.services.rounds.start(session.id)


def test_entries_saved_as_typed_fill_in_attendance(
    world: World, people: list[ParticipantRow], now: FakeNow
) -> None:
    [session, *_] = world.weeks(1)
    entries = world.services.round_entries
    ana, ben, cy = people[1], people[2], people[3]
    entries.save_check_in(session.id, ana.id, CheckInDraft(mood=6))
    saved = entries.save_check_in(
        session.id, ana.id, CheckInDraft(mood=6, emotion_words="hopeful", craving=2)
    )
    assert saved.check_in.emotion_words == "hopeful" and saved.check_in.craving == 2
    assert saved.presence.status is AttendanceStatus.PRESENT
    assert saved.presence.minutes_attended == 180
    assert len(world.services.checkins.for_session(session.id)) == 1
    assert world.services.sessions.get(session.id).status is SessionStatus.HELD

    late = entries.arrived(session.id, ben.id, minute=12)
    assert (late.status, late.arrived_minute, late.minutes_attended) == (
        AttendanceStatus.LATE,
        12,
        168,
    )
    kept = entries.save_check_in(session.id, ben.id, CheckInDraft(mood=4))
    assert kept.presence.status is AttendanceStatus.LATE  # checking in keeps "late"
    gone = entries.left_early(session.id, ben.id, minute=150)
    assert (gone.status, gone.arrived_minute, gone.left_minute, gone.minutes_attended) == (
        AttendanceStatus.LEFT_EARLY,
        12,
        150,
        138,
    )
    with pytest.raises(InvalidInput):
        entries.arrived(session.id, ben.id, minute=160)  # after leaving

    now.value = session.scheduled_start + dt.timedelta(minutes=25, seconds=40)
    assert entries.arrived(session.id, cy.id).arrived_minute == 25  # by the clock
    assert {p.participant_id for p in entries.presence(session.id)} == {ana.id, ben.id, cy.id}
    # A mark set by hand afterwards replaces the live session's minutes.
    world.services.attendance.mark(session.id, cy.id, AttendanceStatus.PRESENT)
    [cy_row] = [p for p in entries.presence(session.id) if p.participant_id == cy.id]
    assert cy_row.arrived_minute is None and cy_row.minutes_attended == 180


def test_entries_are_validated_like_check_ins(services: Services, now: FakeNow) -> None:
    world = World(services, now, track=Track.MENTAL_HEALTH)
    ana = world.person("Ana")
    [session, *_] = world.weeks(1)
    with pytest.raises(InvalidInput) as error:
        services.round_entries.save_check_in(session.id, ana.id, CheckInDraft(craving=3))
    assert error.value.field == "craving"
    with pytest.raises(InvalidInput):
        services.round_entries.save_check_in(session.id, ana.id, CheckInDraft(mood=11))
    assert services.round_entries.presence(session.id) == []  # nothing half-written


def test_closing_round_goals_edited_as_typed_and_next_peer_leader(
    world: World, people: list[ParticipantRow]
) -> None:
    this, following, _ = world.weeks(1)
    entries = world.services.round_entries
    ana, ben = people[1], people[2]
    closing = world.services.rounds.start(this.id, RoundKind.CLOSING)
    assert closing.kind is RoundKind.CLOSING
    goal = entries.save_goal(this.id, ana.id, "Call my", "family")
    goal = entries.save_goal(this.id, ana.id, "Call my sister", "family", goal_id=goal.id)
    [stored] = world.services.goals.for_participant(ana.id)
    assert (stored.id, stored.text) == (goal.id, "Call my sister")
    with pytest.raises(InvalidInput):
        entries.save_goal(this.id, ben.id, "Not mine", "family", goal_id=goal.id)
    assert entries.set_peer_leader(following.id, ben.id).peer_leader_id == ben.id


def test_clinician_only_entry_is_kept_clinician_only(
    world: World, people: list[ParticipantRow]
) -> None:
    [session, *_] = world.weeks(1)
    saved = world.services.round_entries.save_check_in(
        session.id, people[1].id, CheckInDraft(mood=3, share_scope=ShareScope.CLINICIAN)
    )
    assert saved.check_in.share_scope is ShareScope.CLINICIAN
