"""The declarative base and the sync columns every synced row carries."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Boolean, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names keep Alembic's batch migrations on SQLite predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of every entity; owns the shared metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncColumns:
    """The columns ARCHITECTURE.md asks of every synced row.

    ``version`` is a hybrid logical clock value (48-bit Unix milliseconds, 16-bit
    counter) packed into one integer; ``origin`` is the device that wrote it;
    ``deleted`` marks a tombstone, because nothing clinical is physically removed.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    origin: Mapped[str] = mapped_column(String(36), nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
