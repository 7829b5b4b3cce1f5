"""``device``, ``trust``, ``peers``, ``export`` and ``import``: exchanging encrypted bundles."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from app.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    add_passphrase_file_option,
    open_vault,
    read_secret_file,
    services_for,
)
from app.services.container import Services
from app.sync.clock import unpack
from app.sync.errors import SyncError
from app.sync.export import ExportRequest


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    device = commands.add_parser(
        "device",
        help="show this device's contact card",
        description="Show this device's contact card: what a peer needs to send you bundles "
        "and to trust yours. Read its fingerprint aloud to the peer to confirm it.",
    )
    device.add_argument("--card", type=Path, metavar="FILE", help="also write the card to FILE")
    add_passphrase_file_option(device)
    device.set_defaults(func=run_device)

    trust = commands.add_parser(
        "trust",
        help="trust a peer's contact card",
        description="Show the fingerprint of a peer's contact card and, after you confirm "
        "it matches what its owner reads to you, trust its bundles.",
    )
    trust.add_argument("card", type=Path, metavar="FILE", help="the peer's contact card")
    trust.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    add_passphrase_file_option(trust)
    trust.set_defaults(func=run_trust)

    peers = commands.add_parser(
        "peers",
        help="list trusted peers",
        description="List trusted peers and when each last exchanged.",
    )
    add_passphrase_file_option(peers)
    peers.set_defaults(func=run_peers)

    export = commands.add_parser(
        "export",
        help="write an encrypted bundle for other devices (or CSV/FHIR for other tools)",
        description="Write the vault's changes to an encrypted, signed bundle (an age file). "
        "`export csv` and `export fhir` write unencrypted files for other tools instead.",
    )
    # Not required by argparse, so that `export csv|fhir` (app.cli.export_commands) parse.
    export.add_argument("--to", type=Path, metavar="FILE", help="the bundle (required)")
    whom = export.add_mutually_exclusive_group()
    whom.add_argument(
        "--recipient", action="append", default=[], metavar="AGE_PUBLIC_KEY",
        help="encrypt to this age recipient (age1…); repeatable",
    )  # fmt: skip
    whom.add_argument(
        "--recipient-file", type=Path, metavar="FILE",
        help="encrypt to the age recipients in FILE, one per line (a contact card works)",
    )  # fmt: skip
    whom.add_argument(
        "--passphrase-file", dest="bundle_passphrase_file", type=Path, metavar="FILE",
        help="protect the bundle with the passphrase in FILE instead (a one-off hand-over)",
    )  # fmt: skip
    export.add_argument(
        "--cohort", action="append", default=[], metavar="NAME",
        help="only this cohort's data (repeatable)",
    )  # fmt: skip
    since = export.add_mutually_exclusive_group()
    since.add_argument(
        "--since-last", metavar="PEER",
        help="only what changed since the last export to PEER (the default when every "
        "recipient is a trusted peer); with no recipient, encrypt to PEER",
    )  # fmt: skip
    since.add_argument("--full", action="store_true", help="everything, whatever was sent")
    _vault_passphrase_option(export)
    export.set_defaults(func=run_export)

    bundle_import = commands.add_parser(
        "import",
        help="merge a bundle from another device",
        description="Verify a bundle completely, then merge it into the vault in one step.",
    )
    bundle_import.add_argument("bundle", type=Path, metavar="FILE")
    bundle_import.add_argument(
        "--trust", metavar="FINGERPRINT",
        help="trust the bundle's signer if its fingerprint is this one (checked with its owner)",
    )  # fmt: skip
    bundle_import.add_argument(
        "--passphrase-file", dest="bundle_passphrase_file", type=Path, metavar="FILE",
        help="the bundle's passphrase, for a bundle protected by one",
    )  # fmt: skip
    _vault_passphrase_option(bundle_import)
    bundle_import.set_defaults(func=run_import)


def _vault_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault-passphrase-file", dest="passphrase_file", type=Path, metavar="FILE",
        help="the vault's passphrase (else $CIRCLEKEEPER_PASSPHRASE, else a prompt)",
    )  # fmt: skip


def _with_services(args: argparse.Namespace, action: Callable[[Services], int]) -> int:
    vault = open_vault(args)
    try:
        return action(services_for(vault))
    except SyncError as error:
        raise CommandError(str(error)) from None
    finally:
        vault.close()


def run_device(args: argparse.Namespace) -> int:
    def show(services: Services) -> int:
        exchange = services.exchange
        card = exchange.save_contact_card(args.card) if args.card else exchange.contact_card()
        print(card.to_text(), end="")
        if args.card:
            print(f"Wrote the contact card to {args.card}.", file=sys.stderr)
        return EXIT_OK

    return _with_services(args, show)


def run_trust(args: argparse.Namespace) -> int:
    def trust(services: Services) -> int:
        try:
            card = services.exchange.read_contact_card(args.card)
        except OSError as error:
            raise CommandError(f"Cannot read {args.card}: {error.strerror}.") from None
        print(f"Device: {card.name} ({card.device_id})")
        print(f"Fingerprint: {card.fingerprint}")
        if not args.yes:
            if not sys.stdin.isatty():
                raise CommandError("Confirm the fingerprint at a terminal, or add --yes.")
            answer = input("Does the owner read you this same fingerprint? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Not trusted; nothing was changed.")
                return EXIT_OK
        services.exchange.trust(card)
        print(f"Trusted {card.name}.")
        return EXIT_OK

    return _with_services(args, trust)


def _when(value: object) -> str:
    return "never" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def run_peers(args: argparse.Namespace) -> int:
    def show(services: Services) -> int:
        found = services.exchange.peers()
        if not found:
            print("No trusted peers yet: exchange contact cards with `device` and `trust`.")
        for peer in found:
            print(f"{peer.name}  {peer.fingerprint}  trusted {_when(peer.trusted_at)}")
            sent, received = _when(peer.last_sent_at), _when(peer.last_received_at)
            print(f"    last sent {sent}; last received {received}")
        return EXIT_OK

    return _with_services(args, show)


def _recipients(args: argparse.Namespace) -> tuple[str, ...]:
    if args.recipient_file is None:
        return tuple(args.recipient)
    try:
        lines = args.recipient_file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"Cannot read {args.recipient_file}: {error.strerror}.") from None
    found = tuple(line.strip() for line in lines if line.strip().startswith("age1"))
    if not found:
        raise CommandError(f"{args.recipient_file} holds no age recipient (a line age1…).")
    return found


def _progress(stage_names: dict[str, str]) -> Callable[[str, int, int], None]:
    """A terminal progress line on stderr (one line per stage when it is not a terminal)."""
    shown = {"stage": ""}
    live = sys.stderr.isatty()

    def report(stage: str, done: int, total: int) -> None:
        label = stage_names.get(stage, stage)
        if live:
            percent = 100 * done // total if total else 100
            sys.stderr.write(f"\r{label:<12} {percent:3d}% ({done:,}/{total:,})")
            if stage == "done":
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif stage != shown["stage"]:
            print(f"{label}…", file=sys.stderr, flush=True)
        shown["stage"] = stage

    return report


def run_export(args: argparse.Namespace) -> int:
    if args.to is None:
        print("circlekeeper: say where to write the bundle: --to FILE.", file=sys.stderr)
        return EXIT_USAGE
    recipients = _recipients(args)
    passphrase = ""
    if args.bundle_passphrase_file is not None:
        passphrase = read_secret_file(args.bundle_passphrase_file, "bundle passphrase")
    if not recipients and not passphrase and not args.since_last:
        print(
            "circlekeeper: say who the bundle is for: --recipient, --recipient-file, "
            "--passphrase-file or --since-last PEER.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    request = ExportRequest(
        destination=args.to.expanduser().resolve(),
        recipients=recipients,
        passphrase=passphrase,
        cohorts=tuple(args.cohort),
        since_peer=args.since_last,
        full=args.full,
    )

    def export(services: Services) -> int:
        try:
            report = services.exchange.export(request, _progress({"selecting": "selecting"}))
        except ValueError as error:
            raise CommandError(str(error)) from None
        since = "everything" if not report.since else f"changes since {_when_clock(report.since)}"
        print(
            f"Wrote {report.path}: {report.rows:,} records and {report.counts['history']:,} "
            f"history entries ({since}; {report.size / 1024:,.0f} KiB)."
        )
        return EXIT_OK

    return _with_services(args, export)


def _when_clock(version: int) -> str:
    return f"{dt.datetime.fromtimestamp(unpack(version)[0] / 1000, dt.UTC):%Y-%m-%d %H:%M} UTC"


def run_import(args: argparse.Namespace) -> int:
    passphrase = ""
    if args.bundle_passphrase_file is not None:
        passphrase = read_secret_file(args.bundle_passphrase_file, "bundle passphrase")

    def import_(services: Services) -> int:
        report = services.exchange.import_file(
            args.bundle.expanduser(),
            trust=args.trust,
            passphrase=passphrase,
            progress=_progress({"decrypting": "verifying", "applying": "importing"}),
        )
        if report.already_imported:
            print(f"This bundle from {report.source_name} was already imported; nothing changed.")
            return EXIT_OK
        stats = report.stats
        if report.newly_trusted:
            print(f"Now trusting {report.source_name} ({report.source_fingerprint}).")
        print(
            f"Imported from {report.source_name}: {sum(stats.inserted.values()):,} new and "
            f"{sum(stats.updated.values()):,} changed records, {stats.history:,} history "
            f"entries, {stats.conflicts} conflicts to review, {stats.held} versions held back."
        )
        return EXIT_OK

    return _with_services(args, import_)
