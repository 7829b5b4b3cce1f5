"""The participant card of the live round: everything a facilitator needs about one speaker.

A card is facilitator-only (it carries flags); it never reaches the presenter screen. Its
"last time" words come only from check-ins shared with the group. Its figures (goals due,
flags, hours, streak) are the member's ``MemberFigures``, the same the roster and agenda show.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from app.services.accountability.facts import CohortHistory, MemberFact
from app.services.accountability.flags import Flag, absent_streak
from app.services.accountability.milestones import Milestone
from app.services.accountability.prompts import FollowUpPrompt, prompts_for
from app.services.figures.goals import GoalDue
from app.services.figures.member import MemberFigures
from app.services.values import ValueRow


@dataclass(frozen=True, slots=True)
class LastWords:
    """The latest check-in the participant shared with the group."""

    checkin_id: uuid.UUID
    session_date: dt.date
    mood: int | None
    emotion_words: str


@dataclass(frozen=True, slots=True)
class ParticipantCard:
    participant_id: uuid.UUID
    display_name: str
    pronouns: str
    last_shared: LastWords | None
    goals_due: tuple[GoalDue, ...]
    values: tuple[ValueRow, ...]  # rank 1 first
    milestones: tuple[Milestone, ...]  # to celebrate at this session
    missed_last_session: bool
    partner_names: tuple[str, ...]  # current accountability partners
    pair_id: uuid.UUID | None
    prompts: tuple[FollowUpPrompt, ...]
    flags: tuple[Flag, ...]
    figures: MemberFigures | None = None  # None for someone the engine does not know


def build_card(
    history: CohortHistory,
    member: MemberFact,
    milestones: list[Milestone],
    figures: MemberFigures,
) -> ParticipantCard:
    """The member's card; its goals due and flags are ``figures``' (as of ``history.as_of``)."""
    pid = member.participant_id
    zone = history.cohort.zone
    # "Last time": what they shared before the session being prepared, not during it.
    shared = [
        c for c in history.checkins.get(pid, ()) if c.shared and c.session_start < history.anchor
    ]
    last = shared[-1] if shared else None
    last_words = (
        LastWords(
            last.id, last.session_start.astimezone(zone).date(), last.mood, last.emotion_words
        )
        if last is not None
        else None
    )
    names = {m.participant_id: m.display_name for m in history.members}
    pair = next(
        (
            p
            for p in history.pairs
            if p.cohort_id == history.cohort.id
            and p.active_on(history.as_of_date)
            and pid in p.member_ids
        ),
        None,
    )
    partners = (
        tuple(names.get(other, "") for other in pair.member_ids if other != pid) if pair else ()
    )
    theirs = [m for m in milestones if m.participant_id == pid]
    member_flags = list(figures.flags)
    return ParticipantCard(
        participant_id=pid,
        display_name=member.display_name,
        pronouns=member.pronouns,
        last_shared=last_words,
        goals_due=figures.goals_due,
        values=history.values.get(pid, ()),
        milestones=tuple(theirs),
        missed_last_session=bool(absent_streak(history, member)),
        partner_names=partners,
        pair_id=pair.id if pair else None,
        prompts=tuple(prompts_for(history, member, theirs, member_flags)),
        flags=figures.flags,
        figures=figures,
    )
