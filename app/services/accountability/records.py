"""A reference to the record a flag, milestone or prompt came from, so a screen can open it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordRef:
    """``entity`` is the table name (``"goal"``, ``"checkin"``, ``"attendance"``,
    ``"group_session"``, ``"goal_review"``, ``"value"``, ``"participant"``, ``"enrollment"``,
    ``"accountability_pair"``, ``"partner_contact"``); ``id`` is the row's id."""

    entity: str
    id: uuid.UUID
