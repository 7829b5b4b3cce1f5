"""The roster's flags column: who may need a call, and why, from the accountability engine.

The page reads flags through one small interface, ``FlagSource``: a plain callable, run on a
worker, from a cohort and a day to each member's flags (None when they cannot be worked
out, which the column shows as unknown, never as an empty "all clear"). ``flag_source``
adapts ``AccountabilityService``; tests pass their own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from views.roster.roster_services import RosterServices


@dataclass(frozen=True, slots=True)
class RosterFlag:
    """One reason to check in with someone: a short kind and a sentence. Facilitator-only."""

    kind: str
    reason: str


FlagSource = Callable[[uuid.UUID, dt.date], Mapping[uuid.UUID, tuple[RosterFlag, ...]] | None]
"""``(cohort_id, today) -> {participant_id: flags}``; None when flags cannot be worked out."""


def no_flags(_cohort_id: uuid.UUID, _day: dt.date) -> None:
    """A source that knows nothing (the column then says flags are not available)."""


def flag_source(services: RosterServices) -> FlagSource:
    """The engine's flags for the members as of the end of ``today`` (today's records count)."""
    engine = services.accountability

    def engine_flags(
        cohort_id: uuid.UUID, today: dt.date
    ) -> dict[uuid.UUID, tuple[RosterFlag, ...]]:
        found: dict[uuid.UUID, list[RosterFlag]] = {}
        # evaluate_on counts what was recorded before the day it is given.
        for flag in engine.evaluate_on(cohort_id, today + dt.timedelta(days=1)).flags:
            found.setdefault(flag.participant_id, []).append(
                RosterFlag(flag.kind.value, flag.reason)
            )
        return {person: tuple(flags) for person, flags in found.items()}

    return engine_flags
