"""The models and the migrations describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.sync.schema import synced_specs
from app.vault.vault import UnlockedVault
from models import Base


def test_migrations_match_the_models(vault: UnlockedVault) -> None:
    with vault.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_keys_an_import_may_check_late_are_indexed(vault: UnlockedVault) -> None:
    """A foreign key to its own table or to one imported after it is checked at commit
    (``defer_foreign_keys``); while such a check is pending, each parent row inserted looks
    its children up by that column, so without an index every insert scans the table.
    """
    order = [spec.name for spec in synced_specs()]
    unindexed: list[str] = []
    with vault.database.engine.connect() as connection:
        for position, table in enumerate(order):
            keys = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
            leading = {
                connection.exec_driver_sql(f'PRAGMA index_info("{index[1]}")').all()[0][2]
                for index in connection.exec_driver_sql(f'PRAGMA index_list("{table}")').all()
            }
            for key in keys:
                parent, column = key[2], key[3]
                late = parent not in order[:position]
                if late and column not in leading:
                    unindexed.append(f"{table}.{column} → {parent}")
    assert unindexed == []
