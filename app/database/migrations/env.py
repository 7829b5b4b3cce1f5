"""Alembic's environment: always run on a connection handed over by ``app.database.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("migrations run only through app.database.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
# Batch mode rebuilds tables by copy-and-rename; check foreign keys at commit, not midway.
connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
with context.begin_transaction():
    context.run_migrations()
