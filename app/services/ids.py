"""Ids derived from what a row is about, so two devices writing the same fact write one row."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5b0f5c52-9e7e-4c36-9f0a-3c1d2b4a6e11")


def attendance_id(session_id: uuid.UUID, participant_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"attendance/{session_id}/{participant_id}")


def checkin_id(session_id: uuid.UUID, participant_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"checkin/{session_id}/{participant_id}")
