"""``export csv`` and ``export fhir``: unencrypted files for other tools, beside the bundle export.

They are subcommands of ``export`` (the bundle export, ``export --to FILE …``, is unchanged:
with no format named it writes a bundle). Records of a substance-use or dual-diagnosis
participant are written only with ``--recipient`` and ``--consent``, and carry the
42 CFR Part 2 notice; every export warns on stderr that its file leaves the vault.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from app.cli.common import EXIT_OK, EXIT_USAGE, CommandError, open_vault, services_for
from app.services.container import Services
from app.services.exports.csv_tables import CsvKind
from app.services.exports.disclosure import DisclosureRequest, DisclosureRequired
from app.services.exports.service import ExportReport

# The bundle export's own options: given before `csv`/`fhir` they would be ignored silently.
BUNDLE_OPTIONS = {
    "to": "--to",
    "recipient": "--recipient",
    "recipient_file": "--recipient-file",
    "bundle_passphrase_file": "--passphrase-file",
    "cohort": "--cohort",
    "since_last": "--since-last",
    "full": "--full",
}
PART2_HELP = (
    "Records of anyone with a stay in a substance-use or dual-diagnosis cohort are 42 CFR "
    "Part 2 records: they are written only with --recipient and --consent, carry the "
    "§2.32 notice, and the disclosure is recorded for each person's profile."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.choices.get("export")
    if export is None:  # registered by sync_commands, which main.py lists first
        raise RuntimeError("the bundle export must be registered before its formats")
    formats = export.add_subparsers(
        title="formats for other tools (written unencrypted)",
        metavar="{csv,fhir}",
        dest="export_format",
    )

    table = formats.add_parser(
        "csv",
        help="write check-ins, attendance, goals or surveys as CSV",
        description="Write one table as CSV (UTF-8, a header row, times in ISO 8601 with the "
        "cohort's offset; columns in docs/exports.md) for a cohort, or for every cohort. "
        f"{PART2_HELP} Exit 0 when written, 1 with one sentence when it cannot be, 2 for "
        "wrong usage (a missing --recipient or --consent included); nothing is half-written.",
    )
    table.add_argument(
        "--what", required=True, choices=[kind.value for kind in CsvKind], help="which table"
    )
    table.add_argument(
        "--cohort", dest="export_cohort", metavar="NAME", help="only this cohort (default: all)"
    )
    _common_options(table)
    table.set_defaults(func=run_csv)

    bundle = formats.add_parser(
        "fhir",
        help="write one participant's records as a FHIR R4 Bundle",
        description="Write one participant's FHIR R4 Bundle (JSON): the Patient under their "
        "alias only, an Encounter for each session attended, a QuestionnaireResponse for "
        f"each survey and an Observation for each score. {PART2_HELP} Exit codes as for "
        "`export csv`.",
    )
    bundle.add_argument(
        "--participant", required=True, metavar="NAME",
        help="the participant's name as the roster shows it (or their id)",
    )  # fmt: skip
    _common_options(bundle)
    bundle.set_defaults(func=run_fhir)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file")
    parser.add_argument(
        "--recipient", dest="disclosure_recipient", metavar="WHO",
        help="who the records are for (a person or organisation); needed for Part 2 records",
    )  # fmt: skip
    parser.add_argument(
        "--consent", dest="disclosure_consent", metavar="TEXT",
        help="the patient's written consent this disclosure is made under: its date and scope "
        "(written into the export); needed for Part 2 records",
    )  # fmt: skip
    parser.add_argument(
        "--vault-passphrase-file", dest="passphrase_file", type=Path,
        metavar="FILE", default=argparse.SUPPRESS,
        help="the vault's passphrase (else $CIRCLEKEEPER_PASSPHRASE, else a prompt)",
    )  # fmt: skip
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS,
        help="the vault's folder (as before the command)",
    )  # fmt: skip


class _Usage(Exception):
    """Wrong usage: one sentence, exit 2."""


def _refuse_bundle_options(args: argparse.Namespace) -> None:
    for dest, flag in BUNDLE_OPTIONS.items():
        if getattr(args, dest, None) not in (None, False, []):
            raise _Usage(
                f"{flag} belongs to the bundle export; write the options of `export "
                f"{args.export_format}` after `{args.export_format}`."
            )


def _disclosure(args: argparse.Namespace) -> DisclosureRequest | None:
    recipient, consent = args.disclosure_recipient, args.disclosure_consent
    if recipient is None and consent is None:
        return None
    if recipient is None or consent is None:
        missing = "--recipient" if recipient is None else "--consent"
        raise _Usage(f"Give {missing} too: a disclosure names its recipient and its consent.")
    return DisclosureRequest(recipient, consent)


Write = Callable[[Services, DisclosureRequest | None], ExportReport]


def _run(args: argparse.Namespace, write: Write) -> int:
    try:
        _refuse_bundle_options(args)
        disclosure = _disclosure(args)
    except _Usage as error:
        print(f"circlekeeper: {error}", file=sys.stderr)
        return EXIT_USAGE
    vault = open_vault(args)
    try:
        report = write(services_for(vault), disclosure)
    except DisclosureRequired as error:
        people = (
            "1 participant" if error.participants == 1 else f"{error.participants} participants"
        )
        print(
            f"circlekeeper: These records include substance-use records (42 CFR Part 2) of "
            f"{people}: say who they are for with --recipient and under which consent with "
            "--consent; nothing was written.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        vault.close()
    _tell(report, disclosure)
    return EXIT_OK


def run_csv(args: argparse.Namespace) -> int:
    def write(services: Services, disclosure: DisclosureRequest | None) -> ExportReport:
        name = args.export_cohort
        cohort_id = services.cohorts.find(name).id if name is not None else None
        return services.exports.write_csv(
            CsvKind(args.what), args.out, cohort_id=cohort_id, disclosure=disclosure
        )

    return _run(args, write)


def run_fhir(args: argparse.Namespace) -> int:
    def write(services: Services, disclosure: DisclosureRequest | None) -> ExportReport:
        participant_id = find_participant(services, args.participant)
        return services.exports.write_fhir(participant_id, args.out, disclosure=disclosure)

    return _run(args, write)


def find_participant(services: Services, name: str) -> uuid.UUID:
    """The one participant called ``name`` (any case), or named by their id."""
    try:
        return services.participants.get(uuid.UUID(name.strip())).id
    except ValueError:
        pass
    wanted = name.strip().casefold()
    found = [p for p in services.participants.search(name.strip(), limit=200)
             if p.display_name.casefold() == wanted]  # fmt: skip
    if not found:
        raise CommandError(f"There is no participant called {name.strip()!r}.")
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise CommandError(
            f"{len(found)} participants are called {name.strip()!r}; give one's id instead: {ids}."
        )
    return found[0].id


def _tell(report: ExportReport, disclosure: DisclosureRequest | None) -> None:
    unit = "resources" if report.kind == "fhir_bundle" else "rows"
    people = "1 participant" if report.participants == 1 else f"{report.participants} participants"
    print(f"Wrote {report.path}: {report.records:,} {unit} ({people}).")
    if report.concerned:
        assert disclosure is not None
        carries = "It carries the 42 CFR Part 2 notice"
        if report.notice_path is not None:
            carries += f" (in full in {report.notice_path})"
        whom = "participant" if report.concerned == 1 else "participants"
        print(
            f"{carries}; the disclosure to {disclosure.recipient.strip()} is recorded for "
            f"{report.concerned} {whom}."
        )
    print(f"Warning: {report.warning}", file=sys.stderr)
