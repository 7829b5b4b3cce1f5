"""The accountability engine (Qt-free): flags, milestones, follow-up prompts, suggestions.

Entry point: ``AccountabilityService`` (``services.accountability``). Its results are frozen
DTOs: ``Flag`` (facilitator-only, with ``evidence``), ``Milestone`` (group-safe),
``FollowUpPrompt`` (with ``group_safe``), ``ParticipantCard`` (the live round's card),
``PeerLeaderSuggestion``, ``PairingSuggestion`` and ``Evaluation`` (all of them at once).
Every result links to its source records through ``RecordRef``.

Inside: ``history`` loads a cohort's facts up to a moment (never clinician-only text); the
rules in ``flags``, ``milestones``, ``prompts``, ``suggestions`` and ``cards`` are pure
functions of that history; ``calendar`` holds the time-zone arithmetic.
"""

from app.services.accountability.cards import GoalDue, LastWords, ParticipantCard
from app.services.accountability.flags import Flag, FlagKind
from app.services.accountability.milestones import Milestone, MilestoneKind
from app.services.accountability.prompts import FollowUpPrompt, PromptKind
from app.services.accountability.records import RecordRef
from app.services.accountability.service import AccountabilityService, Evaluation
from app.services.accountability.suggestions import (
    PairingSuggestion,
    PeerLeaderSuggestion,
    SuggestedGroup,
)

__all__ = [
    "AccountabilityService",
    "Evaluation",
    "Flag",
    "FlagKind",
    "FollowUpPrompt",
    "GoalDue",
    "LastWords",
    "Milestone",
    "MilestoneKind",
    "PairingSuggestion",
    "ParticipantCard",
    "PeerLeaderSuggestion",
    "PromptKind",
    "RecordRef",
    "SuggestedGroup",
]
