"""Issue 11 item 5: two first saves of the same scorecard at once (two tabs, two devices).

The winner's text is stored; the loser gets the same 409 "saved somewhere else, your text is
kept" as a stale edit, never a 500. On PostgreSQL a barrier holds both requests just before
their INSERT, so both have looked, found no row and insert together: the unique constraint
decides. On SQLite the write lock serialises them: the first holds its INSERT until the
second has asked for the lock (BEGIN IMMEDIATE), then the second sees the first's row.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event, func, select

from hiring.extensions import db
from hiring.models import Scorecard
from tests.access import client_for
from tests.test_scorecards import fill_url, page_state

ROUNDS = 3


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("endpoint", ["fill", "autosave"])
def test_concurrent_first_saves_one_wins_the_other_gets_409_with_text_kept(
        app, loop, endpoint, round_):
    tabs = [client_for(app, "interviewer")[0] for _ in range(2)]
    states = [page_state(tab, fill_url(loop)) for tab in tabs]
    assert {s["lock_version"] for s in states} == {"0"}  # neither opened a row
    barrier = threading.Barrier(2, timeout=3)
    # SQLite: the other request never reaches its INSERT while this one holds the write lock;
    # this one waits until the other has asked for the lock (its BEGIN IMMEDIATE, blocked),
    # instead of letting the barrier time out after 3 s in every round.
    asked_for_lock = [threading.Event(), threading.Event()]
    tab_of: dict[int, int] = {}  # thread -> tab

    def note_begin(_conn, _cursor, statement, *_args):
        tab = tab_of.get(threading.get_ident())
        if statement == "BEGIN IMMEDIATE" and tab is not None:
            asked_for_lock[tab].set()

    def both_insert_together(*_args):
        if db.engine.dialect.name == "sqlite":
            other = 1 - tab_of[threading.get_ident()]
            assert asked_for_lock[other].wait(3), "the other tab never asked for the lock"
            return
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    event.listen(Scorecard, "before_insert", both_insert_together)
    event.listen(db.engine, "before_cursor_execute", note_begin)
    url = fill_url(loop) + ("/autosave" if endpoint == "autosave" else "")
    results: list = [None, None]
    db.session.commit()  # the test's own session holds no (SQLite write) lock meanwhile

    def post(i):
        tab_of[threading.get_ident()] = i
        results[i] = tabs[i].post(url, data={
            "csrf_token": states[i]["csrf_token"], "lock_version": "0", "action": "save",
            "case_notes": f"tab {i} notes ZQX{i}"})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        event.remove(Scorecard, "before_insert", both_insert_together)
        event.remove(db.engine, "before_cursor_execute", note_begin)
    codes = sorted(r.status_code for r in results)
    ok = 200 if endpoint == "autosave" else 302
    assert codes == [ok, 409], codes
    loser = next(i for i in range(2) if results[i].status_code == 409)
    body = results[loser].get_data(as_text=True)
    if endpoint == "autosave":
        assert results[loser].get_json()["error"] == "conflict"
    else:
        assert "saved somewhere else" in body and f"ZQX{loser}" in body
        assert 'name="lock_version" type="hidden" value="1"' in body  # save again works
    cards = db.session.scalars(select(Scorecard).where(
        Scorecard.interview_id == loop["interview"].id)).all()
    assert len(cards) == 1 and cards[0].case_notes == f"tab {1 - loser} notes ZQX{1 - loser}"


def test_error_page_renders_after_a_failed_flush(database_url):
    """The handler rolls back first: a failed flush must not crash the error page itself."""
    from tests.conftest import empty_database, make_app, make_people

    app = make_app(database_url)

    @app.get("/duplicate")
    def duplicate():
        from hiring.models import User
        db.session.add(User(email="admin@example.com", name="Twin", role="admin",
                            password_hash="x"))
        db.session.flush()  # IntegrityError, left unhandled on purpose
        return "unreachable"

    with app.app_context():
        make_people()
        client, _ = client_for(app, "admin")
        response = client.get("/duplicate")
        assert response.status_code == 500
        assert "Something went wrong" in response.get_data(as_text=True)
        assert "Users" in response.get_data(as_text=True)  # the navigation rendered
        assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 0
        empty_database()
