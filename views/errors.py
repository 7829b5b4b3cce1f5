"""Turning any failure that reaches the window into one sentence a user can act on."""

from __future__ import annotations

import logging

from app.database.errors import DatabaseError
from app.resources import ResourceError
from app.services.errors import ServiceError
from app.sync.errors import SyncError

log = logging.getLogger(__name__)


def user_message(error: BaseException) -> str:
    """The error's own sentence for the errors we raise; a plain notice for anything else.

    Our errors (vault, database, service, sync, a damaged data file) are written for users and
    never hold a secret.
    Anything else is a defect: its traceback goes to the log, never onto the screen.
    """
    if isinstance(error, DatabaseError | ServiceError | SyncError | ResourceError):
        return str(error)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or 'The system refused the operation'}{where}."
    log.error("unexpected %s", type(error).__name__, exc_info=error)
    return (
        f"Something unexpected went wrong ({type(error).__name__}); nothing was half-written. "
        "Please report it with the log printed by `python -m app -v`."
    )
