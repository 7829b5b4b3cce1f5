"""Errors services raise; each ``str()`` is a sentence for the user, naming the wrong field."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refused; nothing was changed."""


class InvalidInput(ServiceError):
    """A value is impossible; ``field`` names the input so a form can show the message beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(ServiceError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not found; it may have been removed on another device.")
        self.what = what
