"""``agenda``: the pre-session agenda of one cohort, or of every active cohort, as Markdown."""

from __future__ import annotations

import argparse
import datetime as dt

from app.cli.common import EXIT_OK, add_passphrase_file_option, open_vault, services_for
from app.services.agenda.markdown import render


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agenda = commands.add_parser(
        "agenda",
        help="print the agenda of a cohort's session in progress or next as Markdown",
        description="Print the agenda of the session in progress or next (with --date, the "
        "first on or after that date; an earlier date's as it read then) as Markdown: "
        "milestones to celebrate, who needs a check-in and why, goals due for report-back, "
        "accountability partners and the peer leader. Every active cohort when none is named.",
    )
    agenda.add_argument("--cohort", metavar="NAME", help="the cohort's name (default: all active)")
    agenda.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=_date,
        help="the first day to look for a session (default: today in each cohort's time zone)",
    )
    add_passphrase_file_option(agenda)
    agenda.set_defaults(func=run_agenda)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-02") from None


def run_agenda(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        services = services_for(vault)
        if args.cohort is not None:
            cohort = services.cohorts.find(args.cohort)
            agendas = [services.agenda.for_cohort(cohort.id, args.date)]
        else:
            agendas = services.agenda.for_active_cohorts(args.date)
    finally:
        vault.close()
    if not agendas:
        print("No active cohorts.")
    print("\n".join(render(agenda) for agenda in agendas), end="")
    return EXIT_OK
