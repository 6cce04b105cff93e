"""Helpers for tests of two transactions at once on PostgreSQL: the second runs in a thread
and the test waits until the database reports it waiting for a lock, so the interleaving is
real (not assumed from timing)."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from hiring.extensions import db


def waiting_for_a_lock(engine, count: int = 1, seconds: float = 30.0) -> None:
    """Until `count` sessions of this database wait for a lock (the interleaving is real)."""
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        with engine.connect() as conn:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
        if waiting >= count:
            return
        time.sleep(0.02)
    raise AssertionError("nobody waited for the lock")


def in_thread(target):
    """Run `target` in a thread; returns (thread, errors): join, then check errors."""
    errors: list[BaseException] = []

    def run():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def elsewhere(app, change, *args):
    """`change(*args)` in another request's transaction (own app context and session),
    committed, in a thread: it may have to wait for a lock this one holds. (thread, errors),
    as in_thread."""
    def run():
        with app.app_context():
            change(*args)
            db.session.commit()

    return in_thread(run)


def in_another_session(change, *args):
    """`change(*args)` in a second session of this thread, left uncommitted: returns it."""
    main, second = db.session(), db.session.session_factory()
    db.session.registry.set(second)
    try:
        change(*args)
    finally:
        db.session.registry.set(main)
    return second


def while_held(database_url: str, held, request):
    """Run `request()` in a thread while `held` (another session, not committed, holding
    locks) stays open; once the request waits for one of its locks (checked), commit
    `held`. Returns what the request returned."""
    other = sa.create_engine(database_url)
    results = []
    thread, errors = in_thread(lambda: results.append(request()))
    try:
        waiting_for_a_lock(other)
        held.commit()
    finally:
        held.close()
        thread.join(30)
        other.dispose()
    assert not thread.is_alive() and errors == []
    return results[0]


def holding(database_url: str, lock_sql: str, params: dict, first, second) -> None:
    """Hold a lock (`lock_sql` in a transaction of its own); start `first`, then `second`,
    each seen waiting for a lock; release: `first` goes on (it queued first), `second`
    after or meanwhile."""
    other = sa.create_engine(database_url)
    holder = other.connect()
    threads = []
    try:
        tx = holder.begin()
        holder.execute(sa.text(lock_sql), params)
        threads.append(in_thread(first))
        waiting_for_a_lock(other, 1)
        threads.append(in_thread(second))
        waiting_for_a_lock(other, 2)
        tx.rollback()
    finally:
        for thread, _ in threads:
            thread.join(60)
        holder.close()
        other.dispose()
    for thread, errors in threads:
        assert not thread.is_alive() and errors == []


def holding_candidate(database_url: str, candidate_id: int, first, second) -> None:
    """`holding` the candidate's row lock."""
    holding(database_url, "SELECT id FROM candidate WHERE id = :id FOR UPDATE",
            {"id": candidate_id}, first, second)


def overlap(app, database_url: str, change, *args) -> None:
    """One transaction runs `change(*args)` and has not committed; another request runs it
    meanwhile (it must wait for the first's lock: checked), then the first commits."""
    second = in_another_session(change, *args)
    other = sa.create_engine(database_url)
    thread, errors = elsewhere(app, change, *args)
    try:
        waiting_for_a_lock(other)
        second.commit()
    finally:
        second.close()
        thread.join(30)
        other.dispose()
    assert not thread.is_alive() and errors == []
