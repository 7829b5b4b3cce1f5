"""Cohorts: creating one, and (later) its settings."""
