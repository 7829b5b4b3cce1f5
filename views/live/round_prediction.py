"""The round as the service will save it after a move, computed on the GUI side at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from app.services.round.view import RoundView, next_speaker, seconds_between
from models import TurnStatus


def predicted(
    view: RoundView, status: TurnStatus | None, target: uuid.UUID | None, now: dt.datetime
) -> RoundView:
    """The round as ``RoundService`` will save it after a move, computed locally.

    ``status`` (DONE for advance, SKIPPED for skip, None for go_to) is given to the speaker;
    ``target`` is who speaks next for go_to (None: the service's rule, ``next_speaker``).
    """
    current = view.current_participant_id
    turns = []
    for turn in view.turns:
        if turn.participant_id == current:
            if status is TurnStatus.DONE or (status and turn.status is not TurnStatus.DONE):
                turn = dataclasses.replace(turn, status=status)
            if view.current_started_at is not None:
                spoken = seconds_between(view.current_started_at, now)
                turn = dataclasses.replace(turn, seconds_spoken=turn.seconds_spoken + spoken)
        if turn.participant_id == target and turn.status is TurnStatus.SKIPPED:
            turn = dataclasses.replace(turn, status=TurnStatus.WAITING)
        turns.append(turn)
    following = target if status is None else next_speaker(turns, current)
    return dataclasses.replace(
        view,
        turns=tuple(turns),
        current_participant_id=following,
        current_started_at=now if following is not None else None,
    )
