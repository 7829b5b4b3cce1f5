"""What every command shares: passphrases, opening the vault, exit codes, plain errors."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from app.services.container import Services
from app.vault import secret_text
from app.vault.anchor import AnchorStore
from app.vault.errors import KeychainError, NeedsConsent
from app.vault.keychain import Keychain
from app.vault.location import data_dir
from app.vault.lock import WriterLock
from app.vault.vault import (
    OpenOptions,
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
    """The secret in ``path``: UTF-8, one line, only a final line break removed."""
    return secret_text.read_file(path, what)


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
    from_environment = secret_text.take_from_environment(environment, what) if environment else None
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


# Commands that change the vault take its writer lock (init takes it while it creates).
WRITING_COMMANDS = frozenset({"demo", "passwd", "rekey", "device", "trust", "export", "import"})

Command = Callable[[argparse.Namespace], int]


def guard_command(name: str, parser: argparse.ArgumentParser) -> None:
    """What every command shares about its vault: ``--accept-older``, the writer lock for
    a writing command, and a refusal the user may overrule saying how."""
    parser.set_defaults(command_name=name)
    add_writer_options(parser, writes=name in WRITING_COMMANDS)
    func = parser.get_default("func")
    if func is not None:
        parser.set_defaults(func=_guarded(func))
    # A subcommand (``export csv``) sets its own ``func``, which would otherwise run unguarded.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subcommand in action.choices.values():
                guard_command(name, subcommand)


def _guarded(func: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            with writer_lock(args, getattr(args, "arguments", [])):
                return int(func(args))
        except NeedsConsent as error:
            told = str(error).rstrip(".")
            raise CommandError(f"{told}; to open it anyway, add --accept-older.") from None

    return run


def add_writer_options(parser: argparse.ArgumentParser, *, writes: bool) -> None:
    """Options every command shares; ``writes``: it takes the vault's writer lock."""
    parser.set_defaults(writes=writes)
    parser.add_argument(
        "--accept-older",
        action="store_true",
        default=argparse.SUPPRESS,
        help="open the vault even when it is older than this device's last write to it, or "
        "its leftover journal would lose changes (the refusal said which)",
    )


@contextlib.contextmanager
def writer_lock(args: argparse.Namespace, argv: Sequence[str]) -> Iterator[None]:
    """Hold the vault's writer lock for a writing command (a missing vault: nothing held).

    The lock is taken before the key file is read, so that two writers queue before either
    has looked at anything; ``open_vault`` finds it on ``args``.
    """
    folder = vault_paths(args).folder
    if not getattr(args, "writes", False) or not folder.is_dir():
        yield
        return
    name = getattr(args, "command_name", "")
    lock = WriterLock(folder, f"the command `python -m app {name}`", shlex.join(argv))
    lock.acquire()
    args.writer_lock = lock
    try:
        yield
    finally:
        lock.release()


def open_options(args: argparse.Namespace, keychain: Keychain | None) -> OpenOptions:
    lock = getattr(args, "writer_lock", None)
    return OpenOptions(
        lock=lock if isinstance(lock, WriterLock) else None,
        anchors=AnchorStore.for_user(keychain),
        accept_older=bool(getattr(args, "accept_older", False)),
    )


def open_vault(args: argparse.Namespace, *, use_keychain: bool = True) -> UnlockedVault:
    """Unlock from the keychain when it holds the key, otherwise with the passphrase."""
    paths = vault_paths(args)
    read_key_file(paths)  # a missing or damaged vault is reported before any prompt
    keychain = Keychain.from_system() if use_keychain else Keychain(None)
    options = open_options(args, keychain)
    if keychain.available:
        try:
            vault = unlock_with_keychain(paths, keychain, options)
        except KeychainError as error:
            print(f"Note: {error}", file=sys.stderr)
            vault = None
        if vault is not None:
            return _noted(vault)
    return _noted(unlock_with_passphrase(paths, passphrase(args), keychain, options))


def _noted(vault: UnlockedVault) -> UnlockedVault:
    if vault.kept_journal is not None:
        print(
            "Note: the last program to write this vault did not finish; its journal was "
            f"replayed, and a copy kept at {vault.kept_journal}.",
            file=sys.stderr,
        )
    return vault


def services_for(vault: UnlockedVault) -> Services:
    return Services.for_vault(vault)
