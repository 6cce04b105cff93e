"""Migrations build the schema from nothing on both backends, and match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from hiring import create_app
from hiring.extensions import db
from tests.conftest import POSTGRES_URL, app_config, require_postgres


def _fresh_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    require_postgres()
    # Named after this run's test database, so parallel runs (each with its own
    # TEST_POSTGRES_URL) never drop each other's migration database.
    base, name = POSTGRES_URL.rsplit("/", 1)
    fresh = f"{name.split('?')[0]}_migration_test"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{fresh}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{fresh}"'))
    admin.dispose()
    return f"{base}/{fresh}"


def test_upgrade_empty_database_to_head_without_drift(backend, tmp_path):
    url = _fresh_url(backend, tmp_path)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables
