"""A round written by one process, killed without warning, is read back exactly by another."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap

from app.services.container import Services
from app.vault.vault import UnlockedVault
from tests.conftest import PASSPHRASE, REPO, FakeNow
from tests.unit.engine_world import World, round_snapshot

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys, uuid
    from pathlib import Path
    PASSPHRASE = os.environ["CIRCLEKEEPER_PASSPHRASE"]  # read before tests.conftest clears it
    from app.services.checkins import CheckInDraft
    from app.services.container import Services
    from app.vault.vault import VaultPaths, unlock_with_passphrase
    from models import RoundOrder, ShareScope
    from tests.unit.engine_world import round_snapshot

    folder, session_id = sys.argv[1], uuid.UUID(sys.argv[2])
    vault = unlock_with_passphrase(VaultPaths(Path(folder)), PASSPHRASE)
    services = Services.for_vault(vault, actor="facilitator")
    rounds, entries = services.rounds, services.round_entries
    view = rounds.start(session_id, order=RoundOrder.RANDOM, seed=3)
    view = rounds.set_soft_limit(view.id, 150)
    for step in range(8):
        person = view.current.participant_id
        if step == 2:
            view = rounds.skip(view.id)
            continue
        words = "steady and hopeful"
        for typed in range(1, len(words) + 1, 4):  # saved after each pause in typing
            draft = CheckInDraft(mood=step % 10, emotion_words=words[:typed], craving=step)
            entries.save_check_in(session_id, person, draft)
        if step == 5:
            entries.arrived(session_id, person, minute=9)
        if step == 7:  # killed mid-entry: the words so far are all there is
            draft = CheckInDraft(
                mood=4, challenges="a hard wee", share_scope=ShareScope.CLINICIAN
            )
            entries.save_check_in(session_id, person, draft)
            break
        view = rounds.advance(view.id)
    view = rounds.find(session_id)
    print(json.dumps(round_snapshot(view, services.checkins.for_session(session_id))))
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no cleanup: the laptop died
    """
)


def test_a_killed_round_resumes_exactly(
    vault: UnlockedVault, services: Services, now: FakeNow
) -> None:
    now.value = dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC)
    world = World(services, now)
    for k in range(12):
        world.person(f"Person {k:02d}")
    [session, *_] = world.weeks(1)
    env = {**os.environ, "CIRCLEKEEPER_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(vault.paths.folder), str(session.id)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    written = json.loads(child.stdout)

    resumed = services.rounds.start(session.id)  # what the window does when it reopens
    read_back = round_snapshot(resumed, services.checkins.for_session(session.id))
    assert read_back == written
    turns = written["round"]["turns"]
    assert [t[3] for t in turns].count("done") == 6 and [t[3] for t in turns].count("skipped") == 1
    assert resumed.current is not None and resumed.current.display_name == turns[7][1]
    assert len(written["entries"]) == 7
    late = [p for p in services.round_entries.presence(session.id) if p.arrived_minute == 9]
    assert len(late) == 1
