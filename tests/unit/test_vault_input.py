"""Input and environment: passphrase encodings, the environment variable, core dumps, the key
buffer and the crash log (issue 11, "Input and environment")."""

from __future__ import annotations

import argparse
import codecs
import os
import resource
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from app.cli.common import PASSPHRASE_VARIABLE, passphrase, read_secret_file
from app.cli.main import main
from app.database.errors import DatabaseUnreadable
from app.vault import keyfile
from app.vault.errors import SecretRefused, WrongPassphrase
from app.vault.vault import VaultPaths, create_vault, unlock_with_passphrase
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO
from tests.unit.vault_support import cli_environment, crash_reports, run_cli

# Characters that str.splitlines() breaks on, but that are part of a passphrase here.
KEPT_BREAKS = {"VT": "\x0b", "FF": "\x0c", "NEL": "\x85", "U+2028": "\u2028"}


def one_sentence(stderr: str, *needles: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("circlekeeper: ") and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in lines[0], (needle, stderr)


def secret_in(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "passphrase"
    path.write_bytes(data)
    return read_secret_file(path)


# -- the passphrase file ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(KEPT_BREAKS))
def test_other_line_breaks_are_part_of_the_passphrase(tmp_path: Path, name: str) -> None:
    text = f"correct horse{KEPT_BREAKS[name]}battery staple"
    for ending in ("", "\n", "\r\n"):
        assert secret_in(tmp_path, (text + ending).encode()) == text


def test_only_one_final_newline_is_removed_and_a_bom_is_dropped(tmp_path: Path) -> None:
    assert secret_in(tmp_path, codecs.BOM_UTF8 + b"a passphrase here\r\n") == "a passphrase here"
    assert secret_in(tmp_path, b"trailing tab\t\n") == "trailing tab\t"
    for several in (b"first line\nsecond line\n", b"one\r\ntwo", b"old mac\r", b"two\n\n"):
        with pytest.raises(SecretRefused, match="more than one line"):
            secret_in(tmp_path, several)
    for empty in (b"", b"\n", codecs.BOM_UTF8):
        with pytest.raises(SecretRefused, match="empty"):
            secret_in(tmp_path, empty)


def test_a_passphrase_file_with_a_line_break_character_opens_its_vault(
    vault_paths: VaultPaths, tmp_path: Path
) -> None:
    secret = f"correct horse{KEPT_BREAKS['U+2028']}battery staple"
    create_vault(vault_paths, secret, kdf=CHEAP_KDF).vault.close()
    path = tmp_path / "passphrase"
    path.write_bytes(codecs.BOM_UTF8 + (secret + "\r\n").encode())
    home = tmp_path / "home"
    ran = run_cli("--data-dir", str(vault_paths.folder), "check", "--passphrase-file", str(path),
                  home=home)  # fmt: skip
    assert ran.returncode == 0, ran.stderr


def test_a_passphrase_that_is_not_utf8_is_one_sentence(
    vault_paths: VaultPaths, tmp_path: Path
) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF).vault.close()
    path = tmp_path / "latin-1"
    path.write_bytes("caf\u00e9 au lait, s'il vous pla\u00eet\n".encode("latin-1"))
    home = tmp_path / "home"
    from_file = run_cli("--data-dir", str(vault_paths.folder), "check", "--passphrase-file",
                        str(path), home=home)  # fmt: skip
    assert from_file.returncode == 1
    one_sentence(from_file.stderr, str(path), "not UTF-8")
    # The same bytes in the environment (a surrogate escape is how Python sees them).
    from_environment = run_cli("--data-dir", str(vault_paths.folder), "check", home=home,
                               CIRCLEKEEPER_PASSPHRASE="caf\udce9 au lait passphrase")  # fmt: skip
    assert from_environment.returncode == 1
    one_sentence(from_environment.stderr, "$CIRCLEKEEPER_PASSPHRASE", "not UTF-8")
    assert crash_reports(home) == []


# -- the environment variable ---------------------------------------------------------------


def test_the_passphrase_leaves_the_environment_once_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "from the environment")
    assert passphrase(argparse.Namespace(passphrase_file=None)) == "from the environment"
    assert PASSPHRASE_VARIABLE not in os.environ
    child = subprocess.run(
        [sys.executable, "-c", f"import os; print(os.environ.get({PASSPHRASE_VARIABLE!r}))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert child.stdout.strip() == "None"


def test_the_window_takes_the_passphrase_out_of_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.bootstrap import passphrase_from_environment

    monkeypatch.setenv(PASSPHRASE_VARIABLE, "for the window")
    assert passphrase_from_environment() == ("for the window", "")
    assert PASSPHRASE_VARIABLE not in os.environ
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "caf\udce9 au lait passphrase")
    secret, note = passphrase_from_environment()
    assert secret is None and "not UTF-8" in note
    assert PASSPHRASE_VARIABLE not in os.environ


# -- Unicode normalization ------------------------------------------------------------------

COMPOSED = unicodedata.normalize("NFC", "Crème brûlée à Noël")
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def test_the_same_passphrase_typed_composed_or_decomposed_opens_the_vault(
    vault_paths: VaultPaths,
) -> None:
    assert COMPOSED != DECOMPOSED
    create_vault(vault_paths, DECOMPOSED, kdf=CHEAP_KDF).vault.close()
    unlock_with_passphrase(vault_paths, COMPOSED).close()
    unlock_with_passphrase(vault_paths, DECOMPOSED).close()
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(vault_paths, COMPOSED.upper())


@pytest.mark.parametrize("typed_then", [COMPOSED, DECOMPOSED])
def test_a_vault_wrapped_before_normalization_still_opens(
    vault_paths: VaultPaths, monkeypatch: pytest.MonkeyPatch, typed_then: str
) -> None:
    with monkeypatch.context() as old_app:  # the key wrapped as typed, as before the rule
        old_app.setattr(keyfile, "normalized", lambda text: text)
        create_vault(vault_paths, typed_then, kdf=CHEAP_KDF).vault.close()
    unlock_with_passphrase(vault_paths, typed_then).close()
    unlock_with_passphrase(vault_paths, COMPOSED).close()
    unlock_with_passphrase(vault_paths, DECOMPOSED).close()


# -- the process and the key ----------------------------------------------------------------

PROBE = """
import atexit, resource, runpy, sys
from app.hardening import is_dumpable
atexit.register(lambda: print("core", resource.getrlimit(resource.RLIMIT_CORE)[0],
                              "dumpable", is_dumpable(), flush=True))
sys.argv = [sys.argv[1], "--version"]
if sys.argv[0] == "app":
    runpy.run_module("app", run_name="__main__")
else:
    from app.cli.main import entry
    sys.exit(entry())
"""


def allow_core_dumps() -> None:
    """In the child, before it starts: core dumps on, as far as this system allows."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
@pytest.mark.parametrize("start", ["app", "circlekeeper"])
def test_core_dumps_are_off_from_the_start(tmp_path: Path, start: str) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, start], cwd=REPO, env=cli_environment(tmp_path),
        capture_output=True, text=True, timeout=60, preexec_fn=allow_core_dumps, check=False,
    )  # fmt: skip
    assert "Circlekeeper" in ran.stdout, ran.stderr
    assert "core 0 dumpable False" in ran.stdout, ran.stdout


def test_the_raw_key_buffer_is_overwritten_on_close(vault_paths: VaultPaths) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    created.vault.close()
    vault = unlock_with_passphrase(vault_paths, PASSPHRASE)
    buffer = vault.raw_key()
    assert isinstance(buffer, bytearray) and any(buffer)
    engine = vault.database.engine
    vault.close()
    assert buffer == bytearray(32)
    with pytest.raises(DatabaseUnreadable):  # the engine's hook reads that same buffer
        engine.connect()


def test_the_crash_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import check_command

    state = tmp_path / "state"
    log_folder = state / "Circlekeeper" / "log"
    log_folder.mkdir(parents=True, mode=0o755)
    log_folder.chmod(0o755)  # as an older version left it
    monkeypatch.setenv("XDG_STATE_HOME", str(state))

    def fails(_args: argparse.Namespace) -> int:
        raise RuntimeError("a defect")

    monkeypatch.setattr(check_command, "run_check", fails)
    assert main(["--data-dir", str(tmp_path / "none"), "check"]) == 1
    crash_log = log_folder / "crash.log"
    assert crash_log.exists()
    assert stat.S_IMODE(crash_log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700
