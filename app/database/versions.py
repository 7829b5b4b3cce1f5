"""The highest sync version stored in any synced table: where a device's clock starts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Base
from models.base import SyncColumns


def highest_version(session: Session) -> int:
    """The greatest ``version`` of any row of any synced table (0 in an empty vault)."""
    highest = 0
    for mapper in Base.registry.mappers:
        entity = mapper.class_
        if issubclass(entity, SyncColumns):
            highest = max(highest, session.scalar(select(func.max(entity.version))) or 0)
    return highest
