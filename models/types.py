"""Column types shared by the entities: enums stored as their values, UTC timestamps."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator


def str_enum(enum_class: type[enum.StrEnum]) -> Enum:
    """Store a StrEnum by its value (readable in dumps and bundles), checked by the database."""
    return Enum(
        enum_class,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=24,
        name=enum_class.__name__.lower(),
    )


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp kept in UTC; naive values are refused so that no local time sneaks in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)
