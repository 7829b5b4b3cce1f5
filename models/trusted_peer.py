"""A device whose bundles this vault accepts (local, never synced)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class TrustedPeer(Base):
    """A peer trusted after its fingerprint was confirmed, and where each exchange left off.

    ``last_sent_version`` is this vault's clock when it last exported to the peer, and
    ``last_received_version`` the highest clock of a bundle imported from it. ``sent_marks``
    (JSON ``{scope: clock}``) keeps the first per export scope (all data, or some cohorts),
    so that a partial export never hides the rest from the next ``--since-last``.
    """

    __tablename__ = "trusted_peer"

    fingerprint: Mapped[str] = mapped_column(String(32), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    age_recipient: Mapped[str] = mapped_column(String(100), nullable=False)
    verify_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    trusted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    last_sent_version: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_received_version: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_marks: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
