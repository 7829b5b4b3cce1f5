"""Global search: people, check-in text and goals; clinician-only text only when asked, marked."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import search as search_module
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.search import HitKind, SearchStopped, like_pattern, snippet
from models import ReviewOutcome, ShareScope


def seed(services: Services) -> dict[str, object]:
    cohort = services.cohorts.create(CohortDraft(name="Harbor Group"))
    maya = services.participants.create(ParticipantDraft(display_name="Maya Quillfeather"))
    noor = services.participants.create(ParticipantDraft(display_name="Noor 100%"))
    for person in (maya, noor):
        services.enrollments.enroll(person.id, cohort.id)
    first, second = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)[:2]
    services.checkins.record(
        first.id,
        maya.id,
        CheckInDraft(mood=4, emotion_words="anxious", challenges="argument with my landlord"),
    )
    services.checkins.record(
        first.id,
        noor.id,
        CheckInDraft(
            mood=3, challenges="landlord again, and a relapse", share_scope=ShareScope.CLINICIAN
        ),
    )
    goal = services.goals.set_goal(maya.id, first.id, "Find a tenants' union", "community")
    services.goals.review(
        goal.id, second.id, ReviewOutcome.NOT_DONE, barrier_note="the office was closed"
    )
    services.participants.set_clinician_notes(noor.id, "history of landlord disputes")
    return {"cohort": cohort, "maya": maya, "noor": noor, "goal": goal}


def test_people_are_found_by_any_part_of_their_name_with_their_cohort(
    services: Services,
) -> None:
    seeded = seed(services)
    results = services.search.search("quill")
    assert [(h.kind, h.participant_name) for h in results.hits] == [
        (HitKind.PERSON, "Maya Quillfeather")
    ]
    assert results.hits[0].cohort_id == seeded["cohort"].id  # type: ignore[attr-defined]


def test_clinician_only_text_is_left_out_unless_asked_for_and_then_marked(
    services: Services,
) -> None:
    seed(services)
    shared = services.search.search("LANDLORD")
    assert [(h.kind, h.participant_name) for h in shared.hits] == [
        (HitKind.CHECK_IN, "Maya Quillfeather")
    ]
    assert not any(h.clinician_only for h in shared.hits)

    everything = services.search.search("landlord", include_clinician_only=True)
    marked = {(h.kind, h.participant_name) for h in everything.hits if h.clinician_only}
    assert marked == {
        (HitKind.CHECK_IN, "Noor 100%"),
        (HitKind.CLINICIAN_NOTE, "Noor 100%"),
    }


def test_goals_are_found_by_their_text_and_their_barrier_notes(services: Services) -> None:
    seeded = seed(services)
    by_text = services.search.search("tenants")
    by_barrier = services.search.search("office was")
    for results in (by_text, by_barrier):
        assert [h.kind for h in results.hits] == [HitKind.GOAL]
        assert results.hits[0].record_id == seeded["goal"].id  # type: ignore[attr-defined]
    assert "barrier: the office was closed" in by_barrier.hits[0].text


def test_wildcards_are_taken_literally_and_one_letter_finds_nothing(services: Services) -> None:
    seed(services)
    assert [h.participant_name for h in services.search.search("100%").hits] == ["Noor 100%"]
    assert services.search.search("%").hits == ()
    assert services.search.search("_a").hits == ()
    assert like_pattern("a_b%") == "%a\\_b\\%%"


def test_a_snippet_shows_the_match_in_context() -> None:
    text = "word " * 50 + "the landlord called" + " more" * 50
    cut = snippet(text, "landlord", width=40)
    assert "landlord" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 42


def test_a_search_stops_when_asked_and_the_connection_stays_usable(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(services)
    monkeypatch.setattr(search_module, "PROGRESS_STEPS", 10)  # look at ``stop`` often
    with pytest.raises(SearchStopped):
        services.search.search("landlord", stop=lambda: True)
    found = services.search.search("landlord", stop=lambda: False)
    assert [h.kind for h in found.hits] == [HitKind.CHECK_IN]
