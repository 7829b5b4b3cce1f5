"""``check``: integrity, row counts and the content digest; ``--self-test`` for bundles."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import tempfile
from pathlib import Path

from app.cli.common import EXIT_FAILURE, EXIT_OK, add_passphrase_file_option, open_vault
from app.database.errors import DatabaseDamaged
from app.services import integrity
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.vault import VaultPaths, create_vault


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="verify the vault and print its content digest",
        description="Verify the vault's encryption and structure, count its rows, and print "
        "a digest of its content that another machine holding the same data prints too.",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    check.add_argument(
        "--self-test",
        action="store_true",
        help="instead, create a throwaway vault, write to it, read it back, and exit",
    )
    add_passphrase_file_option(check)
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    if args.self_test:
        return self_test()
    vault = open_vault(args)
    try:
        report = integrity.check(vault.database)
    finally:
        vault.close()
    if args.json:
        print(json.dumps(report.as_json(), sort_keys=True))
    else:
        print(f"integrity: {report.integrity}")
        for table, count in report.counts.items():
            print(f"  {table:<16} {count:>10,}")
        print(f"digest: {report.digest}")
    if not report.ok:
        # The report went to stdout for scripts; the person reads one sentence on stderr.
        first, *others = report.integrity.split("; ")
        raise DatabaseDamaged(vault.paths.database, first + (" and more" if others else ""))
    return EXIT_OK


def self_test() -> int:
    """Open a throwaway vault, write, read back, close: proves a build has what it needs."""
    with tempfile.TemporaryDirectory(prefix="circlekeeper-self-test-") as folder:
        created = create_vault(VaultPaths(Path(folder)), secrets.token_urlsafe(16))
        vault = created.vault
        try:
            services = Services.for_vault(vault, actor="self-test")
            cohort = services.cohorts.create(CohortDraft(name="Self-test", timezone="UTC"))
            person = services.participants.create(ParticipantDraft(display_name="Test Person"))
            services.enrollments.enroll(person.id, cohort.id)
            session = services.sessions.schedule(cohort.id, dt.datetime.now(dt.UTC))
            services.checkins.record(
                session.id, person.id, CheckInDraft(mood=7, emotion_words="steady")
            )
            history = services.checkins.history(person.id)
            report = integrity.check(vault.database)
        finally:
            vault.close()
    if len(history) != 1 or history[0].mood != 7 or not report.ok:
        print("self-test: FAILED")
        return EXIT_FAILURE
    print(f"self-test: ok (pid {os.getpid()})")
    return EXIT_OK
