"""Attendance: marking sessions, and the weekly summaries and charts' figures."""
