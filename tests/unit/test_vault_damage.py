"""Damage once taken for a healthy vault: a short database, a bad leftover -wal, a rollback.

Issue 11, "Damage that is currently taken for a healthy vault". Each case ends refused
with one sentence naming the file, exit status 1, no crash report, nothing changed; where
the user may choose to go on (an older copy, a log that would lose changes), the command
line refuses until ``--accept-older`` is given.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.database.errors import DatabaseNotFound, DatabaseTooShort
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.anchor import AnchorStore
from app.vault.errors import KeyFileDamaged, VaultOlder, WrongPassphrase
from app.vault.keychain import Keychain
from app.vault.keyfile import KeyFile
from app.vault.lock import WriterLock
from app.vault.vault import OpenOptions, VaultPaths, create_vault, unlock_with_passphrase
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO
from tests.unit.race_support import Racer, run
from tests.unit.vault_support import crash_reports, snapshot

posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def one_sentence(stderr: str, *needles: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("circlekeeper: ") and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in lines[0], (needle, stderr)
    return lines[0]


@pytest.fixture(scope="module")
def racer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Racer]:
    """The real command line, forked from one process (and the cheap KDF): fast to start."""
    started = Racer(tmp_path_factory.mktemp("racer") / "home")
    yield started
    started.close()


def command(racer: Racer, folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    [ran] = racer.race(run(folder, *argv))
    return subprocess.CompletedProcess(argv, ran["code"], ran["stdout"], ran["stderr"])


def check(racer: Racer, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return command(racer, folder, "check", *extra)


def participants(stdout: str) -> int:
    found = re.search(r"participant\s+([\d,]+)", stdout)
    assert found, stdout
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def closed(vault_paths: VaultPaths) -> VaultPaths:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    Services.for_vault(created.vault).participants.create(ParticipantDraft(display_name="Ana"))
    created.vault.close()
    return vault_paths


# -- an empty or short database -----------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 4095])
def test_an_empty_or_short_database_is_refused_and_not_rewritten(
    closed: VaultPaths, racer: Racer, size: int
) -> None:
    closed.database.write_bytes(closed.database.read_bytes()[:size])
    before = snapshot(closed.folder)
    with pytest.raises(DatabaseTooShort) as refused:
        unlock_with_passphrase(closed, PASSPHRASE)
    assert str(closed.database) in str(refused.value)
    if size < 2:  # the cases, through the real program
        ran = check(racer, closed.folder)
        assert ran.returncode == 1
        one_sentence(ran.stderr, str(closed.database), "damaged")
        assert "integrity: ok" not in ran.stdout
        assert crash_reports(racer.home) == []
    assert snapshot(closed.folder) == before  # never filled with a new, empty schema


def test_a_missing_database_beside_its_key_file_is_named_and_not_created(
    closed: VaultPaths,
) -> None:
    closed.database.unlink()
    with pytest.raises(DatabaseNotFound) as refused:
        unlock_with_passphrase(closed, PASSPHRASE)
    assert str(closed.database) in str(refused.value)
    assert not closed.database.exists()


# -- a damaged key file is not a wrong passphrase ------------------------------------------


def test_a_damaged_key_file_is_told_apart_from_a_wrong_passphrase(
    closed: VaultPaths, racer: Racer
) -> None:
    document = json.loads(closed.key_file.read_bytes())
    wrapped = bytearray(base64.b64decode(document["passphrase"]["ciphertext"]))
    wrapped[5] ^= 0x01  # one bit of the wrapped key: still valid JSON and base64
    document["passphrase"]["ciphertext"] = base64.b64encode(bytes(wrapped)).decode()
    closed.key_file.write_text(json.dumps(document, indent=2) + "\n")
    with pytest.raises(KeyFileDamaged, match="checksum"):
        unlock_with_passphrase(closed, PASSPHRASE)
    ran = check(racer, closed.folder)
    assert ran.returncode == 1
    line = one_sentence(ran.stderr, str(closed.key_file), "damaged")
    assert "Wrong passphrase" not in line


def test_an_older_key_file_without_a_checksum_still_opens(closed: VaultPaths) -> None:
    document = json.loads(closed.key_file.read_bytes())
    del document["checksum"]
    closed.key_file.write_text(json.dumps(document))
    unlock_with_passphrase(closed, PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(closed, "not the passphrase at all")


# -- a -wal left by a writer that was killed -------------------------------------------------


def kill_a_writer(paths: VaultPaths, count: int) -> None:
    key = KeyFile.read(paths.key_file).unwrap(PASSPHRASE)
    process = subprocess.run(
        [sys.executable, "-m", "tests.unit.killed_writer", str(paths.folder), str(count)],
        cwd=REPO, input=f"{key.hex()}\n", capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert process.returncode == -9, process.stderr
    assert Path(f"{paths.database}-wal").stat().st_size > 0


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VaultPaths, Path]]:
    """A vault whose writer was killed after 70 participants (its -wal holds them all), and
    the -wal of another copy of the same vault killed after 40."""
    base = tmp_path_factory.mktemp("crashed")
    paths = VaultPaths(base / "vault")
    create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    other = VaultPaths(base / "other-copy")
    shutil.copytree(paths.folder, other.folder)
    kill_a_writer(paths, 70)
    kill_a_writer(other, 40)
    yield paths, Path(f"{other.database}-wal")


def copy_of(crashed: tuple[VaultPaths, Path], into: Path) -> VaultPaths:
    paths = VaultPaths(into / "vault")
    shutil.copytree(crashed[0].folder, paths.folder)
    return paths


def kept_copies(paths: VaultPaths) -> list[Path]:
    return sorted(paths.folder.glob("circlekeeper.db-wal.kept-*"))


@posix_only
def test_a_healthy_leftover_wal_is_kept_and_loses_nothing(
    crashed: tuple[VaultPaths, Path], racer: Racer, tmp_path: Path
) -> None:
    paths = copy_of(crashed, tmp_path)
    journal = Path(f"{paths.database}-wal").read_bytes()
    ran = check(racer, paths.folder)
    assert ran.returncode == 0, ran.stderr
    assert "integrity: ok" in ran.stdout and participants(ran.stdout) == 70
    [kept] = kept_copies(paths)
    assert kept.read_bytes() == journal  # kept before the open replayed and removed it
    assert f"a copy kept at {kept}" in ran.stderr
    assert not Path(f"{paths.database}-wal").exists()


def damage(paths: VaultPaths, how: str, foreign: Path) -> None:
    wal = Path(f"{paths.database}-wal")
    data = bytearray(wal.read_bytes())
    if how == "a flipped byte":
        data[len(data) // 3] ^= 0x40
    elif how == "truncated":
        del data[len(data) // 2 :]
    else:
        data = bytearray(foreign.read_bytes())
    wal.write_bytes(bytes(data))


@posix_only
@pytest.mark.parametrize("how", ["a flipped byte", "truncated", "another copy's"])
def test_a_damaged_leftover_wal_is_kept_and_reported_not_ok(
    crashed: tuple[VaultPaths, Path], racer: Racer, tmp_path: Path, how: str
) -> None:
    paths = copy_of(crashed, tmp_path)
    damage(paths, how, crashed[1])
    wal = Path(f"{paths.database}-wal")
    damaged = wal.read_bytes()

    ran = check(racer, paths.folder)
    assert ran.returncode == 1, ran.stdout
    assert "integrity: ok" not in ran.stdout
    [kept] = kept_copies(paths)
    one_sentence(ran.stderr, str(wal), str(kept), "--accept-older")
    assert kept.read_bytes() == damaged
    assert wal.read_bytes() == damaged  # neither replayed nor deleted
    assert crash_reports(racer.home) == []

    again = check(racer, paths.folder)  # refused again, the same copy named, no second one
    assert again.returncode == 1 and kept_copies(paths) == [kept]
    if how == "truncated":  # a writer is refused the same way
        writer = command(racer, paths.folder, "device")
        assert writer.returncode == 1
        one_sentence(writer.stderr, str(kept), "--accept-older")
        assert wal.read_bytes() == damaged

    # The user's choice: open what can be read. The copy stays for an expert.
    chosen = check(racer, paths.folder, "--accept-older")
    assert chosen.returncode == 0, chosen.stderr
    assert participants(chosen.stdout) < 70
    assert kept.read_bytes() == damaged


# -- rollback --------------------------------------------------------------------------------


class MemoryKeyring:
    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


def write_as_writer(paths: VaultPaths, anchors: AnchorStore, name: str) -> None:
    with WriterLock(paths.folder, "a test") as lock:
        options = OpenOptions(lock=lock, anchors=anchors)
        vault = unlock_with_passphrase(paths, PASSPHRASE, options=options)
        try:
            Services.for_vault(vault).participants.create(ParticipantDraft(display_name=name))
        finally:
            vault.close()  # notes the anchor


def test_a_rolled_back_vault_is_noticed_through_either_anchor(
    closed: VaultPaths, tmp_path: Path
) -> None:
    keychain = Keychain(MemoryKeyring(), "in-memory")
    anchors = AnchorStore(tmp_path / "state", keychain)
    write_as_writer(closed, anchors, "Ben")
    older = tmp_path / "older"
    shutil.copytree(closed.folder, older)
    write_as_writer(closed, anchors, "Cleo")
    shutil.rmtree(closed.folder)
    shutil.copytree(older, closed.folder)  # an older copy put back
    before = snapshot(closed.folder)

    with pytest.raises(VaultOlder) as refused:
        unlock_with_passphrase(closed, PASSPHRASE, options=OpenOptions(anchors=anchors))
    assert str(refused.value).startswith(
        "This vault is older than the last time this device used it: last change "
    )
    assert ", this file's last change " in str(refused.value)
    # The state file alone, and the keychain alone, each notice it.
    only_keychain = AnchorStore(tmp_path / "elsewhere", keychain)
    with pytest.raises(VaultOlder):
        unlock_with_passphrase(closed, PASSPHRASE, options=OpenOptions(anchors=only_keychain))
    only_file = AnchorStore(tmp_path / "state", None)
    with pytest.raises(VaultOlder):
        unlock_with_passphrase(closed, PASSPHRASE, options=OpenOptions(anchors=only_file))
    assert snapshot(closed.folder) == before

    # A forged state file (its version lowered to the old copy's) proves nothing.
    [state] = (tmp_path / "state").glob("*.json")
    document = json.loads(state.read_text())
    document["anchor"]["version"] = 1
    state.write_text(json.dumps(document))
    with pytest.raises(VaultOlder):
        unlock_with_passphrase(closed, PASSPHRASE, options=OpenOptions(anchors=anchors))

    accepted = OpenOptions(anchors=anchors, accept_older=True)
    unlock_with_passphrase(closed, PASSPHRASE, options=accepted).close()


def test_rollback_on_the_command_line_refuses_until_the_user_accepts(
    racer: Racer, tmp_path: Path
) -> None:
    folder, older = tmp_path / "vault", tmp_path / "older"
    assert command(racer, folder, "init").returncode == 0
    shutil.copytree(folder, older)
    demo = command(racer, folder, "demo", "--participants", "3", "--weeks", "1")
    assert demo.returncode == 0, demo.stderr
    shutil.rmtree(folder)
    shutil.copytree(older, folder)
    before = snapshot(folder)

    refused = check(racer, folder)
    assert refused.returncode == 1
    one_sentence(refused.stderr, "This vault is older than the last time this device used it",
                 "--accept-older")  # fmt: skip
    assert snapshot(folder) == before
    writing = command(racer, folder, "device")
    assert writing.returncode == 1 and "older" in writing.stderr

    accepted = check(racer, folder, "--accept-older")
    assert accepted.returncode == 0, accepted.stderr
    # A writer that was allowed to go on notes the vault as it is now: asked only once.
    chosen = command(racer, folder, "device", "--accept-older")
    assert chosen.returncode == 0, chosen.stderr
    assert check(racer, folder).returncode == 0
