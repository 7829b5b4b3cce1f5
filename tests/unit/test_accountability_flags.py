"""Each flag rule on hand-made histories, including the edges (exactly 3 points, 7, N days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from app.services.accountability.flags import Flag, FlagKind
from app.services.accountability.records import RecordRef
from app.services.container import Services
from app.services.participants import ParticipantRow
from models import AttendanceStatus, ContactMethod, ReviewOutcome, ShareScope
from tests.conftest import FakeNow
from tests.unit.engine_world import World

A = AttendanceStatus


def of(found: Sequence[Flag], person: ParticipantRow, kind: FlagKind | None = None) -> list[Flag]:
    return [f for f in found if f.participant_id == person.id and (kind is None or f.kind is kind)]


@pytest.fixture
def world(services: Services, now: FakeNow) -> World:
    return World(services, now)


def test_absent_last_session_with_or_without_a_mark(world: World) -> None:
    ana, ben, cy = world.person("Ana"), world.person("Ben"), world.person("Cy")
    s = world.weeks(2)
    world.present(s[:2], ana, ben, cy)
    world.mark(s[2], ana, A.UNEXCUSED)
    world.mark(s[2], cy, A.PRESENT)  # the session was held; Ben has no mark at all
    found = world.services.accountability.flags(s[3].id)

    [ana_flag] = of(found, ana)
    assert ana_flag.kind is FlagKind.ABSENT_LAST_SESSION
    assert "unexcused" in ana_flag.reason
    assert RecordRef("group_session", s[2].id) in ana_flag.evidence
    assert any(e.entity == "attendance" for e in ana_flag.evidence)
    [ben_flag] = of(found, ben)
    assert ben_flag.kind is FlagKind.ABSENT_LAST_SESSION and "not marked" in ben_flag.reason
    assert of(found, cy) == []


def test_two_absences_in_a_row_replace_absent_last_session(world: World) -> None:
    ana, cy = world.person("Ana"), world.person("Cy")
    s = world.weeks(2)
    world.present(s[:3], cy)
    world.present(s[:1], ana)
    world.mark(s[1], ana, A.EXCUSED)
    world.mark(s[2], ana, A.UNEXCUSED)
    [flag] = of(world.services.accountability.flags(s[3].id), ana)
    assert flag.kind is FlagKind.ABSENT_IN_A_ROW
    assert "last 2 sessions" in flag.reason
    sessions = {e.id for e in flag.evidence if e.entity == "group_session"}
    assert sessions == {s[1].id, s[2].id}
    # Coming back ends the streak.
    world.present([s[3]], ana, cy)
    assert of(world.services.accountability.flags(s[4].id), ana) == []


@pytest.mark.parametrize(
    ("moods", "flagged"),
    [
        ([7, 7, 8, 6, 4], True),  # median 7, exactly 3 down
        ([7, 7, 8, 6, 5], False),  # 2 down
        ([9, 2, 2, 9, 9, 2], True),  # only the 4 before count: median of 2,2,9,9 = 5.5
        ([8, 8, 5], True),  # a baseline of 2 is enough
        ([8, 5], False),  # a baseline of 1 is not
    ],
)
def test_mood_drop_from_own_median(world: World, moods: list[int], flagged: bool) -> None:
    ana = world.person("Ana")
    s = world.weeks(3)
    world.present(s[: len(moods)], ana)
    for session, mood in zip(s, moods, strict=False):
        world.check_in(session, ana, mood)
    found = of(world.services.accountability.flags(s[len(moods)].id), ana, FlagKind.MOOD_DROP)
    assert bool(found) is flagged
    if flagged:
        assert found[0].evidence[0].entity == "checkin"
        assert len(found[0].evidence) == min(5, len(moods))


def test_mood_drop_from_a_clinician_only_check_in_keeps_its_words_out(world: World) -> None:
    ana = world.person("Ana")
    s = world.weeks(2)
    world.present(s[:5], ana)
    for session in s[:4]:
        world.check_in(session, ana, 7)
    world.check_in(s[4], ana, 2, words="CLINICIAN-ONLY-WORDS", scope=ShareScope.CLINICIAN)
    [flag] = of(world.services.accountability.flags(s[5].id), ana, FlagKind.MOOD_DROP)
    assert "CLINICIAN-ONLY-WORDS" not in flag.reason
    assert "Mood 2/10" in flag.reason


@pytest.mark.parametrize(
    ("cravings", "flagged"), [([2, 7], True), ([2, 6], False), ([9, 3], False)]
)
def test_craving_of_seven_or_more_at_the_last_check_in(
    world: World, cravings: list[int], flagged: bool
) -> None:
    ana = world.person("Ana")
    s = world.weeks(1)
    world.present(s[:2], ana)
    for session, craving in zip(s, cravings, strict=False):
        world.check_in(session, ana, 6, craving=craving)
    found = of(world.services.accountability.flags(s[2].id), ana, FlagKind.HIGH_CRAVING)
    assert bool(found) is flagged


def test_goal_not_reported_back_at_two_attended_sessions_after_its_week(world: World) -> None:
    ana, cy = world.person("Ana"), world.person("Cy")
    s = world.weeks(3)  # Mon, Wed, Fri for three weeks
    world.present(s, cy)
    world.present(s[:3], ana)  # the goal's own week: no report-back is owed yet
    goal = world.services.goals.set_goal(ana.id, s[0].id, "Call my sponsor", "recovery")
    kind = FlagKind.GOAL_NOT_REPORTED
    assert of(world.services.accountability.flags(s[3].id), ana, kind) == []
    world.present([s[3]], ana)  # due from this Monday on; missed once
    assert of(world.services.accountability.flags(s[4].id), ana, kind) == []  # once: not yet
    world.mark(s[4], ana, A.UNEXCUSED)  # an absence is not a missed report-back
    assert of(world.services.accountability.flags(s[5].id), ana, kind) == []
    world.present([s[5]], ana)
    [flag] = of(world.services.accountability.flags(s[6].id), ana, kind)
    assert flag.evidence[0] == RecordRef("goal", goal.id)
    assert {e.id for e in flag.evidence[1:]} == {s[3].id, s[5].id}
    assert "Call my sponsor" in flag.reason


def test_a_reported_goal_is_not_flagged(world: World) -> None:
    ana = world.person("Ana")
    s = world.weeks(2)
    world.present(s[:4], ana)
    goal = world.services.goals.set_goal(ana.id, s[0].id, "Walk daily", "health")
    world.services.goals.review(goal.id, s[1].id, ReviewOutcome.DONE)
    kind = FlagKind.GOAL_NOT_REPORTED
    assert of(world.services.accountability.flags(s[4].id), ana, kind) == []


def test_hours_projected_below_the_minimum(world: World) -> None:
    ana, ben = world.person("Ana"), world.person("Ben")
    dee = world.person("Dee")
    cy = world.person("Cy", joined=dt.date(2026, 1, 7))  # joined mid-week: not judged
    mon, wed, fri = world.weeks(1)
    kind = FlagKind.HOURS_BELOW_MINIMUM
    # Monday, nothing attended yet: three sessions of 180 still scheduled reach 540 exactly.
    assert of(world.services.accountability.flags(mon.id), ana, kind) == []
    world.present([mon, wed], ben)
    world.present([mon], ana, dee, cy)
    world.mark(wed, ana, A.LATE)  # 165 minutes
    world.mark(wed, dee, A.UNEXCUSED)
    world.present([wed], cy)
    found = world.services.accountability.flags(fri.id)
    [ana_flag] = of(found, ana, kind)
    assert "8 h 45 min" in ana_flag.reason and "9 h minimum" in ana_flag.reason
    assert RecordRef("group_session", fri.id) in ana_flag.evidence
    assert of(found, ben, kind) == []  # 180 + 180 + 180 = 540: not below
    assert of(found, dee, kind) != []
    assert of(found, cy, kind) == []


@pytest.mark.parametrize(("days_after", "flagged"), [(4, False), (5, True), (6, True)])
def test_no_partner_contact_in_n_days(world: World, days_after: int, flagged: bool) -> None:
    ana, ben = world.person("Ana"), world.person("Ben")
    world.services.program_settings.update(
        world.cohort.id, partner_contact_days=5, program_weeks=None
    )
    pair = world.services.partners.pair(world.cohort.id, [ana.id, ben.id], start=world.start)
    contact = world.services.partners.log_contact(
        pair.id, ana.id, ContactMethod.CALL, on=dt.date(2026, 1, 7), note="PRIVATE-NOTE"
    )
    day = dt.date(2026, 1, 7) + dt.timedelta(days=days_after)
    found = world.services.accountability.evaluate_on(world.cohort.id, day).flags
    for person in (ana, ben):
        hits = of(found, person, FlagKind.NO_PARTNER_CONTACT)
        assert bool(hits) is flagged
        if flagged:
            assert hits[0].evidence == (
                RecordRef("accountability_pair", pair.id),
                RecordRef("partner_contact", contact.id),
            )
            assert f"in {days_after} days" in hits[0].reason
            assert "PRIVATE-NOTE" not in hits[0].reason


def test_partner_contact_in_a_trio_counts_for_those_involved(world: World) -> None:
    ana, ben, cy = world.person("Ana"), world.person("Ben"), world.person("Cy")
    pair = world.services.partners.pair(world.cohort.id, [ana.id, ben.id, cy.id], start=world.start)
    world.services.partners.log_contact(
        pair.id, ana.id, ContactMethod.TEXT, on=dt.date(2026, 1, 9), reached=ben.id
    )
    found = world.services.accountability.evaluate_on(world.cohort.id, dt.date(2026, 1, 12)).flags
    kind = FlagKind.NO_PARTNER_CONTACT
    assert of(found, ana, kind) == [] and of(found, ben, kind) == []
    [cy_flag] = of(found, cy, kind)
    assert "in 7 days (none logged yet)" in cy_flag.reason  # counted from the pair's start
    world.services.partners.log_contact(
        pair.id, cy.id, ContactMethod.VIDEO, on=dt.date(2026, 1, 12)
    )
    found = world.services.accountability.evaluate_on(world.cohort.id, dt.date(2026, 1, 12)).flags
    assert of(found, cy, kind) == []
