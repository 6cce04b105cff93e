"""Packets rendered in the background once a candidate's scorecards are all in: on RQ with
the real redis-server, and on the in-process thread without Redis. The download then
serves the file without building the debrief."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event

from hiring.extensions import db
from hiring.models import PacketRender, Scorecard
from hiring.services.scorecards import ScorecardInput, amend, get_or_create, save
from tests.access import client_for
from tests.conftest import empty_database, make_app, require_redis

REDIS_URL = "redis://127.0.0.1:6379/13"
EVIDENCE = "Walked through a concrete incident review with metrics and follow-ups."


def redis_or_skip():
    require_redis(REDIS_URL)


@pytest.fixture(params=["rq", "thread"])
def app(request, database_url, tmp_path):
    if request.param == "rq":
        redis_or_skip()
    queue = f"hiring-test-{uuid.uuid4().hex}"
    app = make_app(database_url, BACKGROUND_JOBS=request.param, REDIS_URL=REDIS_URL,
                   PACKET_QUEUE_NAME=queue, PACKET_CACHE_DIR=str(tmp_path / "packets"),
                   PDF_RENDER_TIMEOUT=300)  # the queue is under test, not the time limit
    with app.app_context():
        yield app
        _drain()
        empty_database()
    if request.param == "rq":
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


def _drain() -> None:
    """Leave no in-process job running into the next test."""
    from hiring.packets.queue import wait_for_background

    db.session.commit()
    # the test that queued a failing job has reported on it already
    with contextlib.suppress(Exception):
        wait_for_background()


@contextlib.contextmanager
def background_held(app):
    """Within the block, queued work waits: the one packet thread is kept busy until the
    block ends, so the test sees a queued packet as queued however fast the render is. (RQ
    jobs run only in run_background.)"""
    if app.config["BACKGROUND_JOBS"] != "thread":
        yield
        return
    from hiring.packets.queue import _thread_pool

    gate = threading.Event()
    _thread_pool().submit(gate.wait, 60)
    try:
        yield
    finally:
        gate.set()


def run_background(app) -> None:
    """Let the queued work run: an RQ SimpleWorker in burst mode against the real Redis
    (in its own app context, as `flask packets worker` runs), or the in-process thread."""
    if app.config["BACKGROUND_JOBS"] == "rq":
        from redis import Redis
        from rq import Queue, SimpleWorker

        connection = Redis.from_url(REDIS_URL)
        queue = Queue(app.config["PACKET_QUEUE_NAME"], connection=connection)
        db.session.commit()
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
    else:
        from hiring.packets.queue import wait_for_background

        db.session.commit()
        wait_for_background()
    db.session.expire_all()


def submit(interview, author, rating=3):
    card = get_or_create(interview, author)
    save(card, ScorecardInput(ratings={d.id: (rating, EVIDENCE) for d in interview.focus},
                              overall=3), card.lock_version, submit=True)
    return card


def state(candidate_id):
    """The packet's state, read in a transaction that ends at once (on SQLite the test's
    own transaction would otherwise hold the write lock the background job needs)."""
    from types import SimpleNamespace

    db.session.expire_all()
    row = db.session.get(PacketRender, candidate_id)
    copy = None if row is None else SimpleNamespace(**{
        c.key: getattr(row, c.key) for c in PacketRender.__table__.columns})
    db.session.commit()
    return copy


def test_packet_rendered_when_all_scorecards_are_in_and_served_without_a_debrief(
        app, people, loop):
    candidate = loop["candidate"]
    submit(loop["interview"], people["interviewer"])
    submit(loop["hm_interview"], people["hiring_manager"])
    assert state(candidate.id) is None  # iv2's scorecard is still missing
    with background_held(app):
        card = submit(loop["spare"], people["interviewer2"])
        row = state(candidate.id)
        assert (row.state, row.generation) == ("queued", 1)

    run_background(app)
    row = state(candidate.id)
    assert (row.state, row.ready_generation) == ("ready", 1), row.error
    path = app.config["PACKET_CACHE_DIR"] + "/" + row.file_name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = Path(path).read_bytes()

    hm, _ = client_for(app, "hiring_manager")
    page = hm.get(f"/candidates/{candidate.id}/debrief").get_data(as_text=True)
    assert "PDF packet ready" in page
    tables: list[str] = []

    def watch(conn, cursor, statement, *args):
        tables.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        response = hm.get(f"/candidates/{candidate.id}/packet.pdf")
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert response.status_code == 200 and response.data == stored
    assert not any("scorecard_rating" in s for s in tables), "a cache hit built a debrief"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(stored)).pages)
    assert "Casey Candidate" in text

    # an amendment re-renders: a new generation, the old file removed once the new is ready
    card = db.session.get(Scorecard, card.id)
    with background_held(app):
        amend(card, ScorecardInput(ratings={d.id: (1, EVIDENCE) for d in loop["spare"].focus}
                                   or {loop["template"].dimensions[0].id: (1, EVIDENCE)},
                                   overall=1), "Corrected", people["interviewer2"],
              card.lock_version)
        row = state(candidate.id)
        assert (row.generation, row.ready_generation) == (2, 1)
        assert row.state in ("queued", "rendering")  # the thread may have started already
        # while the new one is pending the old file is not served (it is out of date)
        fresh = hm.get(f"/candidates/{candidate.id}/packet.pdf")
        assert fresh.status_code == 200 and fresh.data != stored
    run_background(app)
    row = state(candidate.id)
    assert (row.state, row.ready_generation) == ("ready", 2)
    assert not os.path.exists(path)


def test_blind_user_gets_no_packet_even_when_ready(app, people, loop):
    candidate = loop["candidate"]
    for key, who in (("interview", "interviewer"), ("spare", "interviewer2")):
        submit(loop[key], people[who])
    # hm@ has not submitted: not all in, nothing rendered; render one anyway (as an older
    # complete loop would have left behind)
    from hiring.packets.queue import enqueue

    db.session.add(PacketRender(candidate_id=candidate.id, generation=1, state="queued"))
    db.session.commit()
    enqueue(candidate.id, 1)
    run_background(app)
    assert state(candidate.id).state == "ready"
    hm, _ = client_for(app, "hiring_manager")
    assert hm.get(f"/candidates/{candidate.id}/packet.pdf").status_code == 403
    iv, _ = client_for(app, "interviewer")
    assert iv.get(f"/candidates/{loop['other_candidate'].id}/packet.pdf").status_code == 404


def test_a_stale_job_never_overwrites_a_newer_request(app, people, loop):
    from hiring.services.packet_render import render_in_app

    candidate_id = loop["candidate"].id
    db.session.add(PacketRender(candidate_id=candidate_id, generation=2, state="queued"))
    db.session.commit()
    with app.app_context():
        assert render_in_app(candidate_id, 1) == "superseded"
    row = state(candidate_id)
    assert (row.state, row.ready_generation, row.file_name) == ("queued", None, None)
