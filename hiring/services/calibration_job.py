"""Rater effects fitted in the background and stored, so a debrief reads a handful of rows
instead of rereading every past rating of its panel.

A fit reads the whole history once (all submitted ratings), calls the core's model
(`scoring.calibrate`, a pure function) and replaces the stored estimates with their fit
time. It runs after submissions and amendments (queued after the commit; requests that
arrive while one is waiting collapse into it) and on demand (`flask calibration fit`, e.g.
from cron).
"""

from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import bindparam, delete, select

from ..core import scoring
from ..extensions import db
from ..models import Interview, RaterEstimate, Scorecard, ScorecardRating, User
from ..models.base import utcnow

JOB_ID = "hiring-calibration-fit"


def full_history() -> list[scoring.PastRating]:
    rows = db.session.execute(
        select(Scorecard.author_id, Interview.candidate_id, ScorecardRating.dimension_id,
               ScorecardRating.rating, Scorecard.id)
        .join(Scorecard, ScorecardRating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == "submitted", ScorecardRating.rating.is_not(None),
               Scorecard.author_id == Interview.interviewer_id)
    ).all()
    return [scoring.PastRating(*row) for row in rows]


def fit() -> int:
    """Fit on the whole history and store the estimates (one transaction). Returns how
    many interviewers have an estimate."""
    history = full_history()
    ids = sorted({p.interviewer_id for p in history})
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) \
        if ids else {}
    # The stored fit is for every requisition: everyone, whatever their evidence; each
    # debrief applies its own requisition's minimum and labels when it reads them.
    estimates = scoring.calibrate(history, names, scoring.Settings(), everyone=True)
    now = utcnow()
    db.session.execute(delete(RaterEstimate))
    db.session.add_all(RaterEstimate(
        interviewer_id=e.interviewer_id, deviation=float(e.deviation), tendency=e.tendency,
        compared=e.compared, scorecards=e.scorecards, uncertainty=float(e.uncertainty),
        extra={}, fitted_at=now) for e in estimates)
    db.session.commit()
    from .agreement_stats import refresh_stale
    from .calibration import refresh_stale_reports

    refresh_stale()  # the same trigger (a scorecard changed) makes agreement figures stale
    refresh_stale_reports()  # and the viewers' calibration reports (or a decision did)
    return len(estimates)


# The columns, not RaterEstimate objects, in a statement built once: the debrief asks on
# every view, and building the statement (and its cache key) cost more than running it.
_ESTIMATES = (select(RaterEstimate.interviewer_id, RaterEstimate.scorecards,
                     RaterEstimate.deviation, RaterEstimate.compared, RaterEstimate.uncertainty)
              .where(RaterEstimate.interviewer_id.in_(bindparam("ids", expanding=True)))
              .order_by(RaterEstimate.interviewer_id))


def estimates_for(interviewer_ids: list[int], names: dict[int, str],
                  settings: scoring.Settings, everyone: bool = False) -> list:
    """The stored estimates of these interviewers as the core's Calibration, sorted by id,
    labelled with `settings` (the stored label used the defaults); like `calibrate`, only
    those with enough compared ratings unless `everyone`. One query."""
    from ..core.calibration import tendency_of

    if not interviewer_ids:
        return []
    rows = db.session.execute(_ESTIMATES, {"ids": list(interviewer_ids)}).all()
    return [scoring.Calibration(
        interviewer_id=row.interviewer_id, interviewer=names.get(row.interviewer_id, ""),
        scorecards=row.scorecards or 0, deviation=row.deviation, compared=row.compared or 0,
        uncertainty=row.uncertainty or 0.0,
        tendency=tendency_of(row.deviation, row.compared or 0, row.uncertainty or 0.0,
                             settings))
        for row in rows if everyone or (row.compared or 0) >= settings.calibration_min_compared]


# when the stored fit was made (every row of one fit has the same time); NULL: no fit stored
LAST_FIT = select(RaterEstimate.fitted_at).limit(1)


def last_fit():
    return db.session.scalar(LAST_FIT)


# ---------------------------------------------------------------- queueing

_waiting = threading.Event()
_lock = threading.Lock()


def request_fit() -> None:
    """After a commit: queue one fit (no SQL here). Several requests while one is waiting
    become one fit."""
    from ..packets.queue import mode, redis_queue

    if mode() == "off":
        return
    queue = redis_queue()
    if queue is not None:
        job = queue.fetch_job(JOB_ID)
        if job is not None and job.get_status(refresh=True) == "queued":
            return
        queue.enqueue("hiring.services.calibration_job.fit_job", job_id=JOB_ID,
                      result_ttl=600, failure_ttl=86400)
        return
    with _lock:
        if _waiting.is_set():
            return
        _waiting.set()
    from ..packets.queue import _pending, _thread_pool

    app = current_app._get_current_object()
    _pending.append(_thread_pool().submit(_fit_in_app, app))


def _fit_in_app(app) -> int:
    with app.app_context():
        _waiting.clear()  # a submission from now on asks for another fit
        try:
            return fit()
        finally:
            db.session.remove()


def fit_job() -> int:
    """RQ entry point."""
    from flask import has_app_context

    if has_app_context():
        try:
            return fit()
        finally:
            db.session.remove()
    from .. import create_app

    with create_app().app_context():
        return fit()
