"""The command line: help, exit codes, one-sentence errors, and the vault commands end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main

COMMANDS = ["init", "check", "backup", "passwd"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text("a long enough passphrase\n")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--no-such-flag"])
    assert exit_.value.code == 2


def test_missing_vault_is_one_sentence_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "none"), "check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no Circlekeeper vault" in err


def test_init_check_backup_passwd_end_to_end(tmp_path: Path, passphrase_file: Path) -> None:
    data = tmp_path / "vault"
    made = run_cli(
        "--data-dir", str(data), "init", "--passphrase-file", str(passphrase_file), "--recovery"
    )
    assert made.returncode == 0, made.stderr
    recovery = next(line.strip() for line in made.stdout.splitlines() if "AGE-SECRET-KEY-1" in line)

    checked = run_cli(
        "--data-dir", str(data), "check", "--json", "--passphrase-file", str(passphrase_file)
    )
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["integrity"] == "ok"
    assert report["counts"]["device_info"] == 1
    assert len(report["digest"]) == 64

    again = run_cli("--data-dir", str(data), "init", "--passphrase-file", str(passphrase_file))
    assert again.returncode == 1
    assert "already exists" in again.stderr

    copy = tmp_path / "copy"
    backed = run_cli(
        "--data-dir", str(data), "backup", str(copy), "--passphrase-file", str(passphrase_file)
    )
    assert backed.returncode == 0, backed.stderr
    from_copy = run_cli(
        "--data-dir", str(copy), "check", "--json", "--passphrase-file", str(passphrase_file)
    )
    assert json.loads(from_copy.stdout)["digest"] == report["digest"]

    new = tmp_path / "new-passphrase"
    new.write_text("another long passphrase\n")
    changed = run_cli(
        "--data-dir", str(data), "passwd",
        "--passphrase-file", str(passphrase_file), "--new-passphrase-file", str(new),
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    old_fails = run_cli("--data-dir", str(data), "check", "--passphrase-file", str(passphrase_file))
    assert old_fails.returncode == 1
    assert "Wrong passphrase" in old_fails.stderr
    assert "Traceback" not in old_fails.stderr
    assert run_cli("--data-dir", str(data), "check", "--passphrase-file", str(new)).returncode == 0

    recovery_file = tmp_path / "recovery"
    recovery_file.write_text(recovery + "\n")
    reset = run_cli(
        "--data-dir", str(data), "passwd",
        "--recovery-key-file", str(recovery_file), "--new-passphrase-file", str(passphrase_file),
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert (
        run_cli(
            "--data-dir", str(data), "check", "--passphrase-file", str(passphrase_file)
        ).returncode
        == 0
    )


def test_environment_variables_give_the_folder_and_passphrase(tmp_path: Path) -> None:
    env = {
        "CIRCLEKEEPER_DATA_DIR": str(tmp_path / "v"),
        "CIRCLEKEEPER_PASSPHRASE": "from the environment",
    }
    assert run_cli("init", env=env).returncode == 0
    checked = run_cli("check", env=env)
    assert checked.returncode == 0, checked.stderr
    assert (tmp_path / "v" / "circlekeeper.db").exists()


def test_no_passphrase_without_a_terminal_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "v"), "init")
    assert result.returncode == 1
    assert "No passphrase" in result.stderr
    assert not (tmp_path / "v" / "circlekeeper.db").exists()


def test_data_dir_may_follow_the_command(tmp_path: Path, passphrase_file: Path) -> None:
    data = str(tmp_path / "v")
    assert (
        run_cli("init", "--data-dir", data, "--passphrase-file", str(passphrase_file)).returncode
        == 0
    )
    assert (tmp_path / "v" / "circlekeeper.key").exists()


def test_self_test(tmp_path: Path) -> None:
    result = run_cli("check", "--self-test")
    assert result.returncode == 0, result.stderr
    assert "self-test: ok" in result.stdout
