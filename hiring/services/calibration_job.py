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
from dataclasses import fields

from flask import current_app
from sqlalchemy import delete, select

from ..core import scoring
from ..extensions import db
from ..models import Interview, RaterEstimate, Scorecard, ScorecardRating, User
from ..models.base import utcnow

JOB_ID = "hiring-calibration-fit"
KNOWN = {"interviewer_id", "deviation", "tendency", "compared", "scorecards", "uncertainty",
         "interviewer"}


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


def _plain(value):
    """A JSON-storable form of an attribute the model reports beyond the known ones."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _number(value) -> float | None:
    return None if value is None else float(value)


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
    for e in estimates:
        extra = {k: _plain(v) for k, v in vars(e).items() if k not in KNOWN} \
            if hasattr(e, "__dict__") else {}
        if not extra and hasattr(e, "__dataclass_fields__"):
            extra = {f.name: _plain(getattr(e, f.name)) for f in fields(e)
                     if f.name not in KNOWN}
        db.session.add(RaterEstimate(
            interviewer_id=e.interviewer_id, deviation=float(e.deviation),
            tendency=str(getattr(e, "tendency", "") or ""),
            compared=getattr(e, "compared", None), scorecards=getattr(e, "scorecards", None),
            uncertainty=_number(getattr(e, "uncertainty", None)), extra=extra,
            fitted_at=now))
    db.session.commit()
    from .agreement_stats import refresh_stale

    refresh_stale()  # the same trigger (a scorecard changed) makes agreement figures stale
    return len(estimates)


def estimates_for(interviewer_ids: list[int], names: dict[int, str],
                  settings: scoring.Settings) -> list:
    """The stored estimates of these interviewers, as the core's calibration objects (only
    the fields the core's class declares), one query."""
    if not interviewer_ids:
        return []
    rows = db.session.scalars(select(RaterEstimate).where(
        RaterEstimate.interviewer_id.in_(interviewer_ids))
        .order_by(RaterEstimate.interviewer_id)).all()
    declared = {f.name for f in fields(scoring.Calibration)}
    minimum = getattr(settings, "calibration_min_compared", 0)
    result = []
    for row in rows:
        if (row.compared or 0) < minimum:
            continue
        values = {**(row.extra or {}), "interviewer_id": row.interviewer_id,
                  "interviewer": names.get(row.interviewer_id, ""),
                  "deviation": row.deviation, "compared": row.compared,
                  "scorecards": row.scorecards, "uncertainty": row.uncertainty,
                  "tendency": _tendency(row, settings)}
        result.append(scoring.Calibration(**{k: v for k, v in values.items()
                                             if k in declared}))
    return result


def _tendency(row: RaterEstimate, settings: scoring.Settings) -> str:
    """Labelled with this requisition's settings (the stored label used the defaults)."""
    try:
        from ..core.calibration import tendency_of
    except ImportError:  # an older core without it: the stored label
        return row.tendency
    return tendency_of(row.deviation, row.compared or 0, row.uncertainty or 0.0, settings)


def last_fit():
    return db.session.scalar(select(RaterEstimate.fitted_at).limit(1))


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
