"""Engine tuning per backend.

SQLite: WAL, a busy timeout and foreign keys on every connection. Transactions that may
write take the write lock up front (BEGIN IMMEDIATE) so concurrent writers queue instead of
failing with "database is locked" on a stale snapshot; transactions of read-only requests
(GET, HEAD, OPTIONS) begin DEFERRED, so reads run alongside a writer instead of queueing
behind it (WAL readers never block). A read-only request that must write (touching the
login session, auditing a denial) does so through `services.transaction.transaction()`,
which ends the read transaction first and writes under IMMEDIATE. pysqlite's own BEGIN
handling is switched off as SQLAlchemy's documentation recommends. PostgreSQL is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

# IMMEDIATE takes the write lock up front, so a read-then-write never hits a stale snapshot.
SQLITE_BEGIN = "BEGIN IMMEDIATE"
SQLITE_BEGIN_READ = "BEGIN"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
log = logging.getLogger(__name__)


def begin_statement() -> str:
    """DEFERRED for a read-only request's transactions, IMMEDIATE for everything else
    (other requests, the CLI, jobs, tests' own set-up)."""
    return SQLITE_BEGIN_READ if in_read_only_transaction() else SQLITE_BEGIN


def mark_read_only_requests(app) -> None:
    """Flag each real GET/HEAD/OPTIONS request as read-only, before any other hook reads
    the database. Request contexts made without dispatching a request (the CLI renders
    emails inside one) run no hooks, so their transactions stay IMMEDIATE."""

    def flag():
        from flask import g, request

        g._read_only = request.method in READ_METHODS

    def unflag(_exc=None):
        from flask import g

        # g may outlive the request (an app context pushed around it, as tests do)
        g.pop("_read_only", None)

    app.before_request_funcs.setdefault(None, []).insert(0, flag)
    app.teardown_request(unflag)


def in_read_only_transaction() -> bool:
    """True inside a read-only request whose transactions begin DEFERRED; a service that
    writes then ends the read transaction and writes under `write_mode()`."""
    from flask import g, has_app_context

    return has_app_context() and g.get("_read_only", False) and not g.get("_writing")


@contextmanager
def write_mode() -> Iterator[None]:
    """Transactions begun inside the block take the write lock first (IMMEDIATE)."""
    from flask import g

    previous = g.get("_writing", False)
    g._writing = True
    try:
        yield
    finally:
        g._writing = previous


def insert_or_ignore(session, model, **values):
    """INSERT ... ON CONFLICT DO NOTHING of one `model` row, for the session's database: a
    row another transaction inserts at the same time is no error (PostgreSQL waits for that
    transaction, then does nothing). For rows that several requests may create first, then
    update with SQL arithmetic (`generation + 1`) so that every request counts."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite_insert
    return session.execute(insert(model).values(**values).on_conflict_do_nothing())


BUSY_TIMEOUT_MS = 15000


def configure_engine(engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Once per engine (apps that share an engine, as the tests' do, configure it once).
    `busy_timeout_ms`: how long a transaction waits for SQLite's write lock before failing
    (SQLITE_BUSY_TIMEOUT_MS)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_hiring_configured", False):
        return
    engine._hiring_configured = True

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        statement = begin_statement()
        connection.info["sqlite_deferred"] = statement == SQLITE_BEGIN_READ
        connection.exec_driver_sql(statement)

    @event.listens_for(engine, "before_cursor_execute")
    def _write_in_read(connection, _cursor, statement, _params, _context, _many):
        # Works unless another writer commits between this transaction's first read and
        # this write (then SQLite refuses at once); writes in GETs belong in a service's
        # transaction(), which takes the write lock first.
        if connection.info.get("sqlite_deferred") and \
                statement.lstrip().upper().startswith(WRITES):
            log.warning("write inside a read-only (deferred) SQLite transaction: %s",
                        statement.split("\n")[0][:120])


def render_item(type_, obj, autogen_context):
    """Alembic autogenerate hook: write our TypeDecorators as their plain SQL type, so
    migrations never import application code."""
    from sqlalchemy.types import TypeDecorator

    if type_ == "type" and isinstance(obj, TypeDecorator):
        autogen_context.imports.add("import sqlalchemy as sa")
        return f"sa.{obj.impl!r}"
    return False
