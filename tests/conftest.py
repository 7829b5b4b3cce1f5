"""Shared fixtures: real encrypted vaults in tmp_path, services over them, a sealed environment."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Offscreen Qt for every GUI test; the e2e tests start Xvfb and set DISPLAY themselves.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may reach the developer's real keychain: processes we start see a null backend,
# which the app refuses (so it asks for the passphrase). Keychain tests pass their own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
os.environ.pop("CIRCLEKEEPER_DATA_DIR", None)
os.environ.pop("CIRCLEKEEPER_PASSPHRASE", None)
# Rollback anchors and crash logs of in-process commands go to a state folder of the run's
# own, never the developer's (processes we start get one per test from cli_environment).
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="circlekeeper-test-state-")

from app.services.container import Services
from app.services.context import ServiceContext
from app.sync.clock import HybridLogicalClock
from app.vault.keyfile import KdfParameters
from app.vault.vault import UnlockedVault, VaultPaths, create_vault

PASSPHRASE = "correct horse battery staple"
# A cheap KDF for fixtures; tests of unlocking itself use the real cost (KdfParameters()).
CHEAP_KDF = KdfParameters(iterations=1, lanes=1, memory_kib=8 * 1024)
REPO = Path(__file__).resolve().parent.parent


class FakeNow:
    """A settable clock for services: tests move time explicitly."""

    def __init__(self, start: dt.datetime) -> None:
        self.value = start

    def __call__(self) -> dt.datetime:
        return self.value

    def advance(self, **delta: float) -> None:
        self.value += dt.timedelta(**delta)


@pytest.fixture
def vault_paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "vault")


@pytest.fixture
def vault(vault_paths: VaultPaths) -> Iterator[UnlockedVault]:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    yield created.vault
    created.vault.close()


@pytest.fixture
def now() -> FakeNow:
    return FakeNow(dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC))  # a Monday


@pytest.fixture
def services(vault: UnlockedVault, now: FakeNow) -> Services:
    context = ServiceContext(
        database=vault.database,
        clock=HybridLogicalClock(last=vault.highest_version()),
        device_id=vault.device_id,
        actor="tester",
        now=now,
    )
    return Services.build(context)
