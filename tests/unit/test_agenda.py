"""The pre-session agenda, its Markdown, the presenter-safe view, and ``python -m app agenda``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys

import pytest

from app.cli.main import main
from app.services.agenda.markdown import render
from app.services.agenda.presenter import PresenterView
from app.services.agenda.service import Agenda
from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.services.sessions import SessionRow
from app.vault.vault import UnlockedVault
from models import (
    AttendanceStatus,
    CohortStatus,
    ContactMethod,
    EnrollmentStatus,
    ReviewOutcome,
    ShareScope,
)
from tests.conftest import PASSPHRASE, REPO, FakeNow
from tests.unit.engine_world import World

CLINICIAN_ONLY = "CLINICIAN-ONLY"  # every clinician-only text below contains it
PRIVATE = "FACILITATOR-PRIVATE"  # notes that are not for the group either


@dataclasses.dataclass
class Scene:
    world: World
    sessions: list[SessionRow]

    @property
    def services(self) -> Services:
        return self.world.services


@pytest.fixture
def scene(services: Services, now: FakeNow) -> Scene:
    """A cohort with a week and a half of history and secrets planted everywhere."""
    world = World(services, now, name="Tuesday *Evening*")
    ana = world.person("Ana R.", recovery=dt.date(2025, 12, 29), pronouns="she/her")
    ben = world.person("Ben T.", pronouns="he/him")
    cy = world.person("Cy")
    dee = world.person("Dee", joined=dt.date(2026, 1, 7))
    s = world.weeks(2)
    for person in (ana, ben, cy, dee):
        services.participants.set_clinician_notes(
            person.id, f"{CLINICIAN_ONLY} note on {person.id}"
        )
    world.present(s[:3], ana, cy)
    world.present(s[:1], ben)
    world.mark(s[1], ben, AttendanceStatus.UNEXCUSED)
    services.attendance.mark(s[2].id, ben.id, AttendanceStatus.EXCUSED, note=f"{PRIVATE} why")
    world.present(s[1:3], dee)
    for session, mood in zip(s[:2], (7, 8), strict=True):
        world.check_in(session, ana, mood, craving=2, words="hopeful")
    # Ana's latest check-in was for the clinician only: its words must never travel.
    services.checkins.record(
        s[2].id,
        ana.id,
        CheckInDraft(
            mood=2,
            craving=9,
            emotion_words=f"{CLINICIAN_ONLY} words",
            accomplishments=f"{CLINICIAN_ONLY} accomplishments",
            challenges=f"{CLINICIAN_ONLY} challenges",
            share_scope=ShareScope.CLINICIAN,
        ),
    )
    goal = services.goals.set_goal(ana.id, s[1].id, "Set a boundary with my sister", "family")
    done = services.goals.set_goal(cy.id, s[0].id, "Walk every morning", "health")
    services.goals.review(done.id, s[1].id, ReviewOutcome.PARTLY, barrier_note=f"{PRIVATE} barrier")
    assert goal.text
    services.values.add(ana.id, "Honesty")
    pair = services.partners.pair(world.cohort.id, [ana.id, ben.id], start=dt.date(2026, 1, 5))
    services.partners.log_contact(
        pair.id, ben.id, ContactMethod.TEXT, on=dt.date(2026, 1, 8), note=f"{PRIVATE} contact"
    )
    # Cy will be discharged after the agenda's date: still a member that day, reason on file.
    enrollment = services.enrollments.for_participant(cy.id)[0]
    services.enrollments.end(
        enrollment.id,
        EnrollmentStatus.DISCHARGED,
        reason=f"{CLINICIAN_ONLY} discharge reason",
        on=dt.date(2026, 2, 1),
    )
    return Scene(world, s)


def test_agenda_for_the_next_session(scene: Scene) -> None:
    agenda = scene.services.agenda.for_cohort(scene.world.cohort.id, dt.date(2026, 1, 10))
    assert agenda.session is not None and agenda.session.id == scene.sessions[3].id
    assert agenda.day == dt.date(2026, 1, 12)
    assert [m.display_name for m in agenda.members] == ["Ana R.", "Ben T.", "Cy", "Dee"]
    assert [(m.display_name, m.label) for m in agenda.milestones] == [
        ("Ana R.", "14 days in recovery")
    ]
    reasons = {p.display_name: [f.kind.value for f in p.flags] for p in agenda.check_ins}
    assert reasons == {
        "Ana R.": ["mood drop", "high craving"],
        "Ben T.": ["absent in a row"],
    }
    assert [(g.display_name, g.text) for g in agenda.goals_due] == [
        ("Ana R.", "Set a boundary with my sister")
    ]
    [pair] = agenda.pairs
    assert pair.names == ("Ana R.", "Ben T.") and pair.last_contact == dt.date(2026, 1, 8)
    assert agenda.unpaired == ("Cy", "Dee")
    assert agenda.peer_leader is not None and not agenda.peer_leader.assigned
    assert agenda.peer_leader.display_name == "Ana R."


def test_an_agenda_for_an_earlier_session_reads_as_it_did_then(scene: Scene) -> None:
    # Cy's goal was reported back at sessions[1]: before it, it was still due.
    then = scene.services.agenda.for_session(scene.sessions[1].id)
    assert [(g.display_name, g.text) for g in then.goals_due] == [("Cy", "Walk every morning")]
    later = scene.services.agenda.for_session(scene.sessions[2].id)
    assert [g.display_name for g in later.goals_due] == ["Ana R."]


def test_assigned_peer_leader_wins_over_the_suggestion(scene: Scene) -> None:
    session = scene.sessions[3]
    members = {m.display_name: m for m in scene.services.agenda.for_session(session.id).members}
    scene.services.round_entries.set_peer_leader(session.id, members["Dee"].participant_id)
    agenda = scene.services.agenda.for_session(session.id)
    assert agenda.peer_leader is not None and agenda.peer_leader.assigned
    assert agenda.peer_leader.display_name == "Dee"
    # Dee just led: for the session after, someone else has waited longer.
    following = scene.services.accountability.peer_leaders(scene.sessions[4].id)
    assert following[-1].display_name == "Dee" and following[-1].times_led == 1


def test_markdown(scene: Scene) -> None:
    text = render(scene.services.agenda.for_session(scene.sessions[3].id))
    assert text.startswith("# Tuesday \\*Evening\\*: agenda for Monday 12 January 2026\n")
    for heading in (
        "## Milestones to celebrate",
        "## Who needs a check-in, and why",
        "## Goals due for report-back",
        "## Accountability partners",
        "## Peer leader",
    ):
        assert f"\n{heading}\n" in text
    assert "- Ana R.: 14 days in recovery today" in text
    assert "Absent the last 2 sessions in a row" in text
    assert "- Ana R. & Ben T. (since Mon 5 Jan; last contact Thu 8 Jan)" in text


def _all_text(*objects: object) -> str:
    return "\n".join(repr(o) for o in objects)


def test_no_clinician_only_text_reaches_the_agenda_prompts_cards_or_presenter(
    scene: Scene,
) -> None:
    services = scene.services
    for session in scene.sessions:
        agenda = services.agenda.for_session(session.id)
        evaluation = services.accountability.evaluate(session.id)
        presenter = services.agenda.presenter(session.id)
        everything = _all_text(agenda, render(agenda), evaluation, presenter)
        assert CLINICIAN_ONLY not in everything
        assert PRIVATE not in _all_text(presenter, agenda, render(agenda))
        for prompt in evaluation.prompts:
            assert CLINICIAN_ONLY not in prompt.text


def test_the_presenter_shows_order_leader_and_milestones_and_never_a_flag(scene: Scene) -> None:
    services = scene.services
    session = scene.sessions[3]
    flags = services.accountability.flags(session.id)
    assert flags
    view = services.agenda.presenter(session.id)
    assert {f.name for f in dataclasses.fields(PresenterView)} == {
        "cohort_name",
        "session_date",
        "topic",
        "round_order",
        "peer_leader",
        "milestones",
    }
    assert [s.display_name for s in view.round_order] == ["Ana R.", "Ben T.", "Cy", "Dee"]
    assert view.round_order[0].pronouns == "she/her"
    assert [m.text for m in view.milestones] == ["14 days in recovery today"]
    assert view.peer_leader is None  # a suggestion is the facilitator's, not the group's
    text = repr(view)
    for flag in flags:
        assert flag.reason not in text
    for word in ("mood", "craving", "absent", "Absent", "goal"):
        assert word not in text
    # Once the round runs, the presenter follows it.
    started = services.rounds.start(session.id)
    services.rounds.advance(started.id)
    live = services.agenda.presenter(session.id)
    assert [(s.done, s.speaking) for s in live.round_order[:2]] == [(True, False), (False, True)]


def test_agenda_for_a_date_without_sessions_and_active_cohorts_only(
    services: Services, now: FakeNow
) -> None:
    world = World(services, now, name="Quiet")
    world.person("Ana")
    finished = World(services, now, name="Finished")
    services.cohorts.set_status(finished.cohort.id, CohortStatus.FINISHED)
    agenda = services.agenda.for_cohort(world.cohort.id, dt.date(2026, 3, 2))
    assert agenda.session is None and agenda.day == dt.date(2026, 3, 2)
    assert "No session is planned on or after this date." in render(agenda)
    assert [a.cohort_name for a in services.agenda.for_active_cohorts()] == ["Quiet"]


def _cli(vault: UnlockedVault, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CIRCLEKEEPER_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(vault.paths.folder), "agenda", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_agenda_command(
    scene: Scene,
    vault: UnlockedVault,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one = _cli(vault, "--cohort", "Tuesday *Evening*", "--date", "2026-01-12")  # a real process
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("# Tuesday \\*Evening\\*: agenda for Monday 12 January 2026")
    assert "- Ana R.: 14 days in recovery today" in one.stdout
    assert CLINICIAN_ONLY not in one.stdout

    quiet = World(scene.services, scene.world.now, name="A quiet group")
    quiet.person("Eve")
    monkeypatch.setenv("CIRCLEKEEPER_PASSPHRASE", PASSPHRASE)
    folder = str(vault.paths.folder)
    assert main(["--data-dir", folder, "agenda", "--date", "2026-01-10"]) == 0
    everything = capsys.readouterr().out
    assert everything.index("# A quiet group") < everything.index("# Tuesday")
    assert CLINICIAN_ONLY not in everything
    # Each command takes the passphrase out of the environment once read (issue 11).
    monkeypatch.setenv("CIRCLEKEEPER_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", folder, "agenda", "--cohort", "Nope"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Nope" in error
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", folder, "agenda", "--date", "2026-13-01"])
    assert usage.value.code == 2 and "not a date" in capsys.readouterr().err


def test_agenda_is_a_frozen_snapshot(scene: Scene) -> None:
    agenda: Agenda = scene.services.agenda.for_session(scene.sessions[3].id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        agenda.day = dt.date(2000, 1, 1)  # type: ignore[misc]
