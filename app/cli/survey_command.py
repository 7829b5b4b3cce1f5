"""``survey``: list the standard instruments, or score a set of answers (no vault needed)."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import EXIT_OK, EXIT_USAGE, CommandError
from app.services.errors import InvalidInput
from app.services.surveys.definitions import Instrument, InstrumentLibrary
from app.services.surveys.instruments import instrument_library
from app.services.surveys.scoring import Score, answers_from_list, score

BLANKS = ("", "-")  # how a skipped or unanswered item is written in --answers


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    survey = commands.add_parser(
        "survey",
        help="list the standard survey instruments, or score answers to one",
        description="The standard instruments (PHQ-9, GAD-7, BAM-IOP, AUDIT-C, C-SSRS "
        "screener) as their definition files in resources/instruments/ describe them. "
        "Neither subcommand opens the vault.",
    )
    survey.set_defaults(func=lambda _args: _usage(survey))
    subcommands = survey.add_subparsers(title="survey commands", metavar="SUBCOMMAND")

    listing = subcommands.add_parser(
        "instruments",
        help="list the instruments",
        description="List every instrument: its id, version, items, recall period and source.",
    )
    listing.add_argument("--json", action="store_true", help="print one JSON list for scripts")
    listing.set_defaults(func=run_instruments)

    scoring = subcommands.add_parser(
        "score",
        help="score one set of answers",
        description="Check answers against an instrument and print the total, band, "
        "subscales and alerts. Give one answer per item, in order, as the value of the "
        "chosen option (PHQ-9: 0-3); leave a skipped or unanswered item empty (C-SSRS with "
        "question 2 answered no: 1,0,,,,0). Exits 1 with one sentence when the answers do not "
        "fit the instrument.",
    )
    scoring.add_argument(
        "instrument", metavar="INSTRUMENT", help="e.g. phq-9 (see `survey instruments`)"
    )
    scoring.add_argument(
        "--answers", required=True, metavar="A,B,C…", help="the answers, comma-separated"
    )
    scoring.add_argument(
        "--sex",
        type=str.upper,
        choices=["F", "M"],
        help="for instruments whose bands differ by sex (AUDIT-C); not recorded when left out",
    )
    scoring.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    scoring.set_defaults(func=run_score)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _find(library: InstrumentLibrary, name: str) -> Instrument:
    instrument = library.get(name)
    if instrument is None:
        known = ", ".join(library.ids)
        raise CommandError(f"There is no instrument called {name!r}; try one of: {known}.")
    return instrument


def parse_answers(text: str) -> list[int | None]:
    values: list[int | None] = []
    for position, token in enumerate(text.split(","), start=1):
        token = token.strip()
        if token in BLANKS:
            values.append(None)
            continue
        try:
            values.append(int(token))
        except ValueError:
            raise CommandError(f"Answer {position} ({token!r}) is not a whole number.") from None
    return values


def run_instruments(args: argparse.Namespace) -> int:
    library = instrument_library()
    if args.json:
        print(json.dumps([_summary(i) for i in library.instruments], ensure_ascii=False))
        return EXIT_OK
    for instrument in library.instruments:
        print(
            f"{instrument.id:<14} {instrument.name} (version {instrument.version}): "
            f"{len(instrument.items)} items, {instrument.recall_period.lower()}"
        )
        print(f"{'':<14} {instrument.title}")
    return EXIT_OK


def _summary(instrument: Instrument) -> dict[str, object]:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "name": instrument.name,
        "title": instrument.title,
        "items": list(instrument.item_ids),
        "recall_period": instrument.recall_period,
        "total": instrument.has_total,
        "subscales": [s.id for s in instrument.subscales],
        "loinc": dict(instrument.loinc),
        "copyright": instrument.copyright,
    }


def run_score(args: argparse.Namespace) -> int:
    instrument = _find(instrument_library(), args.instrument)
    try:
        result = score(
            instrument, answers_from_list(instrument, parse_answers(args.answers)), args.sex
        )
    except InvalidInput as error:
        raise CommandError(error.message) from None
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(describe(instrument, result))
    return EXIT_OK


def describe(instrument: Instrument, result: Score) -> str:
    lines = [f"{instrument.name} (version {instrument.version})"]
    if result.total is not None:
        lowest, highest = instrument.total_range
        band = f": {result.band_label}" if result.band_label else ""
        lines.append(f"  total {result.total} ({lowest}-{highest}){band}")
    elif result.band_label:
        lines.append(f"  {result.band_label}")
    for subscale in instrument.subscales:
        lowest, highest = instrument.subscale_range(subscale)
        value = result.subscales[subscale.id]
        lines.append(f"  {subscale.title}: {value} ({lowest}-{highest})")
    for alert in result.alerts:
        lines.append(f"  {alert.kind.value.upper()}: {alert.message}")
    return "\n".join(lines)
