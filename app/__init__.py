"""Circlekeeper: check-ins, goals and attendance for virtual IOP groups."""

__version__ = "0.1.0"
