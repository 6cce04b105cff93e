"""The interviewer calibration report: rater effects fitted over the history the viewer may
see, and how often each interviewer's vote matched the final decision.

The policy decides which candidates' feedback enters the fit (`feedback_visible`, the SQL
twin of the debrief's rule): a hiring manager's report uses the candidates of their
requisitions, an interviewer's only candidates they interviewed (and they see only their
own row), nobody's report uses a candidate on which they still owe a scorecard. Settings are
the defaults: calibration spans requisitions.

Cost: fitting over everything a viewer may see takes seconds at thousands of candidates, so
each viewer's report is stored (models.CalibrationReport) with the scope it was fitted on,
and the page reads it while that scope still holds: the same role, the same requisitions
managed, the same number of interviews, and no candidate owed now that was not owed then
(so nothing the viewer is now blind to is in it). New feedback or a decision marks the
stored reports stale; the background fit (calibration_job.fit) refits them. A first view, or
one after the scope changed, fits on the spot and stores the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import scoring
from ..core.vocabulary import FINAL_OUTCOMES, Outcome, UserRole, Vote
from ..extensions import db
from ..models import (
    CalibrationReport,
    Candidate,
    Decision,
    Interview,
    RaterEstimate,
    Requisition,
    Scorecard,
    ScorecardRating,
    User,
)
from ..models.base import utcnow
from ..policy_rules import blind_candidate_ids, feedback_visible
from .transaction import release, transaction

SETTINGS = scoring.Settings()


@dataclass(frozen=True)
class Row:
    calibration: scoring.Calibration
    votes: int  # votes on candidates with a hire / no-hire decision
    matched: int  # of those, votes on the side of the decision

    @property
    def matched_shown(self) -> str:
        if not self.votes:
            return "no decided candidates yet"
        return f"{self.matched} of {self.votes} ({scoring.show_percent(self.matched, self.votes)})"


@dataclass(frozen=True)
class Report:
    rows: list[Row]
    settings: scoring.Settings
    candidates: int  # candidates whose ratings entered the fit
    own_only: bool
    computed_at: datetime | None = None  # when the stored report was fitted
    stale: bool = False  # feedback or a decision came in since; a refit is queued


# a submitted scorecard by the interview's own interviewer: what the debrief counts
_MINE = (Scorecard.status == "submitted", Scorecard.author_id == Interview.interviewer_id)


def _history(visible) -> list[scoring.PastRating]:
    return [scoring.PastRating(*row) for row in db.session.execute(
        select(Scorecard.author_id, Interview.candidate_id, ScorecardRating.dimension_id,
               ScorecardRating.rating, Scorecard.id)
        .join(Scorecard, ScorecardRating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(*_MINE, ScorecardRating.rating.is_not(None),
               Interview.candidate_id.in_(visible)))]


def _votes(visible=None) -> dict[int, tuple[int, int]]:
    """Interviewer id -> (votes on candidates decided Hire or No hire, of those on the side
    of the decision), over the candidates `visible` selects (all when None)."""
    latest = (select(Decision.decision).where(Decision.candidate_id == Interview.candidate_id)
              .order_by(Decision.id.desc()).limit(1).scalar_subquery())
    agreed = case(((Scorecard.overall >= int(Vote.YES)) == (latest == Outcome.HIRE.value), 1),
                  else_=0)
    query = (select(Scorecard.author_id, func.count(), func.sum(agreed))
             .join(Interview, Scorecard.interview_id == Interview.id)
             .where(*_MINE, latest.in_(FINAL_OUTCOMES), Scorecard.overall.is_not(None))
             .group_by(Scorecard.author_id))
    if visible is not None:
        query = query.where(Interview.candidate_id.in_(visible))
    return {author: (int(count), int(matched or 0))
            for author, count, matched in db.session.execute(query)}


def _candidate_count(visible=None) -> int:
    """Candidates with a submitted scorecard, among those `visible` selects."""
    query = (select(func.count(func.distinct(Interview.candidate_id)))
             .join(Scorecard, Scorecard.interview_id == Interview.id)
             .where(Scorecard.status == "submitted"))
    if visible is not None:
        query = query.where(Interview.candidate_id.in_(visible))
    return db.session.scalar(query) or 0


def _names(ids) -> dict[int, str]:
    """User id -> name, for a collection of ids or a select of them."""
    if isinstance(ids, list | set) and not ids:
        return {}
    return {user_id: name for user_id, name in db.session.execute(
        select(User.id, User.name).where(User.id.in_(ids)))}


def _report(fitted: list[scoring.Calibration], votes: dict, candidates: int, own_only: bool,
            **stored) -> Report:
    rows = [Row(c, *votes.get(c.interviewer_id, (0, 0))) for c in fitted]
    rows.sort(key=lambda r: (-abs(r.calibration.deviation), r.calibration.interviewer))
    return Report(rows=rows, settings=SETTINGS, candidates=candidates, own_only=own_only,
                  **stored)


def _fit_report(viewer, blind: list[int]) -> Report:
    """Fit the viewer's report now: their visible history, read in three queries, then the
    fit with no transaction open (it takes seconds at thousands of candidates).

    `blind` is the scope's list of candidates the viewer owed a scorecard on, read before:
    they are left out explicitly, whatever the fit's own queries see. On PostgreSQL each
    statement sees what committed before it, so a submission committed between the scope's
    read and the fit's would otherwise let a candidate into the fit that the stored scope
    says was left out, and a later view owing it again would be shown the report."""
    from .calibration_job import estimates_for, last_fit
    from .debrief import blind_anywhere

    if viewer.role == UserRole.ADMIN and not blind and not blind_anywhere(viewer.id) \
            and last_fit() is not None:
        # an admin who owes no scorecard may see every candidate: the stored fit over the
        # whole history is their fit (tests check it equals fitting on the spot)
        votes, candidates = _votes(), _candidate_count()
        names = _names(select(RaterEstimate.interviewer_id))
        return _report(estimates_for(sorted(names), names, SETTINGS, everyone=True), votes,
                       candidates, own_only=False)
    visible = select(Candidate.id).where(feedback_visible(viewer), Candidate.id.not_in(blind))
    history, votes, candidates = _history(visible), _votes(visible), _candidate_count(visible)
    own_only = viewer.role == UserRole.INTERVIEWER
    people = {i for i in {p.interviewer_id for p in history} | set(votes)
              if not own_only or i == viewer.id}
    names = _names(people)
    release()  # hold no transaction (on SQLite, possibly the write lock) during the fit
    return _report(scoring.calibrate(history, names, SETTINGS, everyone=True), votes,
                   candidates, own_only)


def _scope(viewer) -> dict:
    """What decides which candidates enter the viewer's report (see the module's doc)."""
    managed = db.session.scalars(select(Requisition.id).where(
        Requisition.hiring_manager_id == viewer.id).order_by(Requisition.id)).all() \
        if viewer.role == UserRole.HIRING_MANAGER else []
    interviews = db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.interviewer_id == viewer.id))
    blind = sorted(set(db.session.scalars(blind_candidate_ids(viewer))))
    return {"role": str(viewer.role), "requisitions": list(managed),
            "interviews": interviews, "blind": blind}


def _still_holds(stored: dict, now: dict) -> bool:
    """The stored report may be shown: the same scope, and every candidate owed now was
    already owed (so left out) when it was fitted. Owing fewer now only means the report
    leaves out more than it must until the next refit."""
    same = all(stored.get(k) == now[k] for k in ("role", "requisitions", "interviews"))
    return same and set(now["blind"]) <= set(stored.get("blind", []))


def _from_stored(stored: CalibrationReport) -> Report:
    from ..core.calibration import tendency_of

    names = _names([r["interviewer_id"] for r in stored.rows])
    fitted = [scoring.Calibration(
        interviewer_id=r["interviewer_id"], interviewer=names.get(r["interviewer_id"], ""),
        scorecards=r["scorecards"], deviation=r["deviation"], compared=r["compared"],
        uncertainty=r["uncertainty"],
        tendency=tendency_of(r["deviation"], r["compared"], r["uncertainty"], SETTINGS))
        for r in stored.rows]
    votes = {r["interviewer_id"]: (r["votes"], r["matched"]) for r in stored.rows}
    return _report(fitted, votes, stored.candidates, stored.own_only,
                   computed_at=stored.computed_at, stale=stored.stale)


def _store(viewer_id: int, scope: dict, report: Report) -> datetime:
    """Write the viewer's report (one transaction); returns its time. A new report is
    stored fresh; an existing one keeps its `stale` mark: feedback that came in while this
    fit ran marked it, and the refit that feedback queued must still find it."""
    now = utcnow()
    values = {"computed_at": now, "scope": scope,
              "candidates": report.candidates, "own_only": report.own_only,
              "rows": [{"interviewer_id": r.calibration.interviewer_id,
                        "scorecards": r.calibration.scorecards,
                        "deviation": float(r.calibration.deviation),
                        "compared": r.calibration.compared,
                        "uncertainty": float(r.calibration.uncertainty),
                        "votes": r.votes, "matched": r.matched} for r in report.rows]}
    try:
        with transaction() as session:
            stored = session.get(CalibrationReport, viewer_id)
            if stored is None:
                session.add(CalibrationReport(viewer_id=viewer_id, stale=False, **values))
            else:
                for key, value in values.items():
                    setattr(stored, key, value)
    except IntegrityError:
        pass  # another request stored this viewer's report at the same moment: keep it
    return now


def calibration_report(viewer) -> Report:
    """The viewer's report: the stored one while its scope holds, else fitted now (and
    stored for the next view)."""
    scope = _scope(viewer)
    stored = db.session.get(CalibrationReport, viewer.id)
    if stored is not None and _still_holds(stored.scope, scope):
        return _from_stored(stored)
    report = _fit_report(viewer, scope["blind"])
    return replace(report, computed_at=_store(viewer.id, scope, report))


def mark_reports_stale() -> None:
    """New feedback or a decision: every stored report may be out of date (inside the
    caller's transaction; the background fit refits them)."""
    db.session.execute(update(CalibrationReport).where(CalibrationReport.stale.is_(False))
                       .values(stale=True))


def claim_stale_report(viewer_id: int) -> None:
    """Take the viewer's report off the stale list before refitting it (committed), so
    that feedback arriving during the refit marks it stale again for the next one."""
    with transaction() as session:
        session.execute(update(CalibrationReport).where(
            CalibrationReport.viewer_id == viewer_id).values(stale=False))


def refit_report(viewer_id: int) -> None:
    viewer = db.session.get(User, viewer_id)
    scope = _scope(viewer)
    _store(viewer_id, scope, _fit_report(viewer, scope["blind"]))


def refresh_stale_reports() -> int:
    """Refit every stale stored report, one viewer at a time (the background job, after
    the rater effects). Returns how many were refitted."""
    ids = db.session.scalars(select(CalibrationReport.viewer_id).where(
        CalibrationReport.stale).order_by(CalibrationReport.viewer_id)).all()
    for viewer_id in ids:
        claim_stale_report(viewer_id)
        refit_report(viewer_id)
    return len(ids)
