"""Load everything a debrief shows in a fixed number of queries, and score it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, exists, inspect, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

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
    TemplateDimension,
    TemplateSignal,
    TemplateVersion,
)
from ..policy_rules import blind_candidate_ids_of
from .calibration_job import LAST_FIT, estimates_for

SETTING_NAMES = {f.name for f in fields(scoring.Settings)}


def settings_for(requisition: Requisition) -> scoring.Settings:
    stored = {k: v for k, v in (requisition.settings or {}).items() if k in SETTING_NAMES}
    return scoring.Settings(**stored)


# What a debrief shows of the candidate, in three statements built once (a statement object
# memoises its cache key: building loader options and their key again on every request was
# about a sixth of the debrief's loading time). A scorecard's ratings, signals and red flags
# are read as plain rows by build_debrief (card_details), for the page and the packet alike.
_CANDIDATE = select(Candidate).where(Candidate.id == bindparam("candidate_id")).options(
    joinedload(Candidate.requisition).joinedload(Requisition.template)
    .joinedload(TemplateVersion.role),
    joinedload(Candidate.requisition).joinedload(Requisition.hiring_manager),
    joinedload(Candidate.requisition).joinedload(Requisition.weight_changes),
    joinedload(Candidate.decisions).joinedload(Decision.decided_by),
    joinedload(Candidate.packet_render),
)
# The two collections are read by plain statements and set as the relationships' loaded
# values: selectinload's machinery (a cache key and loader paths built per request) cost
# more than the two queries themselves. Same order as the relationships'.
_DIMENSIONS = (select(TemplateDimension)
               .where(TemplateDimension.template_id == bindparam("template_id"))
               .order_by(TemplateDimension.position))
_INTERVIEWS = (
    select(Interview).where(Interview.candidate_id == bindparam("candidate_id"))
    .order_by(Interview.scheduled_at, Interview.id)
    .options(joinedload(Interview.interviewer), joinedload(Interview.case_study),
             # an interview has one scorecard per author: joined to the interviews' query
             joinedload(Interview.scorecards).options(
                 joinedload(Scorecard.author),
                 joinedload(Scorecard.amendments).joinedload(ScorecardAmendment.author)))
)


def load_collection(owner, key: str, statement, params: dict) -> None:
    """Read a collection with its own statement, unless the session already holds it
    loaded (then, like an eager load, leave it as it is)."""
    if key not in inspect(owner).dict:
        set_committed_value(owner, key, db.session.scalars(statement, params).unique().all())


def load_dimensions(template: TemplateVersion) -> None:
    """The template's dimensions (a version's dimensions never change once stored)."""
    load_collection(template, "dimensions", _DIMENSIONS, {"template_id": template.id})


def load_candidate(candidate_id: int) -> Candidate | None:
    """The candidate with what a debrief shows (the scorecards' ratings, signals and red
    flags are read by build_debrief, as rows): three queries."""
    candidate = db.session.scalars(_CANDIDATE,
                                   {"candidate_id": candidate_id}).unique().one_or_none()
    if candidate is not None:
        template = candidate.requisition.template
        load_dimensions(template)
        load_collection(candidate, "interviews", _INTERVIEWS, {"candidate_id": candidate.id})
    return candidate


class Rating(NamedTuple):
    dimension_id: int
    rating: int | None
    evidence: str


class Signal(NamedTuple):
    id: int
    kind: str
    position: int
    text: str


class Mark(NamedTuple):
    """A signal or red flag ticked on a scorecard (a signal's note is empty)."""
    signal: Signal
    note: str


@dataclass(frozen=True)
class CardDetails:
    """Scorecard id -> its ratings, signals and red flags, in the order they were saved."""
    ratings: dict[int, list[Rating]]
    signals: dict[int, list[Mark]]
    red_flags: dict[int, list[Mark]]


_IDS = bindparam("ids", expanding=True)
_SIGNAL = (TemplateSignal.id, TemplateSignal.kind, TemplateSignal.position, TemplateSignal.text)
_RATINGS = (select(ScorecardRating.scorecard_id, ScorecardRating.dimension_id,
                   ScorecardRating.rating, ScorecardRating.evidence)
            .where(ScorecardRating.scorecard_id.in_(_IDS)).order_by(ScorecardRating.id))
_SIGNALS = (select(ScorecardSignal.scorecard_id, *_SIGNAL)
            .join(TemplateSignal, TemplateSignal.id == ScorecardSignal.signal_id)
            .where(ScorecardSignal.scorecard_id.in_(_IDS)).order_by(ScorecardSignal.id))
_RED_FLAGS = (select(ScorecardRedFlag.scorecard_id, ScorecardRedFlag.note, *_SIGNAL)
              .join(TemplateSignal, TemplateSignal.id == ScorecardRedFlag.signal_id)
              .where(ScorecardRedFlag.scorecard_id.in_(_IDS)).order_by(ScorecardRedFlag.id))


def card_details(cards: list[Scorecard]) -> CardDetails:
    """The scorecards' ratings, signals and red flags as plain rows: three queries. Building
    ORM objects (and their loader options) for these ~80 rows was a third of the debrief's
    loading time; nothing here is written back."""
    return card_details_of([c.id for c in cards])


def card_details_of(card_ids: list[int], with_signals: bool = True) -> CardDetails:
    """card_details by scorecard id; without the signals (scoring does not read them): two
    queries."""
    details = CardDetails({i: [] for i in card_ids}, {i: [] for i in card_ids},
                          {i: [] for i in card_ids})
    if not card_ids:
        return details
    ids = {"ids": list(details.ratings)}
    for card_id, *rating in db.session.execute(_RATINGS, ids):
        details.ratings[card_id].append(Rating(*rating))
    for card_id, *signal in db.session.execute(_SIGNALS, ids) if with_signals else ():
        details.signals[card_id].append(Mark(Signal(*signal), ""))
    for card_id, note, *signal in db.session.execute(_RED_FLAGS, ids):
        details.red_flags[card_id].append(Mark(Signal(*signal), note))
    return details


def dimension_specs(requisition: Requisition) -> list[scoring.DimensionSpec]:
    weights = requisition.effective_weights()
    return [scoring.DimensionSpec(d.id, d.name, weights[d.id])
            for d in requisition.template.dimensions]


def submitted_scorecards(candidate: Candidate) -> list[Scorecard]:
    """The scorecards a debrief counts: each interview's own (its interviewer's), once
    submitted, in interview order. Its SQL twin is snapshots._CARDS; the snapshot tests
    compare the two on the same data (tests/test_snapshots.py, test_concurrency.py and
    test_attack_snapshot_rows.py, with drafts and scorecards by someone else)."""
    return [s for i in candidate.interviews for s in i.scorecards
            if s.submitted and s.author_id == i.interviewer_id]


def to_domain(card: Scorecard, details: CardDetails | None = None) -> scoring.Scorecard:
    """Ratings and red flags from `details` when given, else the card's relationships."""
    ratings = card.ratings if details is None else details.ratings[card.id]
    red_flags = card.red_flags if details is None else details.red_flags[card.id]
    return domain_card(card.author_id, card.author.name, card.overall, ratings, red_flags)


def domain_card(author_id: int, author_name: str, overall: int | None, ratings,
                red_flags) -> scoring.Scorecard:
    """A submitted scorecard as the core scores it; `ratings` and `red_flags` are the
    card's rows or objects (dimension_id and rating; signal.text)."""
    return scoring.Scorecard(
        interviewer_id=author_id, interviewer=author_name,
        ratings=tuple((r.dimension_id, r.rating) for r in ratings),
        overall=overall,
        red_flags=tuple(f.signal.text for f in red_flags))


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
    evidence: dict[int, list[tuple[Scorecard, Rating]]]
    signals: list[dict]  # {"signal": Signal, "by": [interviewer names]}
    flags: list[tuple[Scorecard, Mark]]
    concerns: list[Scorecard]
    gaps: list[str]
    pending: list[Interview]
    details: CardDetails  # each scorecard's ratings, signals and red flags (the packet's pages)
    # when the rater effects applied were fitted (stored fit), or None: fitted just now
    calibration_fitted_at: datetime | None = None


def score(candidate: Candidate, history: list | None = None,
          calibrations: list | None = None,
          details: CardDetails | None = None) -> scoring.DebriefResult:
    """The candidate's debrief result from their submitted scorecards. The debrief page and
    the stored snapshots (services/snapshots.py) both come through here, so a change to the
    formula reaches both. Rater effects: `calibrations` (stored estimates) when given, else
    fitted from `history`."""
    return score_cards(candidate.requisition,
                       [to_domain(c, details) for c in submitted_scorecards(candidate)],
                       history, calibrations)


def score_cards(requisition: Requisition, cards: list[scoring.Scorecard],
                history: list | None = None,
                calibrations: list | None = None) -> scoring.DebriefResult:
    """score, from the submitted scorecards already in the core's form."""
    template = requisition.template
    scale = (min(template.scale_values), max(template.scale_values))
    return scoring.evaluate(dimension_specs(requisition), cards, scale,
                            settings_for(requisition), history or [], calibrations)


# Built once (a statement memoises its cache key: building these on every view cost more
# than running them). Does the user (bind parameter viewer_id) still owe a scorecard on any
# candidate? No for an id that matches no user, or None.
_OWES_A_SCORECARD = exists(blind_candidate_ids_of(bindparam("viewer_id")))
_BLIND_ANYWHERE = select(_OWES_A_SCORECARD)
# both questions the debrief asks on every view, in one round trip
_FIT_AND_BLIND = select(LAST_FIT.scalar_subquery(), _OWES_A_SCORECARD)


def blind_anywhere(viewer_id: int) -> bool:
    """Does this user still owe a scorecard on any candidate? One indexed query."""
    return bool(db.session.scalar(_BLIND_ANYWHERE, {"viewer_id": viewer_id}))


def stored_calibrations(cards: list[Scorecard], settings: scoring.Settings,
                        viewer_id: int | None) -> tuple[list | None, datetime | None]:
    """The panel's rater effects from the stored fit (a few rows, whatever the size of the
    history) and its fit time; (None, None) when the debrief must fit them itself: no fit
    stored yet, or a viewer who still owes a scorecard somewhere (the stored fit used every
    candidate's ratings, and that viewer may not see some of them, not even averaged into
    an interviewer's estimated leniency)."""
    fitted_at, blind = db.session.execute(_FIT_AND_BLIND, {"viewer_id": viewer_id}).one()
    if fitted_at is None or blind:
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
    details = card_details(cards)
    result = score(candidate, history, calibrations, details)
    evidence: dict[int, list] = {d.id: [] for d in template.dimensions}
    for card in cards:
        for rating in details.ratings[card.id]:
            if rating.dimension_id in evidence and (rating.rating is not None
                                                    or rating.evidence.strip()):
                evidence[rating.dimension_id].append((card, rating))
    observed: dict[int, dict] = {}
    for card in cards:
        for s in details.signals[card.id]:
            entry = observed.setdefault(s.signal.id, {"signal": s.signal, "by": []})
            entry["by"].append(card.author.name)
    signals = sorted(observed.values(),
                     key=lambda e: (e["signal"].kind != "strong", e["signal"].position))
    return Debrief(
        candidate=candidate, requisition=requisition, template=template, settings=settings,
        result=result, scorecards=cards, evidence=evidence, signals=signals,
        flags=[(c, f) for c in cards for f in details.red_flags[c.id]],
        concerns=[c for c in cards if c.other_concern.strip()],
        gaps=[d.name for d in result.dimensions if not d.count],
        pending=[i for i in candidate.interviews
                 if not (i.scorecard and i.scorecard.submitted)],
        details=details, calibration_fitted_at=fitted_at)
