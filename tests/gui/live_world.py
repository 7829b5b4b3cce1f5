"""A 12-person cohort with history, for the live round's GUI tests and benchmark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.services.container import Services
from app.services.participants import ParticipantRow
from app.services.sessions import SessionRow
from models import EnrollmentStatus, ShareScope, Track
from tests.conftest import FakeNow
from tests.unit.engine_world import World

NAMES = (
    "Ana R.", "Ben T.", "Cy", "Dee", "Eli", "Fern", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lou",
)  # fmt: skip
CLINICIAN_ONLY = "CLINICIAN-ONLY"  # every clinician-only text planted below contains it


@dataclass
class LiveWorld:
    world: World
    people: list[ParticipantRow]
    sessions: list[SessionRow]
    today: SessionRow  # Monday 2 March 2026, 18:00 in Chicago (the FakeNow date)
    previous: SessionRow

    @property
    def services(self) -> Services:
        return self.world.services


def build_live_world(
    services: Services, now: FakeNow, *, track: Track = Track.SUBSTANCE_USE
) -> LiveWorld:
    """Eight weeks of sessions up to today; goals due, values, a pair, milestones, a flag,
    and clinician-only text everywhere it can hide (notes, a check-in, a discharge reason)."""
    world = World(services, now, track=track)
    people = [
        world.person(
            name,
            pronouns=("she/her", "he/him", "they/them")[i % 3],
            recovery=dt.date(2026, 2, 16) if i == 0 else None,
        )
        for i, name in enumerate(NAMES)
    ]
    sessions = world.weeks(9)
    today = next(s for s in sessions if s.local_date == dt.date(2026, 3, 2))
    past = [s for s in sessions if s.local_date < today.local_date]
    previous = past[-1]
    world.present(past, *people[:11])  # Lou missed everything: a flag
    for person in people:
        services.participants.set_clinician_notes(person.id, f"{CLINICIAN_ONLY} note {person.id}")
    for index, person in enumerate(people[:11]):
        world.check_in(past[-2], person, 6, words="hopeful, tired", craving=1)
        world.check_in(previous, person, 7 if index else 3, words="calm", craving=2)
    world.check_in(
        previous,
        people[2],
        4,
        words=f"{CLINICIAN_ONLY} words",
        scope=ShareScope.CLINICIAN,
        challenges=f"{CLINICIAN_ONLY} challenge",
    )
    for person in people[:3]:
        services.goals.set_goal(person.id, previous.id, "call my sister", "family")
    services.values.add(people[0].id, "honesty")
    services.values.add(people[0].id, "Showing up")
    services.partners.pair(world.cohort.id, [people[0].id, people[1].id], start=past[0].local_date)
    gone = world.person("Zed")
    enrollment = services.enrollments.for_participant(gone.id)[0]
    services.enrollments.end(
        enrollment.id,
        EnrollmentStatus.DISCHARGED,
        on=past[2].local_date,
        reason=f"{CLINICIAN_ONLY} discharge reason",
    )
    return LiveWorld(world, people, sessions, today, previous)
