"""The standard feeling words offered for completion after a person's own past words."""

from __future__ import annotations

# Plain words a group uses aloud, from feelings-wheel vocabularies; lower case, no duplicates.
STANDARD_EMOTION_WORDS: tuple[str, ...] = (
    "afraid", "alone", "angry", "annoyed", "anxious", "ashamed", "bored", "brave", "calm",
    "cautious", "cheerful", "confident", "confused", "content", "curious", "defeated",
    "determined", "disappointed", "discouraged", "drained", "eager", "embarrassed", "empty",
    "energized", "excited", "exhausted", "focused", "frustrated", "grateful", "grieving",
    "guilty", "happy", "heavy", "helpless", "hopeful", "hopeless", "hurt", "impatient",
    "irritable", "jealous", "joyful", "lonely", "lost", "loved", "motivated", "nervous",
    "numb", "optimistic", "overwhelmed", "peaceful", "proud", "relieved", "resentful",
    "restless", "sad", "safe", "scared", "settled", "shaky", "steady", "stressed", "stuck",
    "supported", "tense", "thankful", "tired", "uneasy", "unsure", "vulnerable", "worried",
)  # fmt: skip
