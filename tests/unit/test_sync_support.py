"""Shared helpers for the sync tests: vaults that trust each other, bundles, digests."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.services import integrity
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.context import ServiceContext
from app.services.participants import ParticipantDraft
from app.sync import peers
from app.sync.clock import HybridLogicalClock
from app.sync.export import ExportReport, ExportRequest, export_bundle
from app.sync.importer import ImportReport, import_bundle
from app.sync.keys import DeviceIdentity, device_identity
from app.vault.keyfile import KeyFile
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from tests.conftest import PASSPHRASE


@dataclass
class Machine:
    """One device: its vault, services over it, and its bundle identity."""

    name: str
    vault: UnlockedVault
    services: Services
    device: DeviceIdentity
    folder: Path

    def export(self, to: Machine | None = None, name: str = "", **options: object) -> Path:
        path = self.folder / (
            name or f"bundle-{id(options)}-{len(list(self.folder.iterdir()))}.ckb"
        )
        recipients = (to.device.age_recipient,) if to is not None else ()
        request = ExportRequest(path, recipients=recipients, **options)  # type: ignore[arg-type]
        self.last_export: ExportReport = export_bundle(
            self.vault.database, self.device, request, actor=self.name
        )
        return path

    def import_(self, path: Path, **options: object) -> ImportReport:
        return import_bundle(
            self.vault.database,
            self.device,
            path.read_bytes(),
            actor=self.name,
            **options,  # type: ignore[arg-type]
        )

    def digest(self) -> str:
        return integrity.check(self.vault.database).digest

    def trust(self, other: Machine) -> None:
        peers.trust(self.vault.database, other.device.card)


_TEMPLATE: dict[str, Any] = {}


def _template() -> tuple[Path, KeyFile, bytes]:
    """One vault created (one KDF run) per test session, copied for each machine."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="circlekeeper-sync-template-"))
        paths = VaultPaths(folder)
        vault = create_vault(paths, PASSPHRASE).vault
        with vault.database.write() as db:
            db.execute(text("DELETE FROM device_info"))  # each copy makes its own device
        vault.close()
        key_file = KeyFile.read(paths.key_file)
        _TEMPLATE.update(folder=folder, key_file=key_file, key=key_file.unwrap(PASSPHRASE))
    return _TEMPLATE["folder"], _TEMPLATE["key_file"], _TEMPLATE["key"]


def open_copy(folder: Path) -> UnlockedVault:
    template, key_file, key = _template()
    shutil.copytree(template, folder)
    return UnlockedVault(VaultPaths(folder), key_file, key)


def make_machine(folder: Path, name: str) -> Machine:
    folder.mkdir(parents=True, exist_ok=True)
    vault = open_copy(folder / "vault")
    context = ServiceContext(
        database=vault.database,
        clock=HybridLogicalClock(last=vault.highest_version()),
        device_id=vault.device_id,
        actor=name,
    )
    return Machine(name, vault, Services.build(context), device_identity(vault.database), folder)


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[list[Machine]]:
    made = [make_machine(tmp_path / n, n) for n in ("a", "b", "c")]
    for one in made:
        for other in made:
            if one is not other:
                one.trust(other)
    yield made
    for machine in made:
        machine.vault.close()


def small_program(
    services: Services, people: int = 3, name: str = "Tuesday"
) -> tuple[Any, list[Any], Any]:
    cohort = services.cohorts.create(CohortDraft(name=name, timezone="UTC"))
    members = []
    for index in range(people):
        person = services.participants.create(
            ParticipantDraft(
                display_name=f"Person {index}" if name == "Tuesday" else f"{name} {index}"
            )
        )
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
        members.append(person)
    session = services.sessions.schedule(cohort.id, dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC))
    return cohort, members, session
