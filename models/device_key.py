"""This installation's key pairs for bundles (local, never synced): secrets stay in the vault."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class DeviceKey(Base):
    """A single row: an age X25519 identity to receive bundles, an Ed25519 key to sign them.

    The private halves (``age_identity``, ``signing_key``) live only here, inside the
    encrypted database; the contact card carries the public halves.
    """

    __tablename__ = "device_key"

    device_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("device_info.device_id"), primary_key=True
    )
    age_identity: Mapped[str] = mapped_column(String(100), nullable=False)
    age_recipient: Mapped[str] = mapped_column(String(100), nullable=False)
    signing_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    verify_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
