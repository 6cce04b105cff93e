"""Stored score snapshots: each candidate's debrief numbers, recomputed exactly when an
input changes (a scorecard submitted or amended, the requisition's weights or decision
settings changed) so lists, comparisons and dashboards read one row per candidate instead
of scoring every candidate on every request.

The numbers come from services.debrief.score, the function the debrief page itself uses,
so the two cannot drift; FORMULA_VERSION (kept with the formula in core/scoring.py) marks
snapshots made by an older formula as stale. Callers own the transaction: refresh_* only
adds to the session, the caller's single commit stores the change and its snapshots
together.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import joinedload, selectinload

from ..core import scoring
from ..extensions import db
from ..models import (
    Candidate,
    DimensionMean,
    Interview,
    Requisition,
    Scorecard,
    ScorecardRedFlag,
    ScoreSnapshot,
    TemplateVersion,
)
from ..models.base import utcnow
from .debrief import score

BATCH = 200  # candidates loaded and scored per round when a whole requisition changes


def formula_version() -> int:
    return getattr(scoring, "FORMULA_VERSION", 1)


def _lock(candidate_ids: list[int]) -> None:
    """Serialise refreshes of the same candidate: two scorecards of one candidate submitted
    at once would otherwise each store a snapshot that misses the other's. PostgreSQL: row
    locks in id order (no deadlock between two refreshes); SQLite: writers already hold
    the database's single write lock (BEGIN IMMEDIATE)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Candidate.id).where(Candidate.id.in_(candidate_ids))
                           .order_by(Candidate.id).with_for_update())


def _load(candidate_ids: list[int], fresh: bool = False) -> list[Candidate]:
    """The candidates with all that scoring reads. `fresh`: re-read rows already in the
    session, so a refresh that waited for a lock sees what the other writer committed."""
    return list(db.session.scalars(
        select(Candidate).where(Candidate.id.in_(candidate_ids))
        .execution_options(populate_existing=fresh).options(
            joinedload(Candidate.requisition).joinedload(Requisition.template)
            .selectinload(TemplateVersion.dimensions),
            joinedload(Candidate.requisition).selectinload(Requisition.weight_changes),
            selectinload(Candidate.interviews).selectinload(Interview.scorecards).options(
                joinedload(Scorecard.author), selectinload(Scorecard.ratings),
                selectinload(Scorecard.red_flags).joinedload(ScorecardRedFlag.signal)),
        )).unique())


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
        for candidate in _load(chunk, fresh=True):
            snapshot = existing.get(candidate.id)
            if snapshot is None:
                snapshot = ScoreSnapshot(candidate_id=candidate.id)
                db.session.add(snapshot)
            snapshot.requisition_id = candidate.requisition_id
            for key, value in values_of(score(candidate)).items():
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
        for candidate in _load(todo):
            shown[candidate.id] = ScoreSnapshot(
                candidate_id=candidate.id, requisition_id=candidate.requisition_id,
                formula_version=version, **values_of(score(candidate)))
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
