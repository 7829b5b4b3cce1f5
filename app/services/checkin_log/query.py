"""The check-in log's SQL: which index drives each filter and sort, and the keyset predicate."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Every fragment below is a fixed string of ours; values only ever travel as bound parameters.

LIVE = "c.deleted = 0 AND gs.deleted = 0"
TEXT_COLUMNS = ("c.emotion_words", "c.accomplishments", "c.challenges")
# A date range at most this long is read from the session index and sorted whole; a longer
# one is filtered while the sort's own index is walked (cheaper when most rows qualify).
NARROW_RANGE = dt.timedelta(days=92)


class LogSort(enum.StrEnum):
    """What the log can be ordered by: each displayed column that has an order."""

    SESSION_START = "session_start"
    COHORT = "cohort"
    PARTICIPANT = "participant"
    MOOD = "mood"
    CRAVING = "craving"
    EMOTION_WORDS = "emotion_words"
    ACCOMPLISHMENTS = "accomplishments"
    CHALLENGES = "challenges"
    SHARE_SCOPE = "share_scope"

    @property
    def indexed(self) -> bool:
        """Whether pages in this order come straight off an index over the whole program."""
        return self not in UNINDEXED


UNINDEXED = frozenset({LogSort.EMOTION_WORDS, LogSort.ACCOMPLISHMENTS, LogSort.CHALLENGES})


@dataclass(frozen=True, slots=True)
class Term:
    """One ORDER BY term; ``column`` is also selected raw as the keyset value."""

    column: str
    descending: bool
    nocase: bool = False
    nullable: bool = False

    def order_sql(self) -> str:
        return f"{self._expr()}{' DESC' if self.descending else ''}"

    def _expr(self) -> str:
        return f"{self.column} COLLATE NOCASE" if self.nocase else self.column

    def equal(self, name: str, value: object) -> str:
        return f"{self.column} IS NULL" if value is None else f"{self._expr()} = :{name}"

    def after(self, name: str, value: object) -> str:
        """Rows strictly after ``value`` in this term's order (NULL sorts first ascending)."""
        if value is None:
            return "0" if self.descending else f"{self.column} IS NOT NULL"
        if self.descending:
            tail = f" OR {self.column} IS NULL" if self.nullable else ""
            return f"({self._expr()} < :{name}{tail})"
        return f"{self._expr()} > :{name}"

    def not_before(self, name: str, value: object) -> str:
        """A range on the leading term alone, which lets SQLite seek its index."""
        if value is None:
            return f"{self.column} IS NULL" if self.descending else "1"
        if self.descending:
            tail = f" OR {self.column} IS NULL" if self.nullable else ""
            return f"({self._expr()} <= :{name}{tail})"
        return f"{self._expr()} >= :{name}"


def terms(sort: LogSort, descending: bool) -> tuple[Term, ...]:
    """The full, unique order for ``sort``: ties fall to the newest session, then the name.

    Where the sort's index ends in the row id (mood, craving, scope), ties follow the order
    in which the check-ins were recorded instead, so that each page comes off the index.
    """
    d = descending
    newest = (Term("gs.scheduled_start", True), Term("gs.id", True))
    in_session = (Term("p.display_name", False, nocase=True), Term("c.id", False))
    if sort is LogSort.SESSION_START:
        return (Term("gs.scheduled_start", d), Term("gs.id", d), *in_session)
    if sort is LogSort.COHORT:
        return (Term("co.name", d, nocase=True), Term("co.id", d), *newest, *in_session)
    if sort is LogSort.PARTICIPANT:
        return (Term("p.display_name", d, nocase=True), Term("p.id", d), *newest)
    if sort in (LogSort.MOOD, LogSort.CRAVING):
        return (Term(f"c.{sort.value}", d, nullable=True), Term("c.rowid", d))
    if sort is LogSort.SHARE_SCOPE:
        return (Term("c.share_scope", d), Term("c.rowid", d))
    return (Term(f"c.{sort.value}", d, nocase=True), *newest, Term("c.id", False))


def keyset(order: tuple[Term, ...], values: tuple[object, ...]) -> tuple[str, dict[str, object]]:
    """``WHERE`` text selecting the rows after ``values`` in ``order``, and its parameters."""
    params = {f"k{i}": value for i, value in enumerate(values) if value is not None}
    alternatives = []
    for i, term in enumerate(order):
        equal = [order[j].equal(f"k{j}", values[j]) for j in range(i)]
        alternatives.append(" AND ".join([*equal, term.after(f"k{i}", values[i])]))
    leading = order[0].not_before("k0", values[0])
    return f"{leading} AND ({' OR '.join(f'({a})' for a in alternatives)})", params


SESSION_JOIN = "CROSS JOIN group_session AS gs ON gs.id = c.session_id"
CHECKIN_BY_SESSION = (
    "CROSS JOIN checkin AS c INDEXED BY ix_checkin_session_participant ON c.session_id = gs.id"
)
PEOPLE = "JOIN participant AS p ON p.id = c.participant_id"
COHORTS = "JOIN cohort AS co ON co.id = gs.cohort_id"
BY_PARTICIPANT = "checkin AS c INDEXED BY ix_checkin_participant_recorded"
BY_COHORT = "group_session AS gs INDEXED BY ix_group_session_cohort_start"
BY_DATE = "group_session AS gs INDEXED BY ix_group_session_start"


def source(sort: LogSort, *, cohort: bool, participant: bool, narrow_dates: bool) -> str:
    """A page's FROM clause: the most selective filter's index drives, else the sort's own.

    SQLite has no statistics about our tables, and without them it will happily scan every
    check-in to sort them; INDEXED BY and CROSS JOIN pin the plans the benchmark measures.
    """
    if participant:
        return f"{BY_PARTICIPANT} {SESSION_JOIN} {COHORTS} {PEOPLE}"
    if cohort:
        return f"{BY_COHORT} {CHECKIN_BY_SESSION} {COHORTS} {PEOPLE}"
    if narrow_dates or sort is LogSort.SESSION_START:
        return f"{BY_DATE} {CHECKIN_BY_SESSION} {COHORTS} {PEOPLE}"
    if sort is LogSort.COHORT:
        return (
            "cohort AS co INDEXED BY ix_cohort_name CROSS JOIN group_session AS gs "
            f"INDEXED BY ix_group_session_cohort_start ON gs.cohort_id = co.id "
            f"{CHECKIN_BY_SESSION} {PEOPLE}"
        )
    if sort is LogSort.PARTICIPANT:
        return (
            "participant AS p INDEXED BY ix_participant_name CROSS JOIN checkin AS c "
            "INDEXED BY ix_checkin_participant_recorded ON c.participant_id = p.id "
            f"{SESSION_JOIN} {COHORTS}"
        )
    index = {
        LogSort.MOOD: "INDEXED BY ix_checkin_mood",
        LogSort.CRAVING: "INDEXED BY ix_checkin_craving",
        LogSort.SHARE_SCOPE: "INDEXED BY ix_checkin_live_scope",
    }.get(sort, "NOT INDEXED")
    return f"checkin AS c {index} {SESSION_JOIN} {COHORTS} {PEOPLE}"


def count_source(*, cohort: bool, participant: bool, dates: bool) -> str:
    """A count's FROM clause: the same drivers, joining the cohort only for its time zone."""
    cohorts = f" {COHORTS}" if dates else ""
    if participant:
        return f"{BY_PARTICIPANT} {SESSION_JOIN}{cohorts}"
    if cohort:
        return f"{BY_COHORT} {CHECKIN_BY_SESSION}{cohorts}"
    return f"{BY_DATE} {CHECKIN_BY_SESSION}{cohorts}"


def date_bounds(
    first_day: dt.date | None, last_day: dt.date | None, zones: list[str]
) -> tuple[list[str], dict[str, object]]:
    """Sessions whose local date (in their cohort's zone) is within the inclusive range.

    One range over all zones lets the session index seek; one exact range per zone (there
    are only a few) decides each row.
    """
    if first_day is None and last_day is None:
        return [], {}
    where: list[str] = []
    params: dict[str, object] = {}
    exact: list[str] = []
    lows: list[dt.datetime] = []
    highs: list[dt.datetime] = []
    for i, name in enumerate(zones):
        zone = ZoneInfo(name)
        parts = [f"co.timezone = :z{i}"]
        params[f"z{i}"] = name
        if first_day is not None:
            low = dt.datetime.combine(first_day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
            parts.append(f"gs.scheduled_start >= :lo{i}")
            params[f"lo{i}"] = low
            lows.append(low)
        if last_day is not None:
            end = last_day + dt.timedelta(days=1)
            high = dt.datetime.combine(end, dt.time(), tzinfo=zone).astimezone(dt.UTC)
            parts.append(f"gs.scheduled_start < :hi{i}")
            params[f"hi{i}"] = high
            highs.append(high)
        exact.append(f"({' AND '.join(parts)})")
    if not exact:
        return ["0"], {}
    if lows:
        where.append("gs.scheduled_start >= :lo")
        params["lo"] = min(lows)
    if highs:
        where.append("gs.scheduled_start < :hi")
        params["hi"] = max(highs)
    where.append(f"({' OR '.join(exact)})")
    return where, params


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_condition() -> str:
    return "(" + " OR ".join(f"{c} LIKE :text ESCAPE '\\'" for c in TEXT_COLUMNS) + ")"
