"""Migrations build the schema from nothing on both backends, and match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from hiring import create_app
from hiring.extensions import db
from tests.conftest import (
    app_config,
    create_database,
    drop_database,
    require_postgres,
    run_database_url,
)


def _fresh_url(backend: str, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    require_postgres()
    # This run's own name (see run_database_url), so parallel runs never collide.
    url = run_database_url("_migration")
    create_database(url)
    request.addfinalizer(lambda: drop_database(url))
    return url


def test_upgrade_empty_database_to_head_without_drift(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
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
