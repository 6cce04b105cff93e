"""Packets rendered before anyone asks: a background job per candidate, on RQ when
REDIS_URL is set, else on one in-process thread (the embedded default).

The request to render is stored in the same transaction as the change that caused it
(PacketRender.generation grows); only after the commit is the job handed to the queue, so
a job always sees committed data and a rolled-back change queues nothing. A job that finds
a newer generation than its own does nothing: the newer job will render.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from sqlalchemy import exists, select, update

from ..database import insert_or_ignore
from ..extensions import db
from ..models import Candidate, Interview, PacketRender, own_scorecard_submitted
from ..models.base import utcnow

log = logging.getLogger(__name__)
QUEUE_NAME = "hiring-packets"
JOB_TIMEOUT = 300  # seconds; the renderer bounds itself well below this


def all_scorecards_in(candidate_id: int) -> bool:
    """Every interview of the candidate has its interviewer's submitted scorecard (and
    there is at least one interview)."""
    pending = db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id, ~own_scorecard_submitted())))
    any_interview = db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id)))
    return bool(any_interview) and not pending


def mark(candidate_id: int, only_if_complete: bool = True) -> int | None:
    """In the caller's transaction: a new generation of the candidate's packet is needed.
    Returns the generation to render, or None when the loop is not complete yet (the old
    file, if any, is stale from now on: downloads render fresh until a new one is ready).

    The generation grows in SQL under the row's lock, so two overlapping changes get two
    generations (computed from a value each had read, both got the same one, and the job of
    the first could file a packet without the second's change as current); the first row is
    inserted ignoring a concurrent first insert."""
    complete = all_scorecards_in(candidate_id)
    bump = (update(PacketRender).where(PacketRender.candidate_id == candidate_id)
            .values(generation=PacketRender.generation + 1,
                    state="queued" if complete else "waiting", error="",
                    updated_at=utcnow())
            .returning(PacketRender.generation)
            .execution_options(synchronize_session="fetch"))
    generation = db.session.execute(bump).scalar_one_or_none()
    if generation is None:
        if only_if_complete and not complete:
            return None
        insert_or_ignore(db.session, PacketRender, candidate_id=candidate_id, generation=0,
                         state="waiting", error="", updated_at=utcnow())
        generation = db.session.execute(bump).scalar_one()
    return generation if complete else None


def request_render(candidate_id: int, only_if_complete: bool = True) -> None:
    """Mark now, enqueue after the commit."""
    from ..services.derived_work import _Task, after_commit

    generation = mark(candidate_id, only_if_complete)
    if generation is not None:
        after_commit(_Task(enqueue, candidate_id, generation))


def rerender_requisition(requisition_id: int) -> None:
    """Weights or settings changed: every packet already made for the requisition."""
    ids = db.session.scalars(select(PacketRender.candidate_id).join(
        Candidate, Candidate.id == PacketRender.candidate_id).where(
        Candidate.requisition_id == requisition_id)).all()
    for candidate_id in ids:
        request_render(candidate_id, only_if_complete=False)


# ---------------------------------------------------------------- dispatch


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending: list = []


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # one thread: renders are CPU-bound, and a web worker must keep serving
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="packets")
        return _executor


def mode() -> str:
    return current_app.config.get("BACKGROUND_JOBS") or "thread"


def redis_queue():
    """The RQ queue (mode "rq", REDIS_URL set), or None."""
    url = current_app.config.get("REDIS_URL")
    if mode() != "rq" or not url:
        return None
    from redis import Redis
    from rq import Queue

    return Queue(current_app.config.get("PACKET_QUEUE_NAME") or QUEUE_NAME,
                 connection=Redis.from_url(url))


def enqueue(candidate_id: int, generation: int) -> None:
    """Hand the job over: no SQL here (it runs right after a commit)."""
    if mode() == "off":
        return
    queue = redis_queue()
    if queue is not None:
        queue.enqueue("hiring.services.packet_render.render_packet", candidate_id, generation,
                      job_timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=86400)
        return
    app = current_app._get_current_object()
    future = _thread_pool().submit(_in_app, app, candidate_id, generation)
    _pending.append(future)


def _in_app(app, candidate_id: int, generation: int) -> str:
    from ..services.packet_render import render_in_app

    with app.app_context():
        return render_in_app(candidate_id, generation)


def wait_for_background(timeout: float = 120) -> None:
    """Block until the in-process renders queued so far are done (tests, CLI)."""
    while _pending:
        _pending.pop(0).result(timeout=timeout)
