"""Unlocking: wrong secrets and damaged files give one clear error and change nothing on disk."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from app.database.engine import open_engine
from app.database.errors import DatabaseDamaged, DatabaseNotFound, DatabaseUnreadable
from app.services import integrity
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.errors import (
    KeyFileDamaged,
    NoRecoveryKey,
    VaultExists,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from app.vault.keyfile import KeyFile, new_recovery_identity
from app.vault.vault import (
    VaultPaths,
    create_vault,
    reset_passphrase_with_recovery,
    unlock_with_passphrase,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.vault_support import crash_reports, run_cli, sha256, snapshot

NEW_PASSPHRASE = "a brand new and longer passphrase"


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every database the driver is asked to open (a spy: the real driver still opens it)."""
    opened: list[str] = []
    real_connect = sqlcipher3.connect

    def counting_connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlcipher3, "connect", counting_connect)
    return opened


@pytest.fixture
def closed_vault(vault_paths: VaultPaths) -> VaultPaths:
    """A vault with a few rows, closed, as it is between two runs of the app."""
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    services = Services.for_vault(created.vault, actor="tester")
    services.cohorts.create(CohortDraft(name="Tuesday Evening"))
    services.participants.create(ParticipantDraft(display_name="Ana R."))
    created.vault.close()
    return vault_paths


def assert_one_sentence(stderr: str, *needles: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("circlekeeper: "), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], (needle, stderr)


# -- wrong secrets ----------------------------------------------------------------------------


def test_twenty_wrong_passphrases_open_nothing_and_change_nothing(
    vault_paths: VaultPaths, connects: list[str]
) -> None:
    created = create_vault(vault_paths, PASSPHRASE)  # the real KDF cost
    created.vault.close()
    before = snapshot(vault_paths.folder)
    connects.clear()
    wrong = [
        "",
        " ",
        PASSPHRASE.upper(),
        PASSPHRASE + " ",
        PASSPHRASE[:-1],
        "correct horse battery stapler",
        "ünïcödé passphrase ✓",
        "x" * 10_000,
    ]
    wrong += [f"wrong guess number {i}" for i in range(20 - len(wrong))]
    assert len(wrong) == 20
    for guess in wrong:
        with pytest.raises(WrongPassphrase) as refused:
            unlock_with_passphrase(vault_paths, guess)
        assert str(refused.value) == (
            "Wrong passphrase: the vault was not unlocked and nothing was changed."
        )
    assert connects == []
    assert snapshot(vault_paths.folder) == before  # same names (no -wal, -shm), same bytes

    # The spy sees a real open, so the zero above means something.
    unlock_with_passphrase(vault_paths, PASSPHRASE).close()
    assert connects


def test_wrong_passphrase_on_the_command_line(closed_vault: VaultPaths, tmp_path: Path) -> None:
    before = snapshot(closed_vault.folder)
    ran = run_cli(
        "--data-dir",
        str(closed_vault.folder),
        "check",
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE="not the passphrase",
    )
    assert ran.returncode == 1
    assert_one_sentence(ran.stderr, "Wrong passphrase")
    assert snapshot(closed_vault.folder) == before


def test_a_wrong_raw_key_is_refused_and_creates_nothing(closed_vault: VaultPaths) -> None:
    before = snapshot(closed_vault.folder)
    for key in (bytes(32), b"\xff" * 32):
        with pytest.raises(DatabaseUnreadable) as refused:
            open_engine(closed_vault.database, key)
        assert str(closed_vault.database) in str(refused.value)
    with pytest.raises(ValueError, match="32 bytes"):
        open_engine(closed_vault.database, bytes(16))
    assert snapshot(closed_vault.folder) == before

    missing = closed_vault.folder / "elsewhere.db"
    with pytest.raises(DatabaseNotFound):
        open_engine(missing, bytes(32))
    assert snapshot(closed_vault.folder) == before  # no new empty database either


# -- a damaged database -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VaultPaths]:
    """A closed vault of some 100 pages, built once and copied by each damage test."""
    paths = VaultPaths(tmp_path_factory.mktemp("filled") / "vault")
    created = create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF)
    services = Services.for_vault(created.vault, actor="tester")
    for number in range(120):
        person = services.participants.create(ParticipantDraft(display_name=f"Person {number}"))
        services.participants.set_clinician_notes(person.id, "notes " * 100)
    created.vault.close()
    assert paths.database.stat().st_size >= 60 * 4096
    yield paths


def flip_at(size: int) -> dict[str, int]:
    page = 4096
    pages = size // page
    return {
        "salt": 3,  # SQLCipher's per-file salt: the first 16 bytes
        "first page": 2000,
        "middle page": (pages // 2) * page + 1000,
        "last page": (pages - 1) * page + 500,
        "last page's HMAC": size - 10,
    }


@pytest.mark.parametrize(
    "where", ["salt", "first page", "middle page", "last page", "last page's HMAC"]
)
def test_flipped_bytes_give_a_clear_error_and_no_overwrite(
    filled_vault: VaultPaths, tmp_path: Path, where: str
) -> None:
    paths = VaultPaths(tmp_path / "damaged")
    shutil.copytree(filled_vault.folder, paths.folder)
    data = bytearray(paths.database.read_bytes())
    data[flip_at(len(data))[where]] ^= 0x5A
    paths.database.write_bytes(bytes(data))
    before = snapshot(paths.folder)

    # Through the API: refused at open, or open and reported by the integrity check.
    try:
        vault = unlock_with_passphrase(paths, PASSPHRASE)
    except (DatabaseUnreadable, DatabaseDamaged) as error:
        assert str(paths.database) in str(error)
    else:
        try:
            report = integrity.check(vault.database)
        finally:
            vault.close()
        assert not report.ok
        assert report.integrity != "ok" and "\n" not in report.integrity
    assert snapshot(paths.folder) == before

    # On the command line: exit 1, one sentence naming the file, no traceback, no crash report.
    home = tmp_path / "home"
    ran = run_cli(
        "--data-dir", str(paths.folder), "check", home=home, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE
    )
    assert ran.returncode == 1, ran
    assert_one_sentence(ran.stderr, str(paths.database))
    assert crash_reports(home) == []
    assert snapshot(paths.folder) == before


def test_reading_a_damaged_page_names_the_file(filled_vault: VaultPaths, tmp_path: Path) -> None:
    paths = VaultPaths(tmp_path / "damaged")
    shutil.copytree(filled_vault.folder, paths.folder)
    data = bytearray(paths.database.read_bytes())
    for page in range(2, len(data) // 4096):  # every page but the first: the open succeeds
        data[page * 4096 + 100] ^= 0xFF
    paths.database.write_bytes(bytes(data))
    before = snapshot(paths.folder)
    with pytest.raises((DatabaseDamaged, DatabaseUnreadable)) as refused:
        vault = unlock_with_passphrase(paths, PASSPHRASE)
        try:
            Services.for_vault(vault, actor="tester").participants.search("Person")
        finally:
            vault.close()
    assert str(paths.database) in str(refused.value)
    assert snapshot(paths.folder) == before


def test_the_check_command_passes_on_the_undamaged_vault(
    filled_vault: VaultPaths, tmp_path: Path
) -> None:
    """The control for the damage tests: the same copy, not flipped, checks out."""
    paths = VaultPaths(tmp_path / "intact")
    shutil.copytree(filled_vault.folder, paths.folder)
    ran = run_cli(
        "--data-dir",
        str(paths.folder),
        "check",
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert ran.returncode == 0, ran.stderr
    assert "integrity: ok" in ran.stdout


# -- a damaged or edited key file -------------------------------------------------------------


def _edit_json(change: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        document = json.loads(data)
        change(document)
        return json.dumps(document).encode()

    return edit


def _set(section: str | None, field: str, value: Any) -> Callable[[bytes], bytes]:
    def change(document: dict[str, Any]) -> None:
        (document[section] if section else document)[field] = value

    return _edit_json(change)


def _flip_b64(field: str) -> Callable[[bytes], bytes]:
    def change(document: dict[str, Any]) -> None:
        raw = bytearray(base64.b64decode(document["passphrase"][field]))
        raw[len(raw) // 2] ^= 0x01
        document["passphrase"][field] = base64.b64encode(bytes(raw)).decode()

    return _edit_json(change)


B64 = base64.b64encode
KEY_FILE_EDITS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "truncated json": lambda data: data[: len(data) // 2],
    "binary garbage": lambda data: bytes(range(256)),
    "not an object": lambda data: b"[1, 2, 3]",
    "another format": _set(None, "format", "something-else"),
    "a newer version": _set(None, "version", 2),
    "vault id changed": _set(None, "vault_id", "00000000-0000-4000-8000-000000000000"),
    "vault id not a uuid": _set(None, "vault_id", "nope"),
    "iterations lowered": _edit_json(lambda d: d["passphrase"].update(iterations=2)),
    "iterations raised": _edit_json(lambda d: d["passphrase"].update(iterations=3)),
    "memory lowered": _edit_json(lambda d: d["passphrase"].update(memory_kib=16 * 1024)),
    "memory absurd": _set("passphrase", "memory_kib", 1),
    "lanes as text": _set("passphrase", "lanes", "4"),
    "kdf renamed": _set("passphrase", "kdf", "pbkdf2"),
    "salt flipped": _flip_b64("salt"),
    "salt too short": _set("passphrase", "salt", B64(b"abc").decode()),
    "nonce empty": _set("passphrase", "nonce", ""),
    "nonce too long": _set("passphrase", "nonce", B64(bytes(200)).decode()),
    "nonce flipped": _flip_b64("nonce"),
    "ciphertext flipped": _flip_b64("ciphertext"),
    "ciphertext cut": _set("passphrase", "ciphertext", B64(bytes(16)).decode()),
    "ciphertext not base64": _set("passphrase", "ciphertext", "!!!"),
    "passphrase section missing": _edit_json(lambda d: d.pop("passphrase")),
    "recovery malformed": _set(None, "recovery", {"scheme": "age-x25519"}),
}


@pytest.mark.parametrize("edit", sorted(KEY_FILE_EDITS))
def test_an_edited_key_file_is_refused_never_a_crash(
    closed_vault: VaultPaths, tmp_path: Path, edit: str
) -> None:
    key_file = closed_vault.key_file
    key_file.write_bytes(KEY_FILE_EDITS[edit](key_file.read_bytes()))
    before = snapshot(closed_vault.folder)
    with pytest.raises((KeyFileDamaged, WrongPassphrase)) as refused:
        unlock_with_passphrase(closed_vault, PASSPHRASE)
    if isinstance(refused.value, KeyFileDamaged):
        assert str(key_file) in str(refused.value)
    assert snapshot(closed_vault.folder) == before


def test_an_edited_key_file_on_the_command_line(closed_vault: VaultPaths, tmp_path: Path) -> None:
    key_file = closed_vault.key_file
    key_file.write_bytes(KEY_FILE_EDITS["salt too short"](key_file.read_bytes()))
    before = snapshot(closed_vault.folder)
    home = tmp_path / "home"
    ran = run_cli(
        "--data-dir",
        str(closed_vault.folder),
        "check",
        home=home,
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert ran.returncode == 1
    assert_one_sentence(ran.stderr, str(key_file))
    assert crash_reports(home) == []
    assert snapshot(closed_vault.folder) == before


def test_a_missing_key_file_is_named(closed_vault: VaultPaths) -> None:
    closed_vault.key_file.unlink()
    before = snapshot(closed_vault.folder)
    with pytest.raises(KeyFileDamaged, match="missing"):
        unlock_with_passphrase(closed_vault, PASSPHRASE)
    assert snapshot(closed_vault.folder) == before


# -- changing the passphrase ------------------------------------------------------------------


def test_passwd_rewraps_the_key_and_leaves_the_database_alone(
    closed_vault: VaultPaths, tmp_path: Path
) -> None:
    database_before = sha256(closed_vault.database)
    key_file_before = closed_vault.key_file.read_bytes()
    ran = run_cli(
        "--data-dir",
        str(closed_vault.folder),
        "passwd",
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
        CIRCLEKEEPER_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert ran.returncode == 0, ran.stderr
    assert sha256(closed_vault.database) == database_before  # not re-encrypted
    assert closed_vault.key_file.read_bytes() != key_file_before
    assert sorted(p.name for p in closed_vault.folder.iterdir()) == [
        "circlekeeper.db",
        "circlekeeper.key",
        "circlekeeper.lock",  # the writer lock's file stays; the lock itself is gone
    ]
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(closed_vault, PASSPHRASE)
    vault = unlock_with_passphrase(closed_vault, NEW_PASSPHRASE)
    try:
        assert [c.name for c in Services.for_vault(vault).cohorts.list()] == ["Tuesday Evening"]
    finally:
        vault.close()


def test_a_weak_new_passphrase_is_refused_and_nothing_changes(closed_vault: VaultPaths) -> None:
    before = snapshot(closed_vault.folder)
    vault = unlock_with_passphrase(closed_vault, PASSPHRASE)
    try:
        for weak in ("short", "", " leading space", "trailing space "):
            with pytest.raises(WeakPassphrase):
                vault.change_passphrase(PASSPHRASE, weak)
        with pytest.raises(WrongPassphrase):
            vault.change_passphrase("not the passphrase", NEW_PASSPHRASE)
    finally:
        vault.close()
    assert snapshot(closed_vault.folder) == before
    unlock_with_passphrase(closed_vault, PASSPHRASE).close()


def test_the_recovery_key_sets_a_new_passphrase(vault_paths: VaultPaths) -> None:
    created = create_vault(vault_paths, PASSPHRASE, with_recovery=True, kdf=CHEAP_KDF)
    recovery = created.recovery_key
    assert recovery is not None and recovery.startswith("AGE-SECRET-KEY-1")
    created.vault.close()
    database_before = sha256(vault_paths.database)
    key_file_before = vault_paths.key_file.read_bytes()

    other_identity, _ = new_recovery_identity()
    for wrong in (other_identity, "AGE-SECRET-KEY-1NOTAKEY", ""):
        with pytest.raises(WrongRecoveryKey):
            reset_passphrase_with_recovery(vault_paths, wrong, NEW_PASSPHRASE)
    with pytest.raises(WeakPassphrase):
        reset_passphrase_with_recovery(vault_paths, recovery, "short")
    assert vault_paths.key_file.read_bytes() == key_file_before

    reset_passphrase_with_recovery(vault_paths, f"  {recovery}\n", NEW_PASSPHRASE)
    assert sha256(vault_paths.database) == database_before
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(vault_paths, PASSPHRASE)
    unlock_with_passphrase(vault_paths, NEW_PASSPHRASE).close()
    # The recovery copy survives the reset: it still works the next time.
    assert KeyFile.read(vault_paths.key_file).unwrap_with_recovery(recovery)


def test_no_recovery_key_means_no_reset(closed_vault: VaultPaths) -> None:
    identity, _ = new_recovery_identity()
    with pytest.raises(NoRecoveryKey):
        reset_passphrase_with_recovery(closed_vault, identity, NEW_PASSPHRASE)


# -- creating ---------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["", "short", "seven77", " spaced out passphrase"])
def test_a_weak_passphrase_creates_nothing(vault_paths: VaultPaths, weak: str) -> None:
    with pytest.raises(WeakPassphrase) as refused:
        create_vault(vault_paths, weak)
    assert str(refused.value)
    assert not vault_paths.folder.exists()


def test_init_refuses_an_existing_vault(closed_vault: VaultPaths, tmp_path: Path) -> None:
    before = snapshot(closed_vault.folder)
    with pytest.raises(VaultExists):
        create_vault(closed_vault, NEW_PASSPHRASE)
    ran = run_cli(
        "--data-dir",
        str(closed_vault.folder),
        "init",
        home=tmp_path / "home",
        CIRCLEKEEPER_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert ran.returncode == 1
    assert_one_sentence(ran.stderr, "already exists")
    assert snapshot(closed_vault.folder) == before
    # A database without its key file is a vault too: never overwritten by a new one.
    closed_vault.key_file.unlink()
    with pytest.raises(VaultExists):
        create_vault(closed_vault, NEW_PASSPHRASE)
    assert sha256(closed_vault.database) == before["circlekeeper.db"]
    unlock_check = snapshot(closed_vault.folder)
    assert list(unlock_check) == ["circlekeeper.db", "circlekeeper.lock"]
