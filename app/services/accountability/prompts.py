"""Follow-up prompts: questions for the facilitator built from each participant's own data.

Each prompt links to the record it came from and says whether it is group-safe (fit to say
aloud or show where the group can see). Group-safe prompts are built only from what the
participant shared with the group: their goals, their values, attendance the group saw,
milestones, their partners' names. The others (built from flags) carry no detail at all.
No prompt ever carries clinician-only text: the history they are built from holds none.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass

from app.services.accountability.calendar import WEEKDAYS, short_date
from app.services.accountability.facts import CohortHistory, MemberFact
from app.services.accountability.flags import Flag, FlagKind, absent_streak
from app.services.accountability.milestones import Milestone
from app.services.accountability.records import RecordRef
from app.services.figures.goals import due_goal_facts
from models import ValueSource


class PromptKind(enum.StrEnum):
    GOAL = "goal"
    VALUE = "value"
    ATTENDANCE = "attendance"
    MILESTONE = "milestone"
    PARTNER = "partner"
    PRIVATE = "private"  # from a flag: for a word one-to-one, never aloud


@dataclass(frozen=True, slots=True)
class FollowUpPrompt:
    participant_id: uuid.UUID
    kind: PromptKind
    text: str
    source: RecordRef
    group_safe: bool


_PRIVATE_WORDING = {
    FlagKind.MOOD_DROP: "Check in one-to-one: their mood was lower than usual last time.",
    FlagKind.HIGH_CRAVING: "Check in one-to-one: cravings were high last time.",
    FlagKind.HOURS_BELOW_MINIMUM: "Check their hours: this week is projected below the minimum.",
}

_SECOND_PERSON = {
    "i": "you",
    "i'm": "you're",
    "i'll": "you'll",
    "i've": "you've",
    "i'd": "you'd",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
}
_WORD = re.compile(r"[A-Za-z']+")


def second_person(text: str) -> str:
    """A goal in the participant's words, turned to address them: "call my sister" →
    "call your sister". The first letter is lowered unless it starts an acronym or "I"."""
    swapped = _WORD.sub(lambda m: _swap(m.group(0)), text.strip().rstrip("."))
    if len(swapped) > 1 and swapped[0].isupper() and not swapped[1].isupper():
        swapped = swapped[0].lower() + swapped[1:]
    return swapped


def _swap(word: str) -> str:
    replacement = _SECOND_PERSON.get(word.lower().replace("’", "'"))
    if replacement is None:
        return word
    return replacement.capitalize() if word[0].isupper() and word.lower() != "i" else replacement


def prompts_for(
    history: CohortHistory,
    member: MemberFact,
    milestones: list[Milestone],
    member_flags: list[Flag],
) -> list[FollowUpPrompt]:
    """The member's prompts in the order a facilitator would use them."""
    pid = member.participant_id
    found: list[FollowUpPrompt] = []
    previous = history.previous_session()
    for goal in due_goal_facts(history, member):
        when = (
            "Last session"
            if previous is not None and goal.set_in_session_id == previous.id
            else f"On {short_date(goal.set_start.astimezone(history.cohort.zone).date())}"
        )
        text = f"{when} you planned to {second_person(goal.text)}: did you follow through?"
        found.append(FollowUpPrompt(pid, PromptKind.GOAL, text, RecordRef("goal", goal.id), True))
    values = history.values.get(pid, ())
    if values:
        # Turn to a different value each session, so the question does not go stale.
        value = values[len(history.held_sessions_of(member)) % len(values)]
        named = value.text if value.source is ValueSource.LIST else f"“{second_person(value.text)}”"
        text = f"You named {named} as a value: where did it show up this week?"
        found.append(
            FollowUpPrompt(pid, PromptKind.VALUE, text, RecordRef("value", value.id), True)
        )
    missed = absent_streak(history, member)
    if missed:
        day = WEEKDAYS[missed[0].local_date.weekday()]
        text = (
            f"You were absent last session ({day}): welcome back."
            if len(missed) == 1
            else f"You were absent the last {len(missed)} sessions: welcome back."
        )
        ref = RecordRef("group_session", missed[0].id)
        found.append(FollowUpPrompt(pid, PromptKind.ATTENDANCE, text, ref, True))
    for milestone in milestones:
        if milestone.participant_id == pid:
            text = milestone.phrase(history.as_of_date)
            text = text[0].upper() + text[1:]
            found.append(FollowUpPrompt(pid, PromptKind.MILESTONE, text, milestone.source, True))
    for flag in member_flags:
        if flag.kind is FlagKind.NO_PARTNER_CONTACT:
            text = "How is it going with your accountability partner? No contact logged lately."
            found.append(FollowUpPrompt(pid, PromptKind.PARTNER, text, flag.evidence[0], True))
        elif flag.kind in _PRIVATE_WORDING:
            text = _PRIVATE_WORDING[flag.kind]
            found.append(FollowUpPrompt(pid, PromptKind.PRIVATE, text, flag.evidence[0], False))
    return found
