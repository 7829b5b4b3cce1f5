"""What every command shares: passphrases, opening the vault, exit codes, plain errors."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.services.container import Services
from app.vault.errors import KeychainError
from app.vault.keychain import Keychain
from app.vault.location import data_dir
from app.vault.vault import (
    UnlockedVault,
    VaultPaths,
    read_key_file,
    unlock_with_keychain,
    unlock_with_passphrase,
)

EXIT_OK = 0
EXIT_FAILURE = 1  # something the user can fix
EXIT_USAGE = 2

PASSPHRASE_VARIABLE = "CIRCLEKEEPER_PASSPHRASE"  # noqa: S105 (a variable's name)


class CommandError(Exception):
    """A failure the user can fix; the message is one plain sentence."""


def vault_paths(args: argparse.Namespace) -> VaultPaths:
    return VaultPaths(data_dir(getattr(args, "data_dir", None)))


def add_passphrase_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        type=Path,
        help=f"read the passphrase from the first line of FILE (else ${PASSPHRASE_VARIABLE}, "
        "else a prompt)",
    )


def read_secret_file(path: Path, what: str = "passphrase") -> str:
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read the {what} file {path}: {error.strerror}.") from None
    lines = content.splitlines()
    if not lines or not lines[0]:
        raise CommandError(f"The {what} file {path} is empty.")
    return lines[0]


def secret(
    path: Path | None,
    *,
    what: str,
    prompt: str,
    environment: str | None = None,
    confirm: bool = False,
) -> str:
    """A secret from ``path``, else the ``environment`` variable, else the terminal."""
    if path is not None:
        return read_secret_file(path, what)
    from_environment = os.environ.get(environment) if environment else None
    if from_environment:
        return from_environment
    if not sys.stdin.isatty():
        hint = f" or set {environment}" if environment else ""
        raise CommandError(f"No {what}: give it in a file{hint}.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again, to be sure: ") != first:
        raise CommandError(f"The two {what}s differ; nothing was changed.")
    return first


def passphrase(
    args: argparse.Namespace, *, prompt: str = "Passphrase: ", confirm: bool = False
) -> str:
    """The passphrase from --passphrase-file, $CIRCLEKEEPER_PASSPHRASE, or the terminal."""
    return secret(
        getattr(args, "passphrase_file", None),
        what="passphrase",
        prompt=prompt,
        environment=PASSPHRASE_VARIABLE,
        confirm=confirm,
    )


def open_vault(args: argparse.Namespace, *, use_keychain: bool = True) -> UnlockedVault:
    """Unlock from the keychain when it holds the key, otherwise with the passphrase."""
    paths = vault_paths(args)
    read_key_file(paths)  # a missing or damaged vault is reported before any prompt
    keychain = Keychain.from_system() if use_keychain else Keychain(None)
    if keychain.available:
        try:
            vault = unlock_with_keychain(paths, keychain)
        except KeychainError as error:
            print(f"Note: {error}", file=sys.stderr)
            vault = None
        if vault is not None:
            return vault
    return unlock_with_passphrase(paths, passphrase(args), keychain)


def services_for(vault: UnlockedVault) -> Services:
    return Services.for_vault(vault)
