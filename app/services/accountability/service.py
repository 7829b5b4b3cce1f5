"""``AccountabilityService``: the engine's entry points, each one read-only unit of work.

Most calls take the session being prepared. The engine reads as of now, the one "as of"
instant of every screen (``moment.resolve_moment``); for a session on an earlier day than
the cohort's today it reads what was recorded before that session's start, as it read then.
``evaluate`` returns every result at once (one load of the history), which is what the
agenda and the live round's cards use.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import app.services.accountability.flags as flag_rules
import app.services.accountability.milestones as milestone_rules
import app.services.accountability.suggestions as suggestions
from app.services.accountability.cards import ParticipantCard, build_card
from app.services.accountability.facts import CohortHistory
from app.services.accountability.flags import Flag
from app.services.accountability.history import load_history
from app.services.accountability.milestones import Milestone
from app.services.accountability.prompts import FollowUpPrompt
from app.services.accountability.suggestions import PairingSuggestion, PeerLeaderSuggestion
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.figures.member import member_figures
from app.services.lookup import live
from models import GroupSession


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything the engine says about one moment (a session, or a date) of one cohort."""

    cohort_id: uuid.UUID
    session_id: uuid.UUID | None
    day: dt.date  # the local date
    flags: tuple[Flag, ...]
    celebrations: tuple[Milestone, ...]
    cards: tuple[ParticipantCard, ...]  # one per member, by name; prompts are on the cards
    peer_leaders: tuple[PeerLeaderSuggestion, ...]  # the suggestion first

    def card(self, participant_id: uuid.UUID) -> ParticipantCard:
        for card in self.cards:
            if card.participant_id == participant_id:
                return card
        raise NotFound("The participant's card")

    @property
    def prompts(self) -> tuple[FollowUpPrompt, ...]:
        return tuple(p for card in self.cards for p in card.prompts)


def evaluate_history(history: CohortHistory) -> Evaluation:
    """The pure part of ``AccountabilityService.evaluate`` (tests call it on built histories).

    Each member's figures (flags included) are worked out once, by ``member_figures``, and
    the cards and the flag list both carry them.
    """
    celebrations = milestone_rules.celebrations(history)
    figures = [member_figures(history, member) for member in history.members]
    cards = tuple(
        build_card(history, member, celebrations, theirs)
        for member, theirs in zip(history.members, figures, strict=True)
    )
    return Evaluation(
        history.cohort.id,
        history.session.id if history.session else None,
        history.as_of_date,
        tuple(flag for theirs in figures for flag in theirs.flags),
        tuple(celebrations),
        cards,
        tuple(suggestions.peer_leaders(history)),
    )


class AccountabilityService:
    """Flags, milestones, follow-up prompts, cards and suggestions; it never writes."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def _history(
        self,
        *,
        session_id: uuid.UUID | None = None,
        cohort_id: uuid.UUID | None = None,
        on: dt.date | None = None,
    ) -> CohortHistory:
        with self._context.database.read() as db:
            if session_id is not None:
                cohort_id = live(db, GroupSession, session_id, "session").cohort_id
            if cohort_id is None:
                raise InvalidInput("cohort", "Choose a cohort or a session.")
            return load_history(
                db, cohort_id, now=self._context.now(), session_id=session_id, on=on
            )

    def evaluate(self, session_id: uuid.UUID) -> Evaluation:
        """Flags, celebrations, cards (with prompts) and peer-leader ranking for a session."""
        return evaluate_history(self._history(session_id=session_id))

    def evaluate_on(self, cohort_id: uuid.UUID, day: dt.date) -> Evaluation:
        """The same for a local date with no session: as of now for today or later, else
        as of that day's start (records before that day count)."""
        return evaluate_history(self._history(cohort_id=cohort_id, on=day))

    def flags(self, session_id: uuid.UUID) -> list[Flag]:
        return flag_rules.flags(self._history(session_id=session_id))

    def celebrations(self, session_id: uuid.UUID) -> list[Milestone]:
        return milestone_rules.celebrations(self._history(session_id=session_id))

    def milestones_between(
        self, cohort_id: uuid.UUID, first: dt.date, last: dt.date
    ) -> list[Milestone]:
        """Every milestone of the members (as of ``last``) dated ``first``..``last``."""
        if last < first:
            raise InvalidInput("last", "The last date cannot be before the first.")
        history = self._history(cohort_id=cohort_id, on=last + dt.timedelta(days=1))
        return milestone_rules.milestones_between(history, first, last)

    def peer_leaders(self, session_id: uuid.UUID) -> list[PeerLeaderSuggestion]:
        """Members ranked for leading the peer-led segment; the first is the suggestion."""
        return suggestions.peer_leaders(self._history(session_id=session_id))

    def pairing(self, cohort_id: uuid.UUID, *, on: dt.date | None = None) -> PairingSuggestion:
        """A suggested pairing of the members on ``on`` (default today in the cohort's zone)."""
        with self._context.database.read() as db:
            history = load_history(db, cohort_id, now=self._context.now(), on=on)
            return suggestions.pairing(history)
