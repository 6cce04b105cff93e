"""The interviewer calibration report: rater effects fitted over the history the viewer may
see, and how often each interviewer's vote matched the final decision.

The policy decides, candidate by candidate, whose feedback enters the fit: a hiring manager's
report uses the candidates of their requisitions, an interviewer's only candidates they have
submitted on (and they see only their own row), nobody's report uses a candidate on which
they still owe a scorecard. Settings are the defaults: calibration spans requisitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core import scoring
from ..core.vocabulary import FINAL_OUTCOMES, Outcome, UserRole, Vote
from ..extensions import db
from ..models import Candidate, Interview, Scorecard, User
from ..policy import can


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


def _visible_candidates(viewer) -> list[Candidate]:
    candidates = db.session.scalars(
        select(Candidate).join(Interview, Interview.candidate_id == Candidate.id)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == "submitted").distinct()
        .options(joinedload(Candidate.requisition), selectinload(Candidate.decisions),
                 selectinload(Candidate.interviews).selectinload(Interview.scorecards)
                 .selectinload(Scorecard.ratings))
    ).unique().all()
    return [c for c in candidates if can(viewer, "debriefs.view", c)]


def _stored_report(settings: scoring.Settings) -> Report | None:
    """An admin who owes no scorecard anywhere may see every candidate: their report is the
    stored fit over the whole history (services/calibration_job.py) plus one grouped query
    for the votes, so its cost does not grow with the history. None: no fit stored yet."""
    from sqlalchemy import case, func

    from ..models import Decision, RaterEstimate
    from .calibration_job import last_fit

    if last_fit() is None:
        return None
    latest = (select(Decision.decision).where(Decision.candidate_id == Interview.candidate_id)
              .order_by(Decision.id.desc()).limit(1).scalar_subquery())
    mine = (Scorecard.status == "submitted", Scorecard.author_id == Interview.interviewer_id)
    decided = latest.in_(FINAL_OUTCOMES)
    agreed = case(((Scorecard.overall >= int(Vote.YES)) == (latest == Outcome.HIRE.value), 1),
                  else_=0)
    votes = {author: (count, matched) for author, count, matched in db.session.execute(
        select(Scorecard.author_id, func.count(), func.sum(agreed))
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(*mine, decided, Scorecard.overall.is_not(None))
        .group_by(Scorecard.author_id))}
    candidates = db.session.scalar(
        select(func.count(func.distinct(Interview.candidate_id)))
        .join(Scorecard, Scorecard.interview_id == Interview.id).where(*mine))
    from .calibration_job import estimates_for

    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_(select(RaterEstimate.interviewer_id)))).all())
    rows = [Row(c, *(int(n or 0) for n in votes.get(c.interviewer_id, (0, 0))))
            for c in estimates_for(sorted(names), names, settings, everyone=True)]
    rows.sort(key=lambda r: (-abs(r.calibration.deviation), r.calibration.interviewer))
    return Report(rows=rows, settings=settings, candidates=candidates or 0, own_only=False)


def calibration_report(viewer) -> Report:
    settings = scoring.Settings()
    if viewer.role == UserRole.ADMIN:
        from .debrief import blind_anywhere

        stored = None if blind_anywhere(viewer.id) else _stored_report(settings)
        if stored is not None:
            return stored
    history: list[scoring.PastRating] = []
    votes: dict[int, list[bool]] = {}
    candidates = _visible_candidates(viewer)
    for candidate in candidates:
        decision = candidate.decision.decision if candidate.decision else None
        for interview in candidate.interviews:
            for card in interview.scorecards:
                if not (card.submitted and card.author_id == interview.interviewer_id):
                    continue
                history += [scoring.PastRating(card.author_id, candidate.id, r.dimension_id,
                                               r.rating, card.id)
                            for r in card.ratings if r.rating is not None]
                if decision in FINAL_OUTCOMES and card.overall:
                    votes.setdefault(card.author_id, []).append(
                        (card.overall >= Vote.YES) == (decision == Outcome.HIRE))
    own_only = viewer.role == UserRole.INTERVIEWER
    people = {i for i in {p.interviewer_id for p in history} | set(votes)
              if not own_only or i == viewer.id}
    names = {row.id: row.name for row in db.session.execute(
        select(User.id, User.name).where(User.id.in_(people)))} if people else {}
    fitted = scoring.calibrate(history, names, settings, everyone=True)
    rows = [Row(c, len(votes.get(c.interviewer_id, [])), sum(votes.get(c.interviewer_id, [])))
            for c in fitted]
    rows.sort(key=lambda r: (-abs(r.calibration.deviation), r.calibration.interviewer))
    return Report(rows=rows, settings=settings, candidates=len(candidates), own_only=own_only)
