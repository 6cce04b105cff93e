"""Load everything a debrief shows in a fixed number of queries, and score it."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import exists, select
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


def load_candidate(candidate_id: int) -> Candidate | None:
    return db.session.scalars(
        select(Candidate).where(Candidate.id == candidate_id).options(
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


def score(candidate: Candidate, history: list | None = None) -> scoring.DebriefResult:
    """The candidate's debrief result from their submitted scorecards. The debrief page and
    the stored snapshots (services/snapshots.py) both come through here, so a change to the
    formula reaches both."""
    requisition = candidate.requisition
    template = requisition.template
    scale = (min(template.scale_values), max(template.scale_values))
    return scoring.evaluate(dimension_specs(requisition),
                            [to_domain(c) for c in submitted_scorecards(candidate)],
                            scale, settings_for(requisition), history or [])


def build_debrief(candidate: Candidate, with_calibration: bool = True,
                  viewer_id: int | None = None) -> Debrief:
    requisition = candidate.requisition
    template = requisition.template
    cards = submitted_scorecards(candidate)
    settings = settings_for(requisition)
    history = calibration_history(candidate, [c.author_id for c in cards], viewer_id) \
        if with_calibration else []
    result = score(candidate, history)
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
                 if not (i.scorecard and i.scorecard.submitted)])
