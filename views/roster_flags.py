"""The roster's flags column: who may need a call, with reasons, from the accountability engine.

The engine (``app.services.accountability``, built in parallel) is read through one small
interface, ``FlagSource``: a plain callable, run on a worker, from a cohort and a day to each
member's flags. Until the engine is in the services container, ``flag_source`` returns
``no_flags`` and the column says the flags are not available (never an empty "all clear").
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.container import Services


@dataclass(frozen=True, slots=True)
class RosterFlag:
    """One reason to check in with someone: a short kind and a sentence. Facilitator-only."""

    kind: str
    reason: str


FlagSource = Callable[[uuid.UUID, dt.date], Mapping[uuid.UUID, tuple[RosterFlag, ...]] | None]
"""``(cohort_id, day) -> {participant_id: flags}``; None when no engine is available."""


def no_flags(_cohort_id: uuid.UUID, _day: dt.date) -> None:
    """The stand-in while the accountability engine is not installed: flags unknown."""


def flag_source(services: Services) -> FlagSource:
    """The engine's flags when ``services`` has it (``services.accountability``), else none."""
    engine: Any = getattr(services, "accountability", None)
    if engine is None or not hasattr(engine, "evaluate_on"):
        return no_flags

    def engine_flags(cohort_id: uuid.UUID, day: dt.date) -> dict[uuid.UUID, tuple[RosterFlag, ...]]:
        found: dict[uuid.UUID, list[RosterFlag]] = {}
        for flag in engine.evaluate_on(cohort_id, day).flags:
            kind = str(getattr(flag.kind, "value", flag.kind))
            found.setdefault(flag.participant_id, []).append(RosterFlag(kind, flag.reason))
        return {person: tuple(flags) for person, flags in found.items()}

    return engine_flags
