"""The OS keychain caches the key only where it is really a keychain, and its failures cost nothing.

The last test runs a real Secret Service (gnome-keyring-daemon inside dbus-run-session).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backends import SecretService, chainer, fail, null

from app.cli.common import open_vault
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.errors import KeychainError
from app.vault.keychain import SERVICE, Keychain
from app.vault.keyfile import KeyFile
from app.vault.vault import (
    VaultPaths,
    create_vault,
    unlock_with_keychain,
    unlock_with_passphrase,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO
from tests.unit.vault_support import files_under, found_in, key_forms


def new(backend_class: Any) -> Any:
    """An instance of one of keyring's (untyped) backend classes."""
    return backend_class()


class MemoryKeyring:
    """A keychain backend in memory that records every call (trusted by passing it directly)."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        del self.secrets[(service, username)]


class PlaintextLookAlike(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring: secrets in a file anyone can read."""


PlaintextLookAlike.__module__ = "keyrings.alt.file"
PlaintextLookAlike.__qualname__ = "PlaintextKeyring"


class HomemadeKeyring(MemoryKeyring):
    """Some third-party backend nobody vetted."""


class DisguisedKeyring(MemoryKeyring):
    """A plaintext backend that calls itself Secret Service: the name is not enough."""


DisguisedKeyring.__module__ = "keyring.backends.SecretService"
DisguisedKeyring.__qualname__ = "Keyring"


def untrusted_chainer(monkeypatch: pytest.MonkeyPatch) -> Any:
    untrusted = [PlaintextLookAlike(), new(fail.Keyring), new(null.Keyring)]
    monkeypatch.setattr(chainer.ChainerBackend, "backends", untrusted)
    return new(chainer.ChainerBackend)


REFUSED = {
    "plaintext file": lambda mp: PlaintextLookAlike(),
    "fail": lambda mp: new(fail.Keyring),
    "null": lambda mp: new(null.Keyring),
    "unknown class": lambda mp: HomemadeKeyring(),
    "disguised as Secret Service": lambda mp: DisguisedKeyring(),
    "chainer of untrusted backends": untrusted_chainer,
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_untrustworthy_backends_are_refused(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    backend = REFUSED[kind](monkeypatch)
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    keychain = Keychain.from_system()
    assert not keychain.available
    assert "refused" in keychain.description
    assert keychain.load("some-vault") is None
    keychain.store("some-vault", bytes(32))  # stores nothing, anywhere
    if isinstance(backend, MemoryKeyring):
        assert backend.calls == [] and backend.secrets == {}


def test_keyrings_own_secure_backends_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the refusals: the same lookup accepts the real Secret Service class,
    alone or inside a chainer beside untrusted ones."""
    real = new(SecretService.Keyring)
    monkeypatch.setattr(keyring, "get_keyring", lambda: real)
    assert Keychain.from_system().available
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextLookAlike(), real])
    monkeypatch.setattr(keyring, "get_keyring", lambda: new(chainer.ChainerBackend))
    keychain = Keychain.from_system()
    assert keychain.available
    assert keychain.description == "keyring.backends.SecretService.Keyring"


def test_a_keyring_that_cannot_load_means_no_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise RuntimeError("no backend")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    assert not Keychain.from_system().available


def test_a_refused_keychain_means_the_passphrase_is_asked(
    vault_paths: VaultPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    plaintext = PlaintextLookAlike()
    monkeypatch.setattr(keyring, "get_keyring", lambda: plaintext)
    args = argparse.Namespace(data_dir=str(vault_paths.folder), passphrase_file=None)

    monkeypatch.delenv("CIRCLEKEEPER_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 (closed by pytest)
    with pytest.raises(Exception, match="No passphrase"):
        open_vault(args)

    monkeypatch.setenv("CIRCLEKEEPER_PASSPHRASE", PASSPHRASE)
    open_vault(args).close()
    assert plaintext.calls == []  # the key never went near it


# -- every backend failure becomes one KeychainError ------------------------------------------


class FailingKeyring(MemoryKeyring):
    """A backend whose ``failing`` calls raise, quoting their arguments the way some do."""

    def __init__(self, failing: set[str], error: type[Exception]) -> None:
        super().__init__()
        self.failing = failing
        self.error = error

    def _maybe_fail(self, call: str, *arguments: str) -> None:
        if call in self.failing:
            raise self.error(f"{call} failed for {arguments!r}")

    def get_password(self, service: str, username: str) -> str | None:
        self._maybe_fail("get", service, username)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._maybe_fail("set", service, username, password)
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._maybe_fail("delete", service, username)
        super().delete_password(service, username)


ERRORS = [
    keyring.errors.KeyringLocked,
    keyring.errors.PasswordSetError,
    keyring.errors.InitError,
    RuntimeError,
    OSError,
    ValueError,
]
KEY = bytes(range(32))


def assert_plain_keychain_error(error: KeychainError) -> None:
    assert type(error) is KeychainError
    message = str(error)
    assert message.endswith(".") and "\n" not in message
    everything = "".join(traceback.format_exception(error))
    for form in key_forms(KEY):
        assert form.decode("latin-1") not in everything


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_backend_failure_is_one_keychain_error(error: type[Exception]) -> None:
    reading = Keychain(FailingKeyring({"get"}, error))
    with pytest.raises(KeychainError) as failed:
        reading.load("vault")
    assert_plain_keychain_error(failed.value)
    with pytest.raises(KeychainError) as failed:
        reading.forget("vault")
    assert_plain_keychain_error(failed.value)

    writing = Keychain(FailingKeyring({"set"}, error))
    with pytest.raises(KeychainError) as failed:
        writing.store("vault", KEY)  # the backend's own message quotes the key
    assert_plain_keychain_error(failed.value)

    backend = FailingKeyring({"delete"}, error)
    backend.secrets[(SERVICE, "vault")] = KEY.hex()
    with pytest.raises(KeychainError) as failed:
        Keychain(backend).forget("vault")
    assert_plain_keychain_error(failed.value)


@pytest.mark.parametrize("stored", ["not hex", "abcd", KEY.hex() + "00", ""])
def test_a_damaged_entry_is_one_keychain_error(stored: str) -> None:
    backend = MemoryKeyring()
    backend.secrets[(SERVICE, "vault")] = stored
    with pytest.raises(KeychainError) as failed:
        Keychain(backend).load("vault")
    assert_plain_keychain_error(failed.value)


def test_the_keychain_round_trip_in_memory() -> None:
    """The control for the failures above: the same calls succeed on a working backend."""
    backend = MemoryKeyring()
    keychain = Keychain(backend)
    keychain.store("vault", KEY)
    assert keychain.load("vault") == bytearray(KEY)
    keychain.forget("vault")
    assert keychain.load("vault") is None
    keychain.forget("vault")  # forgetting twice is fine


# -- the keychain is a cache: losing it, or a stale key in it, loses nothing ------------------


def test_a_stale_key_is_forgotten_and_the_passphrase_still_works(vault_paths: VaultPaths) -> None:
    backend = MemoryKeyring()
    keychain = Keychain(backend)
    created = create_vault(vault_paths, PASSPHRASE, keychain=keychain, kdf=CHEAP_KDF)
    assert created.keychain_note is None
    vault_id = str(created.vault.vault_id)
    created.vault.close()
    right = backend.secrets[(SERVICE, vault_id)]

    backend.secrets[(SERVICE, vault_id)] = os.urandom(32).hex()  # e.g. a restored old vault
    before = sorted(p.name for p in vault_paths.folder.iterdir())
    assert unlock_with_keychain(vault_paths, keychain) is None
    assert (SERVICE, vault_id) not in backend.secrets
    assert sorted(p.name for p in vault_paths.folder.iterdir()) == before

    unlock_with_passphrase(vault_paths, PASSPHRASE, keychain).close()
    assert backend.secrets[(SERVICE, vault_id)] == right  # cached again
    vault = unlock_with_keychain(vault_paths, keychain)
    assert vault is not None
    vault.close()


def test_losing_the_keychain_loses_no_data(vault_paths: VaultPaths) -> None:
    created = create_vault(
        vault_paths, PASSPHRASE, keychain=Keychain(MemoryKeyring()), kdf=CHEAP_KDF
    )
    services = Services.for_vault(created.vault, actor="tester")
    services.participants.create(ParticipantDraft(display_name="Ana R."))
    created.vault.close()

    # A new machine, a wiped keychain, a keychain that fails at every call: the data is there.
    for keychain in (
        Keychain(MemoryKeyring()),
        Keychain(None),
        Keychain(FailingKeyring({"get", "set", "delete"}, RuntimeError)),
    ):
        with contextlib.suppress(KeychainError):  # a failing keychain may say so: fine
            assert unlock_with_keychain(vault_paths, keychain) is None
        vault = unlock_with_passphrase(vault_paths, PASSPHRASE)
        try:
            names = [p.display_name for p in Services.for_vault(vault).participants.search("")]
        finally:
            vault.close()
        assert names == ["Ana R."]


def test_a_keychain_that_refuses_to_store_still_creates_the_vault(vault_paths: VaultPaths) -> None:
    keychain = Keychain(FailingKeyring({"set"}, keyring.errors.PasswordSetError))
    created = create_vault(vault_paths, PASSPHRASE, keychain=keychain, kdf=CHEAP_KDF)
    created.vault.close()
    assert created.keychain_note is not None
    assert "passphrase" in created.keychain_note
    unlock_with_passphrase(vault_paths, PASSPHRASE).close()


def test_the_command_line_falls_back_to_the_passphrase(
    vault_paths: VaultPaths,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    failing = Keychain(FailingKeyring({"get", "set", "delete"}, keyring.errors.KeyringLocked))
    monkeypatch.setattr(Keychain, "from_system", classmethod(lambda cls: failing))
    monkeypatch.setenv("CIRCLEKEEPER_PASSPHRASE", PASSPHRASE)
    args = argparse.Namespace(data_dir=str(vault_paths.folder), passphrase_file=None)
    open_vault(args).close()
    assert "Note: The system keychain could not be read" in capsys.readouterr().err


# -- a real Secret Service ----------------------------------------------------------------------

SESSION_DRIVER = textwrap.dedent(
    """
    # Runs inside dbus-run-session: start gnome-keyring, then each step in its own process.
    import json, subprocess, sys
    python, folder, password = sys.argv[1], sys.argv[2], sys.argv[3]
    daemon = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
        input=password.encode(), capture_output=True, timeout=30,
    )
    results = {"daemon": daemon.returncode, "daemon_err": daemon.stderr.decode()[-500:]}
    for step in ("store", "unlock"):
        ran = subprocess.run(
            [python, "-c", STEPS[step], folder], capture_output=True, text=True, timeout=60
        )
        results[step] = {"rc": ran.returncode, "out": ran.stdout, "err": ran.stderr[-2000:]}
    cli = subprocess.run(
        [python, "-m", "app", "--data-dir", folder, "check", "--json"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    results["cli"] = {"rc": cli.returncode, "out": cli.stdout, "err": cli.stderr[-2000:]}
    print(json.dumps(results))
    """
)

STORE_STEP = textwrap.dedent(
    f"""
    import sys
    from pathlib import Path
    from app.services.container import Services
    from app.services.participants import ParticipantDraft
    from app.vault.keychain import Keychain
    from app.vault.vault import VaultPaths, create_vault
    keychain = Keychain.from_system()
    print(keychain.description)
    created = create_vault(VaultPaths(Path(sys.argv[1])), {PASSPHRASE!r}, keychain=keychain)
    assert created.keychain_note is None, created.keychain_note
    Services.for_vault(created.vault).participants.create(ParticipantDraft(display_name="Bea"))
    created.vault.close()
    """
)

UNLOCK_STEP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from app.services.container import Services
    from app.vault.keychain import Keychain
    from app.vault.vault import VaultPaths, unlock_with_keychain
    keychain = Keychain.from_system()
    print(keychain.description)
    vault = unlock_with_keychain(VaultPaths(Path(sys.argv[1])), keychain)
    assert vault is not None, "the keychain did not unlock the vault"
    print([p.display_name for p in Services.for_vault(vault).participants.search("")])
    vault.close()
    """
)


def test_a_real_secret_service_round_trip(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Secret Service is the Linux keychain")
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(t)]
    if missing:
        pytest.fail(f"install {' and '.join(missing)} (apt-get install dbus gnome-keyring)")
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    driver = tmp_path / "driver.py"
    steps = {"store": STORE_STEP, "unlock": UNLOCK_STEP}
    driver.write_text(f"STEPS = {steps!r}\n{SESSION_DRIVER}")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "XDG_", "CIRCLEKEEPER_", "GNOME_KEYRING", "DISPLAY"))
        and key not in {"PYTHON_KEYRING_BACKEND", "WAYLAND_DISPLAY", "SSH_AUTH_SOCK"}
    }
    environment.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONPATH=str(REPO),
    )
    vault_folder = tmp_path / "vault"
    ran = subprocess.run(
        [
            "dbus-run-session",
            "--",
            sys.executable,
            str(driver),
            sys.executable,
            str(vault_folder),
            "login keyring password",
        ],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    results = json.loads(ran.stdout.strip().splitlines()[-1])
    assert results["daemon"] == 0, results
    store, unlock, cli = results["store"], results["unlock"], results["cli"]
    assert store["rc"] == 0, store
    assert store["out"].splitlines()[0] == "keyring.backends.SecretService.Keyring"
    assert unlock["rc"] == 0, unlock
    assert unlock["out"].splitlines() == ["keyring.backends.SecretService.Keyring", "['Bea']"]
    # The command line unlocks from the keychain too: no passphrase anywhere, no terminal.
    assert cli["rc"] == 0, cli
    assert json.loads(cli["out"])["integrity"] == "ok"
    # The key is in gnome-keyring's store, encrypted: no file anywhere holds it readably.
    stores = files_under(home / "data" / "keyrings")
    assert stores, "gnome-keyring wrote no keyring file"
    key = KeyFile.read(VaultPaths(vault_folder).key_file).unwrap(PASSPHRASE)
    assert found_in(files_under(tmp_path), key_forms(key)) == {}
