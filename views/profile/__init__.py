"""A participant's profile window: timeline, charts, goals by value, clinician-only notes."""
