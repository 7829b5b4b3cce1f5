"""The checks every service applies to what a user typed; each failure names its field."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.services.errors import InvalidInput

E = TypeVar("E", bound=enum.StrEnum)


def text(
    field: str, value: str, *, max_length: int, required: bool = False, label: str = ""
) -> str:
    """``value`` stripped; required text must not be blank; nothing longer than ``max_length``."""
    label = label or field.replace("_", " ")
    if not isinstance(value, str):
        raise InvalidInput(field, f"The {label} must be text.")
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput(field, f"The {label} cannot be empty.")
    if len(cleaned) > max_length:
        raise InvalidInput(field, f"The {label} can be at most {max_length} characters.")
    if "\x00" in cleaned:
        raise InvalidInput(field, f"The {label} contains a character that cannot be stored.")
    return cleaned


def integer(field: str, value: int, low: int, high: int, *, label: str = "") -> int:
    label = label or field.replace("_", " ")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"The {label} must be a whole number.")
    if not low <= value <= high:
        raise InvalidInput(field, f"The {label} must be between {low} and {high}.")
    return value


def optional_score(field: str, value: int | None, *, label: str = "") -> int | None:
    """A 0–10 rating such as mood or craving, or None when not given."""
    return None if value is None else integer(field, value, 0, 10, label=label)


def choice(field: str, value: E | str, enum_class: type[E], *, label: str = "") -> E:
    label = label or field.replace("_", " ")
    try:
        return enum_class(value)
    except ValueError:
        allowed = ", ".join(m.value.replace("_", " ") for m in enum_class)
        raise InvalidInput(field, f"The {label} must be one of: {allowed}.") from None


def timezone(field: str, value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            field, f"{value!r} is not a known time zone (e.g. America/Chicago)."
        ) from None
    return value


def date_order(field: str, start: dt.date, end: dt.date | None, *, label: str = "end date") -> None:
    if end is not None and end < start:
        raise InvalidInput(field, f"The {label} cannot be before the start date.")


def not_in_future(field: str, value: dt.date | None, today: dt.date, *, label: str = "") -> None:
    label = label or field.replace("_", " ")
    if value is not None and value > today:
        raise InvalidInput(field, f"The {label} cannot be in the future.")
