"""Issue 11 item 6: the database keeps the audit log append-only, each row chains to the one
before by hash, `flask audit verify` names the first broken link, and the one purge path
leaves a verifiable chain behind. SQLite and PostgreSQL, on a db.create_all() schema and on
a migrated one."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from hiring import create_app
from hiring.audit import record, record_now
from hiring.audit_integrity import ddl_for, drop_for
from hiring.extensions import db
from hiring.models import AuditEvent
from hiring.models.base import utcnow
from hiring.services.audit_chain import purge_through, verify
from hiring.services.errors import Invalid
from tests.conftest import app_config
from tests.test_migrations import _fresh_url


def _refused(conn, statement: str, **params) -> bool:
    """The statement fails with the guard's message, and changes nothing."""
    try:
        with conn.begin_nested() if conn.in_transaction() else conn.begin():
            conn.execute(sa.text(statement), params)
    except sa.exc.DBAPIError as exc:
        return "append-only" in str(exc)
    return False


def _attacks(conn, backend: str) -> dict[str, bool]:
    first = conn.execute(sa.text("SELECT min(id) FROM audit_event")).scalar()
    attacks = {
        "update": "UPDATE audit_event SET details = '{}' WHERE id = :first",
        "delete": "DELETE FROM audit_event WHERE id = :first",
    }
    if backend == "sqlite":
        attacks["insert or replace"] = (
            "INSERT OR REPLACE INTO audit_event (id, at, event, actor_email, target, "
            "client_address, details, summary, prev_hash, row_hash) VALUES "
            "(:first, '2026-01-01 00:00:00', 'logout', '', '', '', '{}', '', '', '')")
        attacks["upsert"] = (
            "INSERT INTO audit_event (id, at, event, actor_email, target, client_address, "
            "details, summary, prev_hash, row_hash) VALUES (:first, '2026-01-01 00:00:00', "
            "'logout', '', '', '', '{}', '', '', '') ON CONFLICT (id) DO UPDATE SET "
            "event = 'logout'")
    else:
        attacks["truncate"] = "TRUNCATE audit_event"
        attacks["truncate cascade"] = "TRUNCATE audit_event CASCADE"
    return {name: _refused(conn, sql, first=first) for name, sql in attacks.items()}


def test_the_database_refuses_every_rewrite(app, backend):
    for i in range(3):
        record("logout", actor_email=f"a{i}@example.com")
    db.session.commit()
    with db.engine.connect() as conn:
        results = _attacks(conn, backend)
        assert all(results.values()), results
        assert conn.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 3
    assert verify().ok


def test_a_migrated_database_has_the_same_guard(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        record_now("logout", actor_email="x@example.com")
        with db.engine.connect() as conn:
            results = _attacks(conn, backend)
        assert all(results.values()), results
        assert verify().ok
        db.session.remove()
        db.engine.dispose()


def _events():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def _without_guard(statement: str, **params) -> None:
    """Tamper as someone with the database's owner rights would: drop the triggers."""
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        for drop in drop_for(dialect):
            conn.exec_driver_sql(drop)
        conn.execute(sa.text(statement), params)
        for ddl in ddl_for(dialect):
            conn.exec_driver_sql(ddl)


def test_verify_names_the_first_changed_row(app):
    for i in range(5):
        record("login_failure", actor_email=f"user{i}@example.com", details={"n": i})
    db.session.commit()
    ids = [e.id for e in _events()]
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "5 audit events" in ok.output
    _without_guard("UPDATE audit_event SET actor_email = 'someone@else.com' WHERE id = :id",
                   id=ids[2])
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"BROKEN at audit event {ids[2]}" in broken.output
    assert "changed" in broken.output


def test_verify_names_the_row_after_a_removed_one(app):
    for i in range(4):
        record("logout", actor_email=f"user{i}@example.com")
    db.session.commit()
    ids = [e.id for e in _events()]
    _without_guard("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    db.session.expire_all()
    result = verify()
    assert (result.broken_id, result.checked) == (ids[2], 1)
    assert "removed or inserted" in result.reason


def test_chain_links_each_row_to_the_previous(app):
    record("logout", actor_email="a@example.com")
    record("logout", actor_email="b@example.com")  # same transaction: chained in order
    db.session.commit()
    record_now("logout", actor_email="c@example.com")
    rows = _events()
    assert rows[0].prev_hash == ""
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert len({r.row_hash for r in rows}) == 3 and all(len(r.row_hash) == 64 for r in rows)


def test_the_purge_path_deletes_old_rows_records_itself_and_keeps_the_chain(app, people):
    for i in range(3):
        record("logout", actor_email=f"old{i}@example.com")
    db.session.commit()
    cutoff = utcnow() + timedelta(microseconds=1)
    for i in range(2):
        record("logout", actor_email=f"new{i}@example.com")
    db.session.commit()
    hashes_before = [e.row_hash for e in _events()]
    with pytest.raises(Invalid):
        purge_through(cutoff, reason=" ")
    assert purge_through(cutoff, actor=people["admin"], reason="retention: 2 years") == 3
    rows = _events()
    assert [r.actor_email for r in rows[:2]] == ["new0@example.com", "new1@example.com"]
    purge = rows[-1]
    assert purge.event == "audit_purged" and purge.actor_email == "admin@example.com"
    assert purge.details["deleted"] == 3
    assert purge.details["anchor"] == hashes_before[2] == rows[0].prev_hash
    assert verify().ok
    # the guard is back: a plain delete is refused again
    db.session.commit()
    with db.engine.connect() as conn:
        assert _refused(conn, "DELETE FROM audit_event")


def test_two_writers_at_once_never_fork_the_chain(app, backend):
    errors = []

    def writer(n: int):
        try:
            with app.app_context():
                for i in range(15):
                    record_now("logout", actor_email=f"w{n}-{i}@example.com")
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    rows = _events()
    assert len(rows) == 60
    assert len({r.prev_hash for r in rows}) == 60  # no two rows share a predecessor
    assert verify().ok
