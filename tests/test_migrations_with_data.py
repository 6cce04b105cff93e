"""Migrations run on a database that holds data, both ways: SQLite batch migrations copy
and drop tables, which fails with foreign keys on once rows refer to them (migrations/env.py
turns them off for the change and checks them after)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from hiring import create_app
from hiring.extensions import db
from tests import retention_world as world
from tests.conftest import app_config, make_people
from tests.test_migrations import _fresh_url

TABLES = ("candidate", "interview", "scorecard", "scorecard_rating", "decision", "requisition")


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {table: conn.execute(sa.select(sa.func.count()).select_from(
            sa.table(table))).scalar() for table in TABLES}


def test_down_to_0004_and_up_again_keeps_every_row(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        world.build(make_people()["admin"])
        before = _counts()
        db.session.remove()
        downgrade(revision="0004_decisions")
        upgrade()
        assert _counts() == before
        with db.engine.connect() as conn:
            if backend == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # closed before the retention migration: counted from the migration's day
            assert conn.execute(sa.text(
                "SELECT count(*) FROM requisition WHERE closed_at IS NULL")).scalar() == 0
        db.session.remove()
        db.engine.dispose()
