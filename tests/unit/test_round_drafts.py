"""Live cards: drafts kept locally as typed, committed in one step, reopened exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import integrity
from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantRow
from app.services.round.commit import GoalLine, ReportBack
from app.services.sessions import SessionRow
from app.sync.schema import spec_by_name
from app.vault.vault import UnlockedVault
from models import (
    AttendanceStatus,
    AuditEvent,
    FieldHistory,
    GoalStatus,
    ReviewOutcome,
    RoundKind,
    ShareScope,
)
from tests.conftest import FakeNow
from tests.unit.engine_world import World

MARKER = "DRAFT-MARKER-7c1e"


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now)


@pytest.fixture
def people(world: World) -> list[ParticipantRow]:
    return [world.person(name) for name in ("Ana", "Ben", "Cy")]


@pytest.fixture
def sessions(world: World, people: list[ParticipantRow]) -> list[SessionRow]:
    return world.weeks(2)


def _count(services: Services, entity: type[object]) -> int:
    with services.context.database.read() as db:
        return int(db.scalar(select(func.count()).select_from(entity)) or 0)


def test_a_draft_is_kept_exactly_and_replaced_by_the_next_save(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    entries, session = services.round_entries, sessions[1]
    ana, ben = people[0], people[1]
    typed = {"mood": "7", "words": "hopeful, tired ", "challenges": "  line one\nline two"}
    entries.save_draft(session.id, ana.id, RoundKind.CHECK_IN, typed)
    entries.save_draft(session.id, ben.id, RoundKind.CHECK_IN, {"mood": "1"})
    entries.save_draft(session.id, ana.id, RoundKind.CLOSING, {"goal.0.text": "walk"})
    drafts = {d.participant_id: d.as_dict() for d in entries.drafts_for(session.id, "check_in")}  # type: ignore[arg-type]
    assert drafts == {ana.id: typed, ben.id: {"mood": "1"}}  # spaces and all
    entries.save_draft(session.id, ana.id, RoundKind.CHECK_IN, {"mood": "10"})
    [draft] = [
        d for d in entries.drafts_for(session.id, RoundKind.CHECK_IN) if d.participant_id == ana.id
    ]
    assert draft.as_dict() == {"mood": "10"}
    [closing] = entries.drafts_for(session.id, RoundKind.CLOSING)
    assert closing.as_dict() == {"goal.0.text": "walk"}
    entries.discard_draft(session.id, ana.id, RoundKind.CLOSING)
    assert entries.drafts_for(session.id, RoundKind.CLOSING) == []


def test_drafts_never_sync_stamp_or_audit(
    services: Services,
    vault: UnlockedVault,
    people: list[ParticipantRow],
    sessions: list[SessionRow],
) -> None:
    before = integrity.check(vault.database)
    audits, history = _count(services, AuditEvent), _count(services, FieldHistory)
    clock = services.context.clock.last
    for text in ("a", "ab", "abc", "abcd"):
        services.round_entries.save_draft(
            sessions[0].id, people[0].id, RoundKind.CHECK_IN, {"words": text}
        )
    after = integrity.check(vault.database)
    assert "round_draft" not in spec_by_name()  # not a synced table: never in a bundle
    assert after.digest == before.digest and after.counts["round_draft"] == 1
    assert (_count(services, AuditEvent), _count(services, FieldHistory)) == (audits, history)
    assert services.context.clock.last == clock


def test_drafts_are_encrypted_at_rest(
    services: Services,
    vault: UnlockedVault,
    people: list[ParticipantRow],
    sessions: list[SessionRow],
) -> None:
    services.round_entries.save_draft(
        sessions[0].id, people[0].id, RoundKind.CHECK_IN, {"challenges": MARKER * 20}
    )
    folder = Path(vault.paths.folder)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert MARKER.encode() not in path.read_bytes(), path


def test_commit_writes_check_in_report_backs_presence_and_drops_the_draft(
    world: World, services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    ana = people[0]
    first, second = sessions[0], sessions[1]
    call = services.goals.set_goal(ana.id, first.id, "call my sister", "family")
    walk = services.goals.set_goal(ana.id, first.id, "walk daily", "health")
    entries = services.round_entries
    entries.save_draft(second.id, ana.id, RoundKind.CHECK_IN, {"mood": "6"})
    committed = entries.commit(
        second.id,
        ana.id,
        CheckInDraft(mood=6, emotion_words="calm", craving=2),
        [
            ReportBack(call.id, ReviewOutcome.PARTLY, "she was away", carry_forward=True),
            ReportBack(walk.id, ReviewOutcome.DONE),
        ],
    )
    assert committed.check_in is not None and committed.check_in.mood == 6
    assert committed.presence.status is AttendanceStatus.PRESENT
    carried, done = committed.reviews
    assert carried.carried_goal_id is not None and done.carried_goal_id is None
    assert entries.drafts_for(second.id, RoundKind.CHECK_IN) == []
    statuses = {g.id: g.status for g in services.goals.for_participant(ana.id)}
    assert statuses[call.id] is GoalStatus.CARRIED_FORWARD
    assert statuses[walk.id] is GoalStatus.DONE
    assert statuses[carried.carried_goal_id] is GoalStatus.OPEN
    # Committing again (a revisit) keeps the report-backs as recorded, and edits the check-in.
    again = entries.commit(
        second.id, ana.id, CheckInDraft(mood=5), [ReportBack(walk.id, ReviewOutcome.NOT_DONE)]
    )
    assert again.reviews[0].outcome is ReviewOutcome.DONE
    assert again.check_in is not None and again.check_in.mood == 5
    state = entries.card_state(second.id, ana.id, RoundKind.CHECK_IN)
    assert state.check_in == again.check_in and state.draft is None
    assert {r.goal_id for r in state.reviews} == {call.id, walk.id}
    assert [g.carried_from_id for g in state.goals_set] == [call.id]


def test_a_refused_report_back_writes_nothing_and_keeps_the_draft(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    ana = people[0]
    goal = services.goals.set_goal(ana.id, sessions[0].id, "rest", "health")
    entries = services.round_entries
    entries.save_draft(sessions[1].id, ana.id, RoundKind.CHECK_IN, {"mood": "4"})
    with pytest.raises(InvalidInput):
        entries.commit(
            sessions[1].id,
            ana.id,
            CheckInDraft(mood=4),
            [ReportBack(goal.id, ReviewOutcome.DONE, carry_forward=True)],
        )
    state = entries.card_state(sessions[1].id, ana.id, RoundKind.CHECK_IN)
    assert state.check_in is None and state.presence is None and state.reviews == ()
    assert state.draft is not None and state.draft.as_dict() == {"mood": "4"}


def test_moving_on_without_typing_marks_presence_only(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    committed = services.round_entries.commit(sessions[0].id, people[1].id, CheckInDraft())
    assert committed.check_in is None
    assert committed.presence.status is AttendanceStatus.PRESENT
    assert services.checkins.for_session(sessions[0].id) == []


def test_closing_goals_commit_edit_and_take_back(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    ben, session = people[1], sessions[0]
    entries = services.round_entries
    entries.save_draft(session.id, ben.id, RoundKind.CLOSING, {"goal.0.text": "call"})
    first = entries.commit_closing(
        session.id,
        ben.id,
        [GoalLine("Call my sponsor", "recovery"), GoalLine("", ""), GoalLine("Paint", "Joy")],
    )
    assert [(g.text, g.value_domain) for g in first] == [
        ("Call my sponsor", "recovery"),
        ("Paint", "Joy"),
    ]
    assert entries.drafts_for(session.id, RoundKind.CLOSING) == []
    second = entries.commit_closing(
        session.id,
        ben.id,
        [GoalLine("Call my sponsor twice", "recovery", first[0].id), GoalLine("", "", first[1].id)],
    )
    assert [g.text for g in second] == ["Call my sponsor twice"]
    state = entries.card_state(session.id, ben.id, RoundKind.CLOSING)
    assert [g.text for g in state.goals_set] == ["Call my sponsor twice"]
    with pytest.raises(InvalidInput):
        entries.commit_closing(session.id, ben.id, [GoalLine("x", "not a domain!")])


def test_card_state_offers_past_words_shared_with_the_group_only(
    world: World, services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    ana = people[0]
    world.check_in(sessions[0], ana, 5, words="tired, hopeful")
    world.check_in(sessions[1], ana, 5, words="Hopeful; anxious")
    world.check_in(sessions[2], ana, 5, words="secretword", scope=ShareScope.CLINICIAN)
    state = services.round_entries.card_state(sessions[3].id, ana.id, RoundKind.CHECK_IN)
    assert state.past_words == ("hopeful", "anxious", "tired")


def test_draft_limits(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    save = services.round_entries.save_draft
    with pytest.raises(InvalidInput):
        save(sessions[0].id, people[0].id, RoundKind.CHECK_IN, {"words": "x" * 4001})
    with pytest.raises(InvalidInput):
        save(sessions[0].id, people[0].id, RoundKind.CHECK_IN, {"words": "a\x00b"})


def test_next_session_skips_cancelled_ones(
    services: Services, people: list[ParticipantRow], sessions: list[SessionRow]
) -> None:
    from models import SessionStatus

    services.sessions.set_status(sessions[1].id, SessionStatus.CANCELLED)
    following = services.round_entries.next_session(sessions[0].id)
    assert following is not None and following.id == sessions[2].id
    assert services.round_entries.next_session(sessions[-1].id) is None
    assert isinstance(following.scheduled_start, dt.datetime)
