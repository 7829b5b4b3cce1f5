"""``python -m app``: the window with no command, otherwise the command line."""

import argparse
import logging
import sys


def window_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The window's options when ``argv`` names no command, else None.

    A fast path: the full command-line parser imports every command and so every service
    (SQLAlchemy, Alembic: about half a second), which the window defers until after its
    first paint. Anything this small parser does not know (a command, --help, --version,
    a mistake) goes to the full parser, which explains it.
    """
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("--data-dir")
    parser.add_argument("-v", "--verbose", action="store_true")
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else args


def run() -> int:
    from app.hardening import harden_process

    harden_process()  # first: before any key exists in this process
    args = window_arguments(sys.argv[1:])
    if args is None:
        from app.cli.main import main

        return main()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from app.bootstrap import run_window

    return run_window(args)


if __name__ == "__main__":
    sys.exit(run())
