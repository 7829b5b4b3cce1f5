"""Properties of the engine over generated histories: every flag has evidence that exists,
every prompt and milestone links to a real record, and each milestone is celebrated once."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings

import app.services.accountability.flags as flag_rules
import app.services.accountability.milestones as milestone_rules
from app.services.accountability.facts import CohortHistory
from app.services.accountability.milestones import MilestoneKind
from app.services.accountability.service import evaluate_history
from models import SessionStatus
from tests.unit.engine_facts import histories, known_records, moment

DATED = {MilestoneKind.RECOVERY, MilestoneKind.PROGRAM_HALFWAY, MilestoneKind.GRADUATION}


def _moments(history: CohortHistory) -> list[CohortHistory]:
    return [moment(history, i) for i in range(len(history.sessions))] + [history]


@settings(max_examples=80, deadline=None)
@given(histories())
def test_no_flag_without_evidence_that_exists(history: CohortHistory) -> None:
    members = {m.participant_id for m in history.members}
    for at in _moments(history):
        known = known_records(at)
        for flag in flag_rules.flags(at):
            assert flag.evidence, flag
            assert flag.participant_id in members
            for ref in flag.evidence:
                assert (ref.entity, ref.id) in known, (flag, ref)


@settings(max_examples=60, deadline=None)
@given(histories())
def test_prompts_and_milestones_link_to_real_records(history: CohortHistory) -> None:
    for at in _moments(history):
        known = known_records(at)
        evaluation = evaluate_history(at)
        for prompt in evaluation.prompts:
            assert (prompt.source.entity, prompt.source.id) in known, prompt
            assert prompt.text
        for milestone in evaluation.celebrations:
            assert (milestone.source.entity, milestone.source.id) in known, milestone
        # A private prompt comes only from a flag; a group-safe one never repeats a reason.
        reasons = {f.reason for f in evaluation.flags}
        assert not any(p.text in reasons for p in evaluation.prompts)


def _held_out(history: CohortHistory) -> list[int]:
    return [i for i, s in enumerate(history.sessions) if s.status != SessionStatus.CANCELLED]


@settings(max_examples=80, deadline=None)
@given(histories(max_sessions=10))
def test_each_dated_milestone_is_celebrated_at_exactly_one_session(
    history: CohortHistory,
) -> None:
    order = _held_out(history)
    if len(order) < 2:
        return
    seen: Counter[tuple[object, ...]] = Counter()
    for i in order[:-1]:
        for m in milestone_rules.celebrations(moment(history, i)):
            if m.kind in DATED:
                seen[(m.participant_id, m.kind, m.count, m.date)] += 1
    first = history.sessions[order[0]].local_date
    last = history.sessions[order[-1]].local_date
    expected = Counter(
        (m.participant_id, m.kind, m.count, m.date)
        for m in milestone_rules.milestones_between(history, first, last)
        if m.kind in DATED and m.date < last
    )
    assert seen == expected


@settings(max_examples=80, deadline=None)
@given(histories(max_sessions=10))
def test_each_streak_and_goal_count_is_celebrated_once_at_the_next_session(
    history: CohortHistory,
) -> None:
    order = _held_out(history)
    if len(order) < 2:
        return
    seen: Counter[tuple[object, ...]] = Counter()
    for i in order[1:]:
        for m in milestone_rules.celebrations(moment(history, i)):
            if m.kind not in DATED:
                seen[(m.participant_id, m.kind, m.count, m.source)] += 1
    final = moment(history, order[-1])
    since = history.sessions[order[0]].start
    expected: Counter[tuple[object, ...]] = Counter()
    for member in final.members:
        for m in milestone_rules.event_milestones(final, member, since):
            expected[(m.participant_id, m.kind, m.count, m.source)] += 1
    assert seen == expected
