"""``init``, ``backup``, ``passwd`` and ``rekey``: creating, copying and rekeying the vault."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from app.cli.common import (
    EXIT_OK,
    CommandError,
    add_passphrase_file_option,
    open_options,
    open_vault,
    passphrase,
    read_secret_file,
    secret,
    vault_paths,
)
from app.vault.anchor import AnchorStore
from app.vault.keychain import Keychain
from app.vault.lock import WriterLock
from app.vault.rekey import rekey_vault
from app.vault.vault import (
    create_vault,
    read_key_file,
    reset_passphrase_with_recovery,
    unlock_with_passphrase,
)

NEW_PASSPHRASE_VARIABLE = "CIRCLEKEEPER_NEW_PASSPHRASE"  # noqa: S105 (a variable's name)

RECOVERY_NOTICE = """\
Recovery key (shown once, kept nowhere): write it down and store it apart from this computer.
With it, `passwd --recovery-key-file FILE` sets a new passphrase if this one is forgotten.

    {key}
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init", help="create a new encrypted vault", description="Create a new encrypted vault."
    )
    add_passphrase_file_option(init)
    init.add_argument(
        "--recovery", action="store_true", help="also create a recovery key and print it once"
    )
    init.set_defaults(func=run_init)

    backup = commands.add_parser(
        "backup",
        help="write an encrypted copy of the vault",
        description="Write an encrypted copy of the vault (database and key file) into a new "
        "folder; open it later with --data-dir PATH.",
    )
    backup.add_argument("path", type=Path, help="a new or empty folder for the copy")
    add_passphrase_file_option(backup)
    backup.set_defaults(func=run_backup)

    passwd = commands.add_parser(
        "passwd",
        help="change the vault's passphrase",
        description="Change the passphrase that unlocks the vault. The database is not "
        "re-encrypted; only its key is wrapped anew.",
    )
    add_passphrase_file_option(passwd)
    passwd.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="FILE",
        help=f"read the new passphrase from FILE (else ${NEW_PASSPHRASE_VARIABLE}, else a prompt)",
    )
    passwd.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="prove who you are with the recovery key in FILE instead of the old passphrase",
    )
    passwd.set_defaults(func=run_passwd)

    rekey = commands.add_parser(
        "rekey",
        help="re-encrypt the database under a new key",
        description="Re-encrypt the database under a new random key and wrap that key anew "
        "(passphrase and recovery key stay the same). Older key files, and the key files "
        "of older backups, no longer open the live database; each backup still opens its "
        "own copy. Safe to interrupt: the vault then opens with the old key or the new one.",
    )
    add_passphrase_file_option(rekey)
    rekey.set_defaults(func=run_rekey)


def run_init(args: argparse.Namespace) -> int:
    paths = vault_paths(args)
    if paths.exists():
        raise CommandError(
            f"A Circlekeeper vault already exists in {paths.folder}; it was left as it is."
        )
    secret = passphrase(args, prompt="New passphrase: ", confirm=True)
    keychain = Keychain.from_system()
    lock = WriterLock(paths.folder, "the command `python -m app init`", shlex.join(sys.argv[1:]))
    created = create_vault(
        paths,
        secret,
        with_recovery=args.recovery,
        keychain=keychain,
        lock=lock,
        anchors=AnchorStore.for_user(keychain),
    )
    try:
        created.vault.close()
    finally:
        lock.release()
    print(f"Created an encrypted vault in {paths.folder}.")
    if created.keychain_note:
        print(f"Note: {created.keychain_note}", file=sys.stderr)
    if created.recovery_key:
        print(RECOVERY_NOTICE.format(key=created.recovery_key))
    return EXIT_OK


def run_backup(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        folder = vault.backup(args.path.expanduser().resolve())
    finally:
        vault.close()
    print(f"Wrote an encrypted copy to {folder}; open it with --data-dir {folder}.")
    return EXIT_OK


def _new_passphrase(args: argparse.Namespace) -> str:
    return secret(
        args.new_passphrase_file,
        what="new passphrase",
        prompt="New passphrase: ",
        environment=NEW_PASSPHRASE_VARIABLE,
        confirm=True,
    )


def run_passwd(args: argparse.Namespace) -> int:
    paths = vault_paths(args)
    read_key_file(paths)
    options = open_options(args, None)
    if args.recovery_key_file is not None:
        recovery = read_secret_file(args.recovery_key_file, "recovery key")
        reset_passphrase_with_recovery(paths, recovery, _new_passphrase(args), options)
    else:
        old = passphrase(args, prompt="Current passphrase: ")
        vault = unlock_with_passphrase(paths, old, options=options)
        try:
            vault.change_passphrase(old, _new_passphrase(args))
        finally:
            vault.close()
    print("The passphrase was changed; the keychain and the data are as they were.")
    return EXIT_OK


def run_rekey(args: argparse.Namespace) -> int:
    paths = vault_paths(args)
    read_key_file(paths)
    keychain = Keychain.from_system()
    secret = passphrase(args, prompt="Passphrase: ")
    note = rekey_vault(paths, secret, options=open_options(args, keychain), keychain=keychain)
    print(
        "The database was re-encrypted under a new key: older key files and backups no "
        "longer open it (each backup still opens its own copy)."
    )
    if note:
        print(f"Note: {note}", file=sys.stderr)
    return EXIT_OK
