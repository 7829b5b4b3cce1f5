"""Screenshots of the round window and the group screen, on a demo program, as a user sees them.

The demo vault is made with the command line, ending yesterday so that today's session is
still to be held; values and partner pairs (which the demo does not write) are added
through the services, as a facilitator would before the group. The
program types into itself (see ``views/live/script_hook.py``). Pictures go to
docs/screenshots/ with ``CIRCLEKEEPER_SCREENSHOTS=1`` (to be looked at, then committed),
otherwise to the temporary folder, so a test run leaves the working tree alone.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.services.container import Services
from app.services.values import STANDARD_VALUES
from app.vault.vault import VaultPaths, unlock_with_passphrase
from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import SCREENSHOTS, Screen, home_environment, start_program, stop_program
from tests.e2e.test_live_e2e import run_until
from tests.e2e.test_roster_e2e import remember_cohort

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OWN_WORDS = ("Showing up", "Being a good dad", "Peace")


def demo_vault(tmp_path: Path) -> Path:
    """``init`` and ``demo`` on the command line, as a user would; the demo ends yesterday."""
    data_dir = tmp_path / "vault"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    for command in (
        ["init", "--passphrase-file", str(secret)],
        ["demo", "--cohorts", "3", "--participants", "60", "--weeks", "12", "--today", yesterday,
         "--passphrase-file", str(secret)],
    ):  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(data_dir), *command],
            cwd=REPO,
            env=home_environment(tmp_path),
            check=True,
            capture_output=True,
            timeout=180,
        )
    return data_dir


def prepare(data_dir: Path) -> tuple[uuid.UUID, str]:
    """An active cohort (cravings first, then size), a session today, values, pairs, a leader."""
    vault = unlock_with_passphrase(VaultPaths(data_dir), PASSPHRASE)
    try:
        services = Services.for_vault(vault, actor="e2e")
        cohort = max(  # a group that records cravings shows every field of the card
            (c for c in services.cohorts.list() if c.status.value == "active"),
            key=lambda c: (c.has_cravings, c.active_members),
        )
        now = services.context.now()
        session_id = next((s.id for s in services.rounds.sessions_today(cohort.id)), None)
        if session_id is None:
            start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=4)
            session_id = services.sessions.schedule(
                cohort.id, start, topic="Coping with cravings"
            ).id
        agenda = services.agenda.for_session(session_id)
        for index, member in enumerate(agenda.members):
            if not services.values.for_participant(member.participant_id):
                for text in (STANDARD_VALUES[index % 7], OWN_WORDS[index % 3]):
                    services.values.add(member.participant_id, text)
        pairing = services.accountability.pairing(cohort.id)
        services.partners.apply_pairing(cohort.id, [g.participant_ids for g in pairing.groups])
        leader = services.accountability.peer_leaders(session_id)[0]
        services.round_entries.set_peer_leader(session_id, leader.participant_id)
        return cohort.id, cohort.name
    finally:
        vault.close()


def script(go_on: Path) -> list[dict[str, Any]]:
    return [
        {"wait": "cohort"},
        {"key": "G", "mods": ["ctrl"]},
        {"wait": "dialog"},
        {"key": "Return"},
        {"wait": "idle"},
        {"type": "7"},  # mood; the focus moves on to craving (this track has it)
        {"type": "2"},
        {"type": "hopeful, tired"},
        {"key": "Return"},
        {"wait": "idle"},
        {"type": "6"},
        {"type": "3"},
        {"type": "calm, a bit nervous"},
        {"wait": "idle"},
        {"print": "live-ready"},
        {"wait": f"file:{go_on}"},
        {"key": "P", "mods": ["alt"]},
        {"wait": "presenter"},
        {"wait": "idle"},
        {"print": "presenter-ready"},
    ]


def test_screenshots_of_the_round_and_the_group_screen(screen: Screen, tmp_path: Path) -> None:
    data_dir = demo_vault(tmp_path)
    cohort_id, cohort_name = prepare(data_dir)
    remember_cohort(tmp_path, cohort_id)
    folder = SCREENSHOTS
    go_on = tmp_path / "go-on"
    steps = tmp_path / "script.json"
    steps.write_text(json.dumps(script(go_on)))
    program = start_program(
        screen,
        tmp_path,
        data_dir,
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
        CIRCLEKEEPER_LIVE_SCRIPT=str(steps),
    )
    try:
        run_until(program, "live-ready")
        live_title = f"Circlekeeper — {cohort_name}, check-in round"
        live = screen.screenshot(folder / "live-round.png", live_title)
        go_on.touch()
        run_until(program, "presenter-ready")
        group = screen.screenshot(folder / "presenter.png", "Circlekeeper — group screen")
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert live.stat().st_size > 20_000 and group.stat().st_size > 10_000
