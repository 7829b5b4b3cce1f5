"""Parsing the command line and turning every failure into one plain sentence and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from app import __version__
from app.cli import (
    agenda_command,
    check_command,
    demo_command,
    export_commands,
    survey_command,
    sync_commands,
    vault_commands,
)
from app.cli.common import EXIT_FAILURE, CommandError
from app.database.errors import DatabaseError
from app.resources import ResourceError
from app.services.errors import ServiceError

log = logging.getLogger("app")

# Each module adds its subcommands; a new group of commands is one more entry here.
COMMAND_MODULES = (
    vault_commands,
    check_command,
    demo_command,
    sync_commands,
    export_commands,  # adds `export csv` and `export fhir` to sync_commands' `export`
    agenda_command,
    survey_command,
)

DATA_DIR_HELP = (
    "the vault's folder (default: $CIRCLEKEEPER_DATA_DIR, else the platform's data folder)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Circlekeeper: check-ins, goals and attendance for virtual IOP groups. "
        "With no command, starts the window.",
    )
    parser.add_argument("--version", action="version", version=f"Circlekeeper {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=DATA_DIR_HELP,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    from app.cli.common import guard_command

    for name, command in commands.choices.items():
        # Also accept --data-dir after the command (`check --data-dir X`), as users type it.
        command.add_argument(
            "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=DATA_DIR_HELP
        )
        guard_command(name, command)  # --accept-older; writers take the vault's lock
    return parser


def entry() -> int:
    """The ``circlekeeper`` script: hardened like ``python -m app``, then the command line."""
    from app.hardening import harden_process

    harden_process()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.arguments = list(sys.argv[1:] if argv is None else argv)  # the lock's holder note
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func = getattr(args, "func", None)
    if func is None:
        from app.bootstrap import run_window

        return run_window(args)
    try:
        return int(func(args))
    except (CommandError, ServiceError, DatabaseError, ResourceError) as error:
        print(f"circlekeeper: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("circlekeeper: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except OSError as error:
        from app.database.storage import storage_error

        named = storage_error(Path(error.filename), error) if error.filename else error
        if isinstance(named, DatabaseError):
            print(f"circlekeeper: {named}", file=sys.stderr)
        else:
            where = f" ({error.filename})" if error.filename else ""
            print(f"circlekeeper: {error.strerror or error}{where}.", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # the last line of defence: a sentence, the details in a file
        path = write_crash_report(error)
        print(
            f"circlekeeper: an unexpected error stopped the command ({type(error).__name__}); "
            f"nothing was half-written. Details are in {path}.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def write_crash_report(error: BaseException) -> Path:
    """Append the traceback (never locals, so never a secret) to the log folder's crash file."""
    import traceback

    folder = Path(platformdirs.user_log_dir("Circlekeeper", appauthor=False))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # also a folder an older version made with the default mode
    path = folder / "crash.log"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        path.chmod(0o600)
        handle.write("".join(traceback.format_exception(error)))
    return path
