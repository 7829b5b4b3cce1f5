"""Two processes on one vault: one writer at a time, and the other told who holds it.

Issue 11, "Races between two processes on one vault". Every run ends done (exit 0) or
refused with one sentence (exit 1), never a crash report, and the vault always opens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import integrity
from app.vault.errors import WrongPassphrase
from app.vault.lock import HOLDER_NAME, WriterLock
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.race_support import Racer, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the races fork real processes")

ROUNDS = 20


@pytest.fixture
def racer(tmp_path: Path) -> Iterator[Racer]:
    started = Racer(tmp_path / "home")
    yield started
    started.close()


@pytest.mark.slow
def test_two_inits_at_once_make_one_vault_and_keep_it(racer: Racer, tmp_path: Path) -> None:
    for number in range(ROUNDS):
        folder = tmp_path / f"vault-{number}"
        first, second = f"first passphrase {number}", f"second passphrase {number}"
        results = racer.race(
            run(folder, "init", passphrase=first), run(folder, "init", passphrase=second)
        )
        made = [r for r in results if r["code"] == 0]
        assert len(made) == 1, results
        assert "Created an encrypted vault" in made[0]["stdout"]
        refused = next(r for r in results if r["code"] == 1)
        assert "already exists" in refused["stderr"] or "in use by" in refused["stderr"]
        winner = first if results[0]["code"] == 0 else second
        unlock_with_passphrase(VaultPaths(folder), winner).close()  # never deleted by the loser


@pytest.mark.slow
def test_two_passwds_at_once_change_it_once(racer: Racer, vault_paths: VaultPaths) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    folder, current = vault_paths.folder, PASSPHRASE
    for number in range(ROUNDS):
        new = (f"new passphrase a{number}", f"new passphrase b{number}")
        results = racer.race(
            *(
                {**run(folder, "passwd", passphrase=current),
                 "env": {"CIRCLEKEEPER_PASSPHRASE": current,
                         "CIRCLEKEEPER_NEW_PASSPHRASE": choice}}
                for choice in new
            )
        )  # fmt: skip
        changed = [n for n, r in enumerate(results) if r["code"] == 0]
        assert len(changed) == 1, results  # never two "changed" of which one is lost
        assert "passphrase was changed" in results[changed[0]]["stdout"]
        loser = results[1 - changed[0]]["stderr"]
        assert "Wrong passphrase" in loser or "in use by" in loser, loser
        current = new[changed[0]]
        with pytest.raises(WrongPassphrase):
            unlock_with_passphrase(vault_paths, new[1 - changed[0]])
    unlock_with_passphrase(vault_paths, current).close()


def open_and_check(paths: VaultPaths) -> None:
    vault = unlock_with_passphrase(paths, PASSPHRASE)
    try:
        assert integrity.check(vault.database).ok
    finally:
        vault.close()


@pytest.mark.slow
def test_a_write_during_a_demo_waits_or_is_told_who_holds_the_vault(
    racer: Racer, tmp_path: Path
) -> None:
    paths, peer = VaultPaths(tmp_path / "vault"), tmp_path / "peer"
    for folder in (paths.folder, peer):
        assert racer.race(run(folder, "init"))[0]["code"] == 0
    card = tmp_path / "peer.card"
    assert racer.race(run(peer, "device", "--card", str(card)))[0]["code"] == 0
    bundle_passphrase = tmp_path / "bundle-passphrase"
    bundle_passphrase.write_text("a bundle passphrase\n")
    holder = str(paths.folder / HOLDER_NAME)
    demo, export, trust = racer.race(
        run(paths.folder, "demo", "--participants", "120", "--weeks", "8"),
        run(paths.folder, "export", "--to", str(tmp_path / "b.ckb"), "--passphrase-file",
            str(bundle_passphrase), after=holder),
        run(paths.folder, "trust", str(card), "--yes", after=holder),
    )  # fmt: skip
    assert demo["code"] == 0, demo
    for result in (export, trust):
        # Done once the demo let go, or refused naming the writer it waited for: the demo,
        # or the other command, which may have got the vault first.
        assert (
            result["code"] == 0 or "in use by the command `python -m app " in (result["stderr"])
        ), result
    open_and_check(paths)

    # Held for longer than a writer waits: each is refused, naming the holder.
    with WriterLock(paths.folder, "the command `python -m app demo`", "demo"):
        refused = racer.race(
            run(paths.folder, "export", "--to", str(tmp_path / "c.ckb"), "--passphrase-file",
                str(bundle_passphrase)),
            run(paths.folder, "trust", str(card), "--yes"),
        )  # fmt: skip
    for result in refused:
        assert result["code"] == 1
        assert (
            f"in use by the command `python -m app demo` (pid {os.getpid()}" in (result["stderr"])
        )
    assert not (tmp_path / "c.ckb").exists()
    # A reader does not wait for the writer lock at all.
    with WriterLock(paths.folder, "the command `python -m app demo`", "demo"):
        [checked] = racer.race(run(paths.folder, "check"))
    assert checked["code"] == 0 and "integrity: ok" in checked["stdout"]
    open_and_check(paths)


@pytest.mark.slow
def test_two_imports_at_once_both_apply_or_one_is_told_to_wait(
    racer: Racer, tmp_path: Path
) -> None:
    target = VaultPaths(tmp_path / "target")
    card = tmp_path / "target.card"
    assert racer.race(run(target.folder, "init"))[0]["code"] == 0
    assert racer.race(run(target.folder, "device", "--card", str(card)))[0]["code"] == 0
    bundles, fingerprints = [], []
    for number in range(2):
        source = tmp_path / f"source-{number}"
        bundle = tmp_path / f"source-{number}.ckb"
        steps = [
            run(source, "init"),
            run(source, "demo", "--participants", "60", "--weeks", "6", "--seed", str(number)),
            run(source, "export", "--to", str(bundle), "--recipient-file", str(card)),
            run(source, "device"),
        ]
        for step in steps:
            [result] = racer.race(step)
            assert result["code"] == 0, result
        bundles.append(bundle)
        fingerprints.append(
            next(line.split(": ")[1] for line in result["stdout"].splitlines()
                 if line.startswith("fingerprint"))
        )  # fmt: skip
    imports = [
        run(target.folder, "import", str(b), "--trust", f)
        for b, f in zip(bundles, fingerprints, strict=True)
    ]
    # While a long import holds the vault (longer than a writer waits), both are refused
    # with the holder's name, and nothing is half-applied.
    with WriterLock(target.folder, "the command `python -m app import`", "import"):
        for result in racer.race(*imports):
            assert result["code"] == 1
            assert "in use by the command `python -m app import`" in result["stderr"]
    results = racer.race(*imports)
    assert all(r["code"] == 0 or "in use by" in r["stderr"] for r in results), results
    assert any(r["code"] == 0 for r in results)
    open_and_check(target)
