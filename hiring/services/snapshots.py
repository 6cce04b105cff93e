"""Stored score snapshots: each candidate's debrief numbers, recomputed exactly when an
input changes (a scorecard submitted or amended, the requisition's weights or decision
settings changed) so lists, comparisons and dashboards read one row per candidate instead
of scoring every candidate on every request.

The numbers come from services.debrief.score_cards, which the debrief page itself scores
with, so the two cannot drift; FORMULA_VERSION (kept with the formula in core/scoring.py)
marks snapshots made by an older formula as stale. Callers own the transaction: refresh_*
only adds to the session, the caller's single commit stores the change and its snapshots
together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import joinedload

from ..core import scoring
from ..extensions import db
from ..models import (
    Candidate,
    DimensionMean,
    Interview,
    Requisition,
    Scorecard,
    ScoreSnapshot,
    User,
)
from ..models.base import utcnow
from .debrief import card_details_of, domain_card, load_dimensions, score_cards
from .locks import lock_candidates

BATCH = 200  # candidates loaded and scored per round when a whole requisition changes


def formula_version() -> int:
    return getattr(scoring, "FORMULA_VERSION", 1)


def _lock(candidate_ids: list[int]) -> None:
    """Serialise refreshes of the same candidate: two scorecards of one candidate submitted
    at once would otherwise each store a snapshot that misses the other's. PostgreSQL: row
    locks in id order (no deadlock between two refreshes); SQLite: writers already hold
    the database's single write lock (BEGIN IMMEDIATE). A refresh runs after its use case
    recorded audit events, so the use case must hold these rows already, taken before its
    first audit row (the global lock order: hiring/services/locks.py); here they are only
    taken again."""
    lock_candidates(candidate_ids)


# What scoring reads, in statements built once (a statement memoises its cache key; the
# loader options and selectin paths built per call cost more than the queries): a refresh
# runs on every submission. Plain rows are read from the database every time, and the
# requisitions are re-read (populate_existing), so a refresh that waited for a lock sees
# what the other writer committed.
_IDS = bindparam("ids", expanding=True)
_OWNERS = (select(Candidate.id, Candidate.requisition_id)
           .where(Candidate.id.in_(_IDS)).order_by(Candidate.id))
_REQUISITIONS = (select(Requisition).where(Requisition.id.in_(_IDS))
                 .options(joinedload(Requisition.template),
                          joinedload(Requisition.weight_changes))
                 .execution_options(populate_existing=True))
# each interview's own scorecard (its interviewer's), submitted, in the debrief's order: the
# SQL form of debrief.submitted_scorecards
_CARDS = (select(Interview.candidate_id, Scorecard.id, Scorecard.author_id, User.name,
                 Scorecard.overall)
          .join(Scorecard, Scorecard.interview_id == Interview.id)
          .join(User, User.id == Scorecard.author_id)
          .where(Interview.candidate_id.in_(_IDS), Scorecard.status == "submitted",
                 Scorecard.author_id == Interview.interviewer_id)
          .order_by(Interview.candidate_id, Interview.scheduled_at, Interview.id))


def _scoring_inputs(candidate_ids: list[int]) -> list[tuple[int, Requisition, list]]:
    """(candidate id, requisition, submitted scorecards in the core's form) of each of
    these candidates that exists, by id: six queries whatever their number."""
    ids = {"ids": list(candidate_ids)}
    owners = db.session.execute(_OWNERS, ids).all()
    requisitions = {r.id: r for r in db.session.scalars(
        _REQUISITIONS, {"ids": sorted({rid for _, rid in owners})}).unique()}
    for requisition in requisitions.values():
        load_dimensions(requisition.template)
    rows = db.session.execute(_CARDS, ids).all()
    details = card_details_of([row.id for row in rows], with_signals=False)
    cards = defaultdict(list)
    for row in rows:
        cards[row.candidate_id].append(domain_card(
            row.author_id, row.name, row.overall, details.ratings[row.id],
            details.red_flags[row.id]))
    return [(cid, requisitions[rid], cards[cid]) for cid, rid in owners]


def values_of(result: scoring.DebriefResult) -> dict:
    """What a snapshot stores of a debrief result (also what tests compare)."""
    return {
        "composite_100": None if result.composite_100 is None else float(result.composite_100),
        "score_shown": result.score_shown,
        "coverage": float(result.coverage),
        "coverage_shown": result.coverage_shown,
        "recommendation": result.recommendation,
        "band": result.band_recommendation,
        "needs_discussion": bool(result.needs_discussion),
        "split_vote": bool(result.split_vote),
        "submitted": int(result.submitted),
        "red_flags": len(result.red_flags),
        "votes": {str(k): int(v) for k, v in result.votes.items()},
        "contested": list(result.contested),
        "dimensions": {str(d.id): {
            "mean": None if d.mean is None else float(d.mean), "mean_shown": d.mean_shown,
            "spread_shown": d.spread_shown, "count": int(d.count),
            "ratings": [float(v) for v in d.ratings.values()]} for d in result.dimensions},
        "dimension_means": {str(d.id): float(d.mean) for d in result.dimensions
                            if d.mean is not None},
    }


def refresh(candidate_ids: Iterable[int]) -> int:
    """Recompute and store the snapshots of these candidates; returns how many."""
    ids = sorted(set(candidate_ids))
    version, now, done = formula_version(), utcnow(), 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.session.flush()
        _lock(chunk)
        existing = {s.candidate_id: s for s in db.session.scalars(
            select(ScoreSnapshot).where(ScoreSnapshot.candidate_id.in_(chunk))
            .execution_options(populate_existing=True))}
        means = []
        for candidate_id, requisition, cards in _scoring_inputs(chunk):
            snapshot = existing.get(candidate_id)
            if snapshot is None:
                snapshot = ScoreSnapshot(candidate_id=candidate_id)
                db.session.add(snapshot)
            snapshot.requisition_id = requisition.id
            for key, value in values_of(score_cards(requisition, cards)).items():
                setattr(snapshot, key, value)
            snapshot.formula_version, snapshot.computed_at = version, now
            means += mean_rows(snapshot)
            done += 1
        # the per-dimension means compare sorts by, replaced with the snapshots
        db.session.execute(delete(DimensionMean).where(DimensionMean.candidate_id.in_(chunk)))
        if means:
            db.session.execute(insert(DimensionMean), means)
    return done


def mean_rows(snapshot: ScoreSnapshot) -> list[dict]:
    """The snapshot's assessed dimensions' means as rows of score_dimension_mean."""
    return [{"candidate_id": snapshot.candidate_id, "dimension_id": int(key),
             "requisition_id": snapshot.requisition_id, "mean": float(mean)}
            for key, mean in sorted((snapshot.dimension_means or {}).items())
            if mean is not None]


def refresh_requisition(requisition_id: int) -> int:
    """Every candidate of a requisition (its weights or settings changed)."""
    return refresh(db.session.scalars(
        select(Candidate.id).where(Candidate.requisition_id == requisition_id)).all())


def refresh_stale() -> int:
    """Snapshots missing or made by another formula version (`flask snapshots refresh`)."""
    fresh = select(ScoreSnapshot.candidate_id).where(
        ScoreSnapshot.formula_version == formula_version())
    return refresh(db.session.scalars(
        select(Candidate.id).where(Candidate.id.not_in(fresh))).all())


def current(candidates: list[Candidate], snapshots: dict[int, ScoreSnapshot]) -> dict:
    """The rows a page shows: the stored snapshot when current, else (missing or from an
    older formula, e.g. just after an upgrade) the numbers computed now, unstored: a GET
    writes nothing. At most a page of candidates is ever computed here."""
    version = formula_version()
    stale = [c.id for c in candidates
             if c.id in snapshots and snapshots[c.id].formula_version != version]
    # no snapshot and nothing submitted: nothing to show, nothing to compute
    missing = [c.id for c in candidates if c.id not in snapshots and _has_submitted(c)]
    shown = {cid: s for cid, s in snapshots.items() if cid not in stale}
    todo = stale + missing
    if todo:
        for candidate_id, requisition, cards in _scoring_inputs(todo):
            shown[candidate_id] = ScoreSnapshot(
                candidate_id=candidate_id, requisition_id=requisition.id,
                formula_version=version, **values_of(score_cards(requisition, cards)))
    return shown


def _has_submitted(candidate: Candidate) -> bool:
    return any(i.scorecard is not None and i.scorecard.submitted for i in candidate.interviews)


def refresh_now(everything: bool = False) -> int:
    """`flask snapshots refresh`: recompute the stale (or, with `everything`, all)
    snapshots in one transaction; returns how many."""
    from .transaction import transaction

    with transaction():
        if everything:
            return refresh(db.session.scalars(select(Candidate.id)).all())
        return refresh_stale()
