"""Engine tuning per backend.

SQLite: WAL, a busy timeout and foreign keys on every connection, and write transactions
that take the write lock up front (BEGIN IMMEDIATE) so concurrent writers queue instead of
failing with "database is locked" on a stale snapshot. pysqlite's own BEGIN handling is
switched off as SQLAlchemy's documentation recommends.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

# IMMEDIATE takes the write lock up front, so a read-then-write never hits a stale snapshot.
SQLITE_BEGIN = "BEGIN IMMEDIATE"

BUSY_TIMEOUT_MS = 15000


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(SQLITE_BEGIN)


def render_item(type_, obj, autogen_context):
    """Alembic autogenerate hook: write our TypeDecorators as their plain SQL type, so
    migrations never import application code."""
    from sqlalchemy.types import TypeDecorator

    if type_ == "type" and isinstance(obj, TypeDecorator):
        autogen_context.imports.add("import sqlalchemy as sa")
        return f"sa.{obj.impl!r}"
    return False
