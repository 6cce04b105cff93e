"""Test harness: every database test runs against a real SQLite file and a real PostgreSQL.

PostgreSQL is reached at TEST_POSTGRES_URL (default: the local `test` database). When it
cannot be reached its tests are skipped, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from hiring import create_app
from hiring.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "seed" / "blueprints"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_available() -> str | None:
    """None when reachable, else the reason."""
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


def require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def app_config(url: str, **extra) -> dict:
    config = {
        "HIRING_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": "localhost",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A database with the schema created once per session and backend."""
    if request.param == "postgresql":
        require_postgres()
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hiring.db'}"
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        _drop_alembic_table()
        db.create_all()
        db.engine.dispose()
    return url


def _drop_alembic_table() -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(database_url):
    app = create_app(app_config(database_url))
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def backend(database_url) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"
