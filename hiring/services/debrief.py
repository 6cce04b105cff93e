"""Load everything a debrief shows in a fixed number of queries, and score it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..core import scoring
from ..extensions import db
from ..models import (
    Candidate,
    Decision,
    Interview,
    Requisition,
    Scorecard,
    ScorecardAmendment,
    ScorecardRating,
    ScorecardRedFlag,
    ScorecardSignal,
    TemplateVersion,
    User,
)

SETTING_NAMES = {f.name for f in fields(scoring.Settings)}


def settings_for(requisition: Requisition) -> scoring.Settings:
    stored = {k: v for k, v in (requisition.settings or {}).items() if k in SETTING_NAMES}
    return scoring.Settings(**stored)


def _scorecard_options():
    return (
        joinedload(Scorecard.author),
        joinedload(Scorecard.amendments).joinedload(ScorecardAmendment.author),
        selectinload(Scorecard.ratings),
        selectinload(Scorecard.signals).joinedload(ScorecardSignal.signal),
        selectinload(Scorecard.red_flags).joinedload(ScorecardRedFlag.signal),
    )


# Built once: a statement object memoises its cache key, and building these loader options
# and their key again on every request was about a sixth of the debrief's loading time.
_CANDIDATE_FOR_DEBRIEF = select(Candidate).where(
    Candidate.id == bindparam("candidate_id")).options(
    joinedload(Candidate.requisition).joinedload(Requisition.template)
    .joinedload(TemplateVersion.role),
    joinedload(Candidate.requisition).joinedload(Requisition.hiring_manager),
    joinedload(Candidate.requisition).joinedload(Requisition.weight_changes),
    joinedload(Candidate.decisions).joinedload(Decision.decided_by),
    joinedload(Candidate.requisition).joinedload(Requisition.template)
    .selectinload(TemplateVersion.dimensions),
    selectinload(Candidate.interviews).joinedload(Interview.interviewer),
    selectinload(Candidate.interviews).joinedload(Interview.case_study),
    selectinload(Candidate.interviews).selectinload(Interview.scorecards)
    .options(*_scorecard_options()),
)


def load_candidate(candidate_id: int) -> Candidate | None:
    return db.session.scalars(_CANDIDATE_FOR_DEBRIEF, {"candidate_id": candidate_id}
                              ).unique().one_or_none()


def dimension_specs(requisition: Requisition) -> list[scoring.DimensionSpec]:
    weights = requisition.effective_weights()
    return [scoring.DimensionSpec(d.id, d.name, weights[d.id])
            for d in requisition.template.dimensions]


def submitted_scorecards(candidate: Candidate) -> list[Scorecard]:
    return [s for i in candidate.interviews for s in i.scorecards
            if s.submitted and s.author_id == i.interviewer_id]


def to_domain(card: Scorecard) -> scoring.Scorecard:
    return scoring.Scorecard(
        interviewer_id=card.author_id, interviewer=card.author.name,
        ratings=tuple((r.dimension_id, r.rating) for r in card.ratings),
        overall=card.overall,
        red_flags=tuple(f.signal.text for f in card.red_flags))


def calibration_history(candidate: Candidate, author_ids: list[int],
                        viewer_id: int | None = None) -> list:
    """Submitted ratings on the other candidates these interviewers rated, with the ratings
    of their co-panelists there: one query. With `viewer_id`, candidates on which the viewer
    still owes a scorecard are left out: their feedback must not reach the viewer, not even
    averaged into an interviewer's estimated leniency."""
    if not author_ids:
        return []
    their_candidates = (
        select(Interview.candidate_id).join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Scorecard.author_id.in_(author_ids), Scorecard.status == "submitted",
               Interview.candidate_id != candidate.id)
    )
    query = (
        select(Scorecard.author_id, Interview.candidate_id, ScorecardRating.dimension_id,
               ScorecardRating.rating, Scorecard.id)
        .join(Scorecard, ScorecardRating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == "submitted", ScorecardRating.rating.is_not(None),
               Interview.candidate_id.in_(their_candidates))
    )
    if viewer_id is not None:
        own = aliased(Interview)
        submitted = exists().where(Scorecard.interview_id == own.id,
                                   Scorecard.author_id == viewer_id,
                                   Scorecard.status == "submitted")
        pending = select(own.candidate_id).where(own.interviewer_id == viewer_id, ~submitted)
        query = query.where(Interview.candidate_id.not_in(pending))
    return [scoring.PastRating(*row) for row in db.session.execute(query).all()]


@dataclass
class Debrief:
    candidate: Candidate
    requisition: Requisition
    template: TemplateVersion
    settings: scoring.Settings
    result: scoring.DebriefResult
    scorecards: list[Scorecard]
    evidence: dict[int, list[tuple[Scorecard, ScorecardRating]]]
    signals: list[dict]
    flags: list[tuple[Scorecard, ScorecardRedFlag]]
    concerns: list[Scorecard]
    gaps: list[str]
    pending: list[Interview]
    # when the rater effects applied were fitted (stored fit), or None: fitted just now
    calibration_fitted_at: datetime | None = None


def score(candidate: Candidate, history: list | None = None,
          calibrations: list | None = None) -> scoring.DebriefResult:
    """The candidate's debrief result from their submitted scorecards. The debrief page and
    the stored snapshots (services/snapshots.py) both come through here, so a change to the
    formula reaches both. Rater effects: `calibrations` (stored estimates) when given, else
    fitted from `history`."""
    requisition = candidate.requisition
    template = requisition.template
    scale = (min(template.scale_values), max(template.scale_values))
    return scoring.evaluate(dimension_specs(requisition),
                            [to_domain(c) for c in submitted_scorecards(candidate)],
                            scale, settings_for(requisition), history or [], calibrations)


def blind_anywhere(viewer_id: int) -> bool:
    """Does this user still owe a scorecard on any candidate? One indexed query."""
    from ..policy import blind_candidate_ids

    viewer = db.session.get(User, viewer_id)
    return viewer is not None and bool(db.session.scalar(
        select(exists(blind_candidate_ids(viewer)))))


def stored_calibrations(cards: list[Scorecard], settings: scoring.Settings,
                        viewer_id: int | None) -> tuple[list | None, datetime | None]:
    """The panel's rater effects from the stored fit (a few rows, whatever the size of the
    history) and its fit time; (None, None) when the debrief must fit them itself: no fit
    stored yet, or a viewer who still owes a scorecard somewhere (the stored fit used every
    candidate's ratings, and that viewer may not see some of them, not even averaged into
    an interviewer's estimated leniency)."""
    from .calibration_job import estimates_for, last_fit

    fitted_at = last_fit()
    if fitted_at is None or (viewer_id is not None and blind_anywhere(viewer_id)):
        return None, None
    names = {c.author_id: c.author.name for c in cards}
    return estimates_for(sorted(names), names, settings), fitted_at


def build_debrief(candidate: Candidate, with_calibration: bool = True,
                  viewer_id: int | None = None) -> Debrief:
    requisition = candidate.requisition
    template = requisition.template
    cards = submitted_scorecards(candidate)
    settings = settings_for(requisition)
    history, calibrations, fitted_at = [], None, None
    if with_calibration:
        calibrations, fitted_at = stored_calibrations(cards, settings, viewer_id)
        if calibrations is None:
            history = calibration_history(candidate, [c.author_id for c in cards], viewer_id)
    result = score(candidate, history, calibrations)
    evidence: dict[int, list] = {d.id: [] for d in template.dimensions}
    for card in cards:
        for rating in card.ratings:
            if rating.dimension_id in evidence and (rating.rating is not None
                                                    or rating.evidence.strip()):
                evidence[rating.dimension_id].append((card, rating))
    observed: dict[int, dict] = {}
    for card in cards:
        for s in card.signals:
            entry = observed.setdefault(s.signal_id, {"signal": s.signal, "by": []})
            entry["by"].append(card.author.name)
    signals = sorted(observed.values(),
                     key=lambda e: (e["signal"].kind != "strong", e["signal"].position))
    return Debrief(
        candidate=candidate, requisition=requisition, template=template, settings=settings,
        result=result, scorecards=cards, evidence=evidence, signals=signals,
        flags=[(c, f) for c in cards for f in c.red_flags],
        concerns=[c for c in cards if c.other_concern.strip()],
        gaps=[d.name for d in result.dimensions if not d.count],
        pending=[i for i in candidate.interviews
                 if not (i.scorecard and i.scorecard.submitted)],
        calibration_fitted_at=fitted_at)
