"""``demo``: fill an empty vault with a deterministic synthetic program, with a progress bar."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from typing import TextIO

from app.cli.common import EXIT_OK, add_passphrase_file_option, open_vault
from app.demo import DemoSummary, generate_demo
from app.demo.generator import LIMITS

BAR_WIDTH = 30


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="fill an empty vault with a synthetic program to explore",
        description="Fill an empty vault with a deterministic synthetic IOP program: cohorts "
        "running side by side, people passing through them with rolling enrollment, and "
        "their sessions, attendance, check-ins and weekly goals. Names are invented. The "
        "same options (and the same --today) give the same data and the same `check` digest.",
    )
    demo.add_argument(
        "--cohorts",
        type=_count("cohorts"),
        default=4,
        help="groups meeting side by side (default 4); a closed group starts a new "
        "cohort every 12 weeks",
    )
    demo.add_argument(
        "--participants",
        type=_count("participants"),
        default=120,
        help="people who pass through them (default 120)",
    )
    demo.add_argument(
        "--weeks", type=_count("weeks"), default=16, help="weeks of history (default 16)"
    )
    demo.add_argument("--seed", type=int, default=7, help="the random seed (default 7)")
    demo.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="end the program on this day instead of today, for data that never changes",
    )
    add_passphrase_file_option(demo)
    demo.set_defaults(func=run_demo)


def _count(name: str) -> Callable[[str], int]:
    low, high = LIMITS[name]

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"choose between {low} and {high:,}")
        return value

    return parse


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-02") from None


def run_demo(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    bar = ProgressBar(sys.stderr)
    try:
        summary = generate_demo(
            vault,
            cohorts=args.cohorts,
            participants=args.participants,
            weeks=args.weeks,
            seed=args.seed,
            today=args.today,
            progress=bar.update,
        )
    finally:
        bar.close()
        vault.close()
    print(describe(summary))
    return EXIT_OK


def describe(summary: DemoSummary) -> str:
    return (
        f"Demo program written in {summary.seconds:.1f} s: {summary.cohorts:,} cohorts, "
        f"{summary.participants:,} participants, {summary.enrollments:,} enrollments, "
        f"{summary.sessions:,} sessions, {summary.attendance:,} attendance marks, "
        f"{summary.checkins:,} check-ins, {summary.goals:,} goals, "
        f"{summary.goal_reviews:,} goal reviews, {summary.values:,} values, "
        f"{summary.partner_pairs:,} partner pairs and {summary.partner_contacts:,} partner "
        "contacts."
    )


class ProgressBar:
    """A one-line bar redrawn in place on a terminal; silent when the stream is not one.

    Ten lines of our own rather than a dependency: the bar is all this command needs.
    """

    def __init__(self, stream: TextIO, label: str = "demo") -> None:
        self._stream = stream
        self._label = label
        self._live = stream.isatty()
        self._began = time.monotonic()
        self._shown = -1

    def update(self, fraction: float) -> None:
        if not self._live:
            return
        percent = max(0, min(100, int(fraction * 100)))
        if percent == self._shown:
            return
        self._shown = percent
        filled = BAR_WIDTH * percent // 100
        elapsed = time.monotonic() - self._began
        self._stream.write(
            f"\r{self._label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{percent:3d}%  {elapsed:5.1f} s"
        )
        self._stream.flush()

    def close(self) -> None:
        if self._live and self._shown >= 0:
            self._stream.write("\n")
            self._stream.flush()
