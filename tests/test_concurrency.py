"""8 processes x 25 scorecard submissions at once: every one lands, none fails.

The workers line up at a barrier and start saving together, all for the same candidates in
the same order (each candidate's score snapshot and the requisition's agreement figure are
rewritten by every save), and the test checks that all eight were saving at the same time."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hiring.auth.passwords import hash_password
from hiring.extensions import db
from hiring.models import (
    Candidate,
    Interview,
    Requisition,
    Scorecard,
    ScorecardRating,
    ScoreSnapshot,
    User,
)
from hiring.services.blueprints import store_blueprint
from hiring.services.debrief import build_debrief, load_candidate
from hiring.services.snapshots import values_of
from tests.concurrency_worker import submit_all, wait_for_the_others
from tests.conftest import seed_blueprint

PROCESSES, PER_PROCESS = 8, 25
EVIDENCE = "Concrete, specific evidence written by the interviewer after the loop."


@pytest.mark.slow
def test_concurrent_submissions_lose_nothing(app, database_url):
    template = store_blueprint(seed_blueprint("software-engineering-manager.json")).template
    interviewers = [User(email=f"load{i}@example.com", name=f"Load {i}", role="interviewer",
                         password_hash=hash_password("x" * 12)) for i in range(PROCESSES)]
    manager = User(email="loadhm@example.com", name="Load HM", role="hiring_manager",
                   password_hash=hash_password("x" * 12))
    requisition = Requisition(title="Load", template=template, hiring_manager=manager)
    db.session.add_all([*interviewers, manager, requisition])
    when = datetime(2026, 11, 1, tzinfo=UTC)
    for c in range(PER_PROCESS):
        candidate = Candidate(requisition=requisition, name=f"Candidate {c}")
        for i, interviewer in enumerate(interviewers):
            db.session.add(Interview(candidate=candidate, interviewer=interviewer,
                                     kind="technical", scheduled_at=when,
                                     focus=[template.dimensions[i % 6]]))
    db.session.commit()
    emails = [u.email for u in interviewers]
    db.session.commit()  # hold no transaction (on SQLite, no lock) while the workers run

    # Fresh processes (no state inherited from the test), forked from a server that imported
    # the app once, instead of eight interpreters each importing it again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.conftest", "tests.concurrency_worker"])
    with ProcessPoolExecutor(PROCESSES, mp_context=context, initializer=wait_for_the_others,
                             initargs=(context.Barrier(PROCESSES),)) as pool:
        futures = [pool.submit(submit_all, database_url, email, EVIDENCE) for email in emails]
        results = [f.result(timeout=240) for f in futures]

    errors = [e for r in results for e in r["errors"]]
    assert errors == []
    # real contention: the last worker to start began before the first one finished
    assert max(r["started"] for r in results) < min(r["finished"] for r in results)
    assert sum(r["done"] for r in results) == PROCESSES * PER_PROCESS
    submitted = db.session.scalar(select(func.count()).select_from(Scorecard)
                                  .where(Scorecard.status == "submitted"))
    assert submitted == PROCESSES * PER_PROCESS
    assert db.session.scalar(select(func.count()).select_from(ScorecardRating)) \
        == PROCESSES * PER_PROCESS  # one focus dimension per interview
    # every candidate's stored score counts all eight scorecards: a refresh that waited for
    # another writer's lock read what that writer committed (else the last one stored would
    # miss it). Compared with the debrief computed now, by the page's own loading path.
    for candidate_id in db.session.scalars(select(Candidate.id)):
        stored = db.session.get(ScoreSnapshot, candidate_id)
        fresh = build_debrief(load_candidate(candidate_id), with_calibration=False).result
        assert stored.submitted == PROCESSES
        assert {k: v for k, v in values_of(fresh).items()} == {
            k: getattr(stored, k) for k in values_of(fresh)}
