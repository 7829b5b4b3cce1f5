"""Fetching one live (not tombstoned) row by id, or saying plainly that it is gone."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.orm import Session

from app.services.errors import NotFound
from models.base import SyncColumns

T = TypeVar("T", bound=SyncColumns)


def live(db: Session, entity: type[T], row_id: uuid.UUID, what: str) -> T:
    """The row ``row_id`` of ``entity``; ``NotFound("The <what>")`` if missing or deleted."""
    row = db.get(entity, row_id)
    if row is None or row.deleted:
        raise NotFound(f"The {what}")
    return row
