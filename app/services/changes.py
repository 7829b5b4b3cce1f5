"""What committed units of work changed, gathered per thread for the change bus (Qt-free).

A write never says by hand what it changed: ``ServiceContext``'s write hooks note every new
and changed synced row (``app.services.change_capture``) and, once the transaction has
committed, hand the frozen ``Changes`` to ``committed()``. A rolled-back transaction hands
on nothing. Paths that bypass the ORM (a bundle import, a settled sync conflict, the demo)
call ``committed(EVERYTHING)`` after their own commit.

``collecting()`` opens a collector on the calling thread: every commit made on that thread
while it is open is merged into it. The task runner opens one around each task and, on the
GUI thread, announces what it gathered (app/tasks.py). This module imports nothing but the
standard library: the window imports it before its first paint.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# The live round's own bookkeeping (whose turn it is, who was skipped): screens other than
# the round window have nothing to show for it, so they may ignore a change made only of it.
ROUND_PROGRESS = frozenset({"round_state", "round_turn"})


@dataclass(frozen=True, slots=True)
class Changes:
    """Which entities (table names), cohorts, participants and sessions a commit touched.

    ``everything`` stands for a change too broad to list (an import): every test below is
    then true. The ids are as wide as the rows allow: a check-in names its participant, its
    session and that session's cohort; a participant's own row names every cohort they were
    ever enrolled in, so that each roster showing them hears of it.
    """

    entities: frozenset[str] = frozenset()
    cohorts: frozenset[uuid.UUID] = frozenset()
    participants: frozenset[uuid.UUID] = frozenset()
    sessions: frozenset[uuid.UUID] = frozenset()
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.entities)

    def __or__(self, other: Changes) -> Changes:
        if self.everything or other.everything:
            return EVERYTHING
        return Changes(
            self.entities | other.entities,
            self.cohorts | other.cohorts,
            self.participants | other.participants,
            self.sessions | other.sessions,
        )

    def touches(self, *entities: str) -> bool:
        """Whether any of ``entities`` (table names) changed."""
        return self.everything or not self.entities.isdisjoint(entities)

    def only(self, entities: Iterable[str]) -> bool:
        """Whether nothing but ``entities`` changed (False for everything)."""
        return not self.everything and self.entities <= frozenset(entities)

    def touches_cohort(self, cohort_id: uuid.UUID | None) -> bool:
        return self.everything or cohort_id in self.cohorts

    def touches_participant(self, participant_id: uuid.UUID | None) -> bool:
        return self.everything or participant_id in self.participants

    def touches_session(self, session_id: uuid.UUID | None) -> bool:
        return self.everything or session_id in self.sessions

    def describe(self) -> str:
        """For logs: the entities and how many ids, never a name or any content."""
        if self.everything:
            return "everything"
        return (
            f"{', '.join(sorted(self.entities))} ({len(self.cohorts)} cohorts, "
            f"{len(self.participants)} participants, {len(self.sessions)} sessions)"
        )


NOTHING = Changes()
EVERYTHING = Changes(everything=True)


@dataclass(slots=True)
class Collector:
    """The changes committed on one thread while it was open (see ``collecting``)."""

    changes: Changes = field(default=NOTHING)

    def add(self, changes: Changes) -> None:
        self.changes = self.changes | changes


_local = threading.local()


def _open_collectors() -> list[Collector]:
    found: list[Collector] | None = getattr(_local, "collectors", None)
    if found is None:
        found = _local.collectors = []
    return found


@contextmanager
def collecting() -> Iterator[Collector]:
    """Gather every change committed on this thread until the block ends (they nest)."""
    collector = Collector()
    collectors = _open_collectors()
    collectors.append(collector)
    try:
        yield collector
    finally:
        collectors.remove(collector)


def committed(changes: Changes) -> None:
    """A transaction committed ``changes``: every collector open on this thread hears of it."""
    if changes:
        for collector in _open_collectors():
            collector.add(changes)
