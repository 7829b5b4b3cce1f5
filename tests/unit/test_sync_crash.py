"""An import killed with SIGKILL at random points leaves the vault exactly before or after."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

from app.services import integrity
from app.sync.importer import import_bundle
from app.sync.keys import device_identity
from app.vault.vault import UnlockedVault, VaultPaths
from bench.bench_sync import bulk_program
from tests.unit.test_sync_support import _template, make_machine

KILLS = 50


def _open(folder: Path) -> UnlockedVault:
    _folder, key_file, key = _template()
    return UnlockedVault(VaultPaths(folder), key_file, key)


def _import_child(folder: str, bundle: str) -> None:
    vault = _open(Path(folder))
    import_bundle(
        vault.database, device_identity(vault.database), Path(bundle).read_bytes(), actor="child"
    )
    vault.close()
    os._exit(0)


def _digest(folder: Path) -> str:
    vault = _open(folder)
    try:
        report = integrity.check(vault.database)
        assert report.ok, report.integrity
        return report.digest
    finally:
        vault.close()


def test_a_killed_import_leaves_the_vault_before_or_after(tmp_path: Path) -> None:
    a, b = make_machine(tmp_path / "a", "a"), make_machine(tmp_path / "b", "b")
    a.trust(b)
    b.trust(a)
    bulk_program(a.vault, cohorts=3, people_per_cohort=10, weeks=12)
    bundle = a.export(b)
    a.vault.close()
    b.vault.close()
    pristine = tmp_path / "b" / "vault"
    before = _digest(pristine)
    done = tmp_path / "done"
    shutil.copytree(pristine, done)
    started = time.perf_counter()
    _import_child_in_process(done, bundle)
    duration = time.perf_counter() - started
    after = _digest(done)
    assert before != after

    context = multiprocessing.get_context("fork")
    rnd = random.Random(11)
    seen = {"before": 0, "after": 0}
    for attempt in range(KILLS):
        work = tmp_path / f"kill-{attempt}"
        shutil.copytree(pristine, work)
        child = context.Process(target=_import_child, args=(str(work), str(bundle)))
        child.start()
        time.sleep(rnd.uniform(0, duration * 1.3))
        if child.pid is not None:
            os.kill(child.pid, signal.SIGKILL)
        child.join()
        digest = _digest(work)
        assert digest in (before, after), f"kill {attempt}: the vault is neither before nor after"
        seen["before" if digest == before else "after"] += 1
        shutil.rmtree(work)
    assert seen["before"] > 0


def _import_child_in_process(folder: Path, bundle: Path) -> None:
    vault = _open(folder)
    import_bundle(vault.database, device_identity(vault.database), bundle.read_bytes(), actor="t")
    vault.close()
