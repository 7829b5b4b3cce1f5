"""The presenter-safe projection: the only data the screen-shared window may ever receive.

``PresenterView`` holds the round order, the peer leader and the milestones to celebrate, as
plain text and dates. It has no field for a flag, a prompt, a check-in, a note or anything
clinician-only, and ``presenter_view`` is the only place that builds one, copying just
display names, pronouns, the session topic and milestone wording. A presenter window typed to
take a ``PresenterView`` therefore cannot show anything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models import TurnStatus

if TYPE_CHECKING:
    from app.services.agenda.service import Agenda
    from app.services.round.view import RoundView


@dataclass(frozen=True, slots=True)
class PresenterSpeaker:
    display_name: str
    pronouns: str
    speaking: bool  # the current speaker
    done: bool  # has had their turn


@dataclass(frozen=True, slots=True)
class PresenterMilestone:
    display_name: str
    text: str  # "14 days in recovery on Thursday"


@dataclass(frozen=True, slots=True)
class PresenterView:
    cohort_name: str
    session_date: dt.date
    topic: str
    round_order: tuple[PresenterSpeaker, ...]
    peer_leader: str | None  # only a leader assigned to the session, never a suggestion
    milestones: tuple[PresenterMilestone, ...]


def presenter_view(agenda: Agenda, round_view: RoundView | None) -> PresenterView:
    """Project an agenda (and the live round, when one has begun) onto the safe view.

    Without a round, the order shown is alphabetical, the round's default.
    """
    if round_view is not None:
        order = tuple(
            PresenterSpeaker(
                turn.display_name,
                turn.pronouns,
                turn.participant_id == round_view.current_participant_id,
                turn.status is TurnStatus.DONE,
            )
            for turn in round_view.turns
        )
    else:
        members = sorted(
            agenda.members, key=lambda m: (m.display_name.casefold(), m.participant_id)
        )
        order = tuple(PresenterSpeaker(m.display_name, m.pronouns, False, False) for m in members)
    leader = agenda.peer_leader
    return PresenterView(
        cohort_name=agenda.cohort_name,
        session_date=agenda.day,
        topic=agenda.session.topic if agenda.session else "",
        round_order=order,
        peer_leader=leader.display_name if leader is not None and leader.assigned else None,
        milestones=tuple(
            PresenterMilestone(m.display_name, m.phrase(agenda.day)) for m in agenda.milestones
        ),
    )
