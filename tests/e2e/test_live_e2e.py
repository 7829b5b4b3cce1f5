"""The real program under Xvfb runs a live round, is killed with SIGKILL mid-round, and resumes.

How it is driven: xdotool is not installed, so the program types into itself. With
``CIRCLEKEEPER_LIVE_SCRIPT`` set, ``views/live/script_hook.py`` plays a JSON script of key
clicks (QTest, sent to whatever has the focus, shortcuts included) inside the real app, and
prints lines this test waits for. The test kills it with SIGKILL after "checkpoint", starts
it again with a second script (accept the resume offer, dump the card on screen), and
checks what the widgets show and what the vault holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from models import RoundKind, TurnStatus
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.e2e.conftest import Screen, start_program, stop_program

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NAMES = ("Ana", "Ben", "Cy", "Dee", "Eli", "Fern", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lou")
LINE_LIMIT_SECONDS = 90


def make_vault(data_dir: Path) -> None:
    """A cohort of 12 with a session starting now (in UTC, so "today" is today)."""
    vault = create_vault(VaultPaths(data_dir), PASSPHRASE, kdf=CHEAP_KDF).vault
    try:
        services = Services.for_vault(vault, actor="e2e")
        today = dt.datetime.now(dt.UTC)
        cohort = services.cohorts.create(
            CohortDraft(name="Evening Group", timezone="UTC", start_date=today.date())
        )
        for name in NAMES:
            person = services.participants.create(ParticipantDraft(display_name=name))
            services.enrollments.enroll(person.id, cohort.id, start_date=today.date())
        services.sessions.schedule(cohort.id, today.replace(second=0, microsecond=0))
    finally:
        vault.close()


def check_in(mood: str, words: str, went_well: str, hard: str) -> list[dict[str, Any]]:
    return [
        {"type": mood},  # one key: the mood, then the focus moves to the words
        {"type": words},
        {"key": "Tab"},
        {"type": went_well},
        {"key": "Tab"},
        {"type": hard},
    ]


FIRST_RUN: list[dict[str, Any]] = [
    {"wait": "cohort"},
    {"key": "G", "mods": ["ctrl"]},  # Start group…
    {"wait": "dialog"},
    {"key": "Return"},  # today's session, alphabetical
    {"wait": "idle"},
    *check_in("7", "calm", "went to work", "slept badly"),
    {"key": "Return"},
    {"wait": "idle"},
    *check_in("3", "low", "called my sister", "a fight at home"),
    {"key": "Return"},
    {"wait": "idle"},
    {"key": "S", "mods": ["alt"]},  # Cy: skip for now
    {"wait": "idle"},
    *check_in("9", "proud", "thirty days", ""),
    {"key": "Return"},
    {"wait": "idle"},
    *check_in("5", "tired", "", "no sleep"),
    {"key": "Return"},
    {"wait": "idle"},
    *check_in("4", "hopeful, anxious", "a long day", "the bus, then rain"),  # Fern: no Enter
    {"wait": "idle"},  # the pause saved her draft
    {"print": "checkpoint"},
]
RESUME_RUN: list[dict[str, Any]] = [
    {"wait": "dialog"},  # "Resume the round?"
    {"key": "Return"},
    {"wait": "idle"},
    {"dump": True},
    {"print": "resumed"},
]


def run_until(program: subprocess.Popen[str], wanted: str) -> list[str]:
    """Lines of the program's stdout up to and including ``wanted`` (within a time limit).

    Reads the pipe's file descriptor itself: ``select`` cannot see lines already sitting in
    a Python text buffer, and a pipe has no signal to wait on.
    """
    assert program.stdout is not None
    descriptor = program.stdout.fileno()
    pending, seen = b"", []
    deadline = time.monotonic() + LINE_LIMIT_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 1)
        if not ready:
            if program.poll() is not None:
                break
            continue
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        seen += [line.decode() for line in lines]
        if any(line.startswith(("script-timeout", wanted)) for line in seen):
            break
    if not any(line.startswith(wanted) for line in seen):
        program.kill()
        _, errors = program.communicate(timeout=30)
        pytest.fail(f"no {wanted!r} from the program: {seen}\nstderr: {errors[-3000:]}")
    return seen


def test_a_round_killed_mid_way_resumes_with_every_entry(screen: Screen, tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    make_vault(data_dir)
    first_script, resume_script = tmp_path / "first.json", tmp_path / "resume.json"
    first_script.write_text(json.dumps(FIRST_RUN))
    resume_script.write_text(json.dumps(RESUME_RUN))
    environment = {"CIRCLEKEEPER_PASSPHRASE": PASSPHRASE}

    program = start_program(
        screen, tmp_path, data_dir, CIRCLEKEEPER_LIVE_SCRIPT=str(first_script), **environment
    )
    try:
        run_until(program, "checkpoint")
    finally:
        program.send_signal(signal.SIGKILL)
        program.wait(30)
    assert program.returncode == -signal.SIGKILL

    program = start_program(
        screen, tmp_path, data_dir, CIRCLEKEEPER_LIVE_SCRIPT=str(resume_script), **environment
    )
    try:
        lines = run_until(program, "resumed")
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    [dump] = [json.loads(line[5:]) for line in lines if line.startswith("dump ")]
    assert dump["speaker"] == "Fern"
    fields = dump["fields"]
    assert (fields["mood"], fields["words"]) == ("4", "hopeful, anxious")
    assert (fields["accomplishments"], fields["challenges"]) == ("a long day", "the bus, then rain")
    states = dict(dump["order"])
    assert [states[n] for n in NAMES[:6]] == ["DONE", "DONE", "SKIPPED", "DONE", "DONE", "SPEAKING"]

    vault = unlock_with_passphrase(VaultPaths(data_dir), PASSPHRASE)
    try:
        services = Services.for_vault(vault, actor="e2e")
        [view] = services.rounds.in_progress()
        entries = {c.participant_name: c for c in services.checkins.for_session(view.session_id)}
        assert {
            n: (c.mood, c.emotion_words, c.accomplishments, c.challenges)
            for n, c in entries.items()
        } == {
            "Ana": (7, "calm", "went to work", "slept badly"),
            "Ben": (3, "low", "called my sister", "a fight at home"),
            "Dee": (9, "proud", "thirty days", ""),
            "Eli": (5, "tired", "", "no sleep"),
        }
        [draft] = services.round_entries.drafts_for(view.session_id, RoundKind.CHECK_IN)
        assert draft.as_dict()["challenges"] == "the bus, then rain"
        assert view.current is not None and view.current.display_name == "Fern"
        assert [t.display_name for t in view.skipped] == ["Cy"]
        assert sum(t.status is TurnStatus.DONE for t in view.turns) == 4
    finally:
        vault.close()
