"""SQLite: read-only requests begin DEFERRED (they read alongside a writer), everything else
begins IMMEDIATE; a GET that must write does so in its own IMMEDIATE transaction."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from hiring.extensions import db
from hiring.models import AuditEvent, UserSession
from tests.access import client_for
from tests.conftest import csrf_for


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL transactions are unchanged")


def begins(client, method: str, url: str, **kwargs) -> list[str]:
    seen: list[str] = []

    def watch(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        getattr(client, method)(url, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    return seen


def test_get_reads_deferred_and_post_writes_immediate(app, loop, sqlite_only):
    hm, _ = client_for(app, "hiring_manager")
    assert begins(hm, "get", f"/requisitions/{loop['requisition'].id}") == ["BEGIN"]
    token = csrf_for(hm)
    posted = begins(hm, "post", f"/candidates/{loop['candidate'].id}/decision",
                    data={"csrf_token": token, "decision": "hold", "rationale": "Wait."})
    assert posted and set(posted) == {"BEGIN IMMEDIATE"}


def test_a_read_runs_while_another_connection_holds_the_write_lock(app, loop, sqlite_only):
    hm, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{loop['requisition'].id}"
    candidate_id = loop["candidate"].id
    assert hm.get(url).status_code == 200
    path = db.engine.url.database
    db.session.commit()  # the test's own session holds nothing from here
    writer = sqlite3.connect(path, isolation_level=None, timeout=1)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE candidate SET notes = 'being edited' WHERE id = ?",
                   (candidate_id,))
    try:
        # With IMMEDIATE reads this waited for the 15 s busy timeout, then failed.
        response = hm.get(url)
        assert response.status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_gets_that_write_use_their_own_write_transaction(app, loop, sqlite_only):
    hm, _ = client_for(app, "hiring_manager")
    # make the login session due for its periodic touch
    login_session = db.session.scalars(select(UserSession)).all()[-1]
    login_session.last_seen_at -= timedelta(minutes=5)
    db.session.commit()
    seen = begins(hm, "get", "/requisitions/")
    assert seen[0] == "BEGIN" and "BEGIN IMMEDIATE" in seen
    # a denied GET is audited: also written under IMMEDIATE
    iv, _ = client_for(app, "interviewer")
    seen = begins(iv, "get", f"/requisitions/{loop['requisition'].id}")
    assert "BEGIN IMMEDIATE" in seen
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event == "access_denied"))
