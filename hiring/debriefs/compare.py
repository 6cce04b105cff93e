"""The comparison table of a requisition, one page at a time from the stored score
snapshots: sorted, filtered and paged in the database, so a page costs the same at 5,000
candidates as at 10 (the numbers are those of services/snapshots.py, which the debrief's
own formula computes when a scorecard or a setting changes).

Blinding: candidates the viewer still owes a scorecard on are never scored, sorted or
counted by stage; they are listed after the ranked ones, without numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from ..core import scoring
from ..core.vocabulary import Stage
from ..extensions import db
from ..models import (
    DECISIONS,
    Candidate,
    Decision,
    DimensionMean,
    Interview,
    ScoreSnapshot,
)
from ..policy import blind_candidate_ids
from ..services.debrief import dimension_specs, settings_for
from ..services.snapshots import current, values_of

PAGE_SIZE = 25

# column -> natural direction is descending
NATURAL = {"name": False, "stage": False, "composite": True, "coverage": True,
           "flags": True, "decision": False}


def _latest_decision():
    return (select(Decision.decision).where(Decision.candidate_id == Candidate.id)
            .order_by(Decision.id.desc()).limit(1).scalar_subquery())


def _label_order(labels: dict[str, str], column):
    """Order by what the page prints (the label), not the stored key."""
    ranked = sorted(labels, key=lambda key: labels[key].casefold())
    return case({key: rank for rank, key in enumerate(ranked)}, value=column)


def sort_expression(sort: str, dimension_ids: set[int]):
    """(the SQL to order by, natural direction is descending), or None if unknown."""
    # compared as text: int() of a 5,000-digit string raises (and "١" is a digit to isdigit)
    if sort.startswith("dim-") and sort[4:] in {str(i) for i in dimension_ids}:
        return ScoreSnapshot.dimension_means[sort[4:]].as_float(), True
    columns = {
        "name": Candidate.name_key,
        "stage": _label_order({s.value: s.label for s in Stage}, Candidate.stage),
        "composite": ScoreSnapshot.composite_100,
        "coverage": ScoreSnapshot.coverage,
        "flags": ScoreSnapshot.red_flags,
        "decision": _label_order(DECISIONS, _latest_decision()),
    }
    return (columns[sort], NATURAL[sort]) if sort in columns else None


@dataclass
class ComparePage:
    rows: list[dict]
    number: int
    pages: int
    total: int
    offset: int
    sort: str
    descending: bool
    blind_here: bool  # the viewer owes a scorecard on a candidate of this requisition


def _result(snapshot: ScoreSnapshot, dims) -> SimpleNamespace:
    """What a row shows, from a snapshot (the names the template reads)."""
    stored = snapshot.dimensions or {}
    dimensions = []
    for dim in dims:
        entry = stored.get(str(dim.id)) or {}
        dimensions.append(SimpleNamespace(
            id=dim.id, name=dim.name, count=int(entry.get("count", 0)),
            mean_shown=entry.get("mean_shown", "\u2014"),
            spread_shown=entry.get("spread_shown", "\u2014")))
    return SimpleNamespace(
        score_shown=snapshot.score_shown, recommendation=snapshot.recommendation,
        needs_discussion=snapshot.needs_discussion, coverage_shown=snapshot.coverage_shown,
        votes={int(k): int(v) for k, v in (snapshot.votes or {}).items()},
        dimensions=dimensions)


def _empty_snapshot(requisition) -> ScoreSnapshot:
    """The numbers of a candidate with no submitted scorecard (not stored)."""
    template = requisition.template
    scale = (min(template.scale_values), max(template.scale_values))
    result = scoring.evaluate(dimension_specs(requisition), [], scale,
                              settings_for(requisition))
    return ScoreSnapshot(requisition_id=requisition.id, **values_of(result))


def compare_page(requisition, viewer, stage: str, sort: str, direction: str,
                 number: int) -> ComparePage:
    blind = blind_candidate_ids(viewer)
    dims = requisition.template.dimensions
    found = sort_expression(sort, {d.id for d in dims})
    if found is None:
        sort, found = "composite", sort_expression("composite", set())
    expression, natural = found
    descending = natural if direction not in ("asc", "desc") else direction == "desc"
    conditions = [Candidate.requisition_id == requisition.id, Candidate.id.not_in(blind)]
    if stage:
        conditions.append(Candidate.stage == stage)
    blind_query = select(Candidate).where(Candidate.requisition_id == requisition.id,
                                          Candidate.id.in_(blind))
    # the candidates listed with numbers, and how many of them have a value to sort by
    # (a composite; for a dimension, a mean of it): one query
    dimension_id = int(sort[4:]) if sort.startswith("dim-") else None
    counted = select(func.count(), func.count(
        ScoreSnapshot.composite_100 if dimension_id is None else DimensionMean.mean)
    ).select_from(Candidate)
    counted = (counted.outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
               if dimension_id is None else
               counted.outerjoin(DimensionMean, _mean_of(dimension_id)))
    ranked_total, scored_total = db.session.execute(counted.where(*conditions)).one()
    blind_total = db.session.scalar(select(func.count()).select_from(blind_query.subquery()))
    listed_blind = 0 if stage else blind_total  # a stage filter never matches them
    total = ranked_total + listed_blind
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    offset = (number - 1) * PAGE_SIZE
    # rows without a value go last whatever the direction; ties keep the composite ranking
    ordering = [expression.is_(None), expression.desc() if descending else expression.asc(),
                ScoreSnapshot.composite_100.is_(None), ScoreSnapshot.composite_100.desc(),
                Candidate.name_key, Candidate.id]
    # Two steps: find the page's ids (sorting only keys, never each row's JSON), then load
    # the page's rows with their snapshots and what the template reads.
    if sort == "composite":
        page_ids = _composite_page(requisition.id, conditions, descending, offset,
                                   scored_total, ranked_total - scored_total)
    elif dimension_id is not None:
        page_ids = _dimension_page(requisition.id, dimension_id, conditions, descending,
                                   offset, scored_total, ranked_total - scored_total)
    else:
        page_ids = db.session.scalars(
            select(Candidate.id)
            .outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
            .where(*conditions)
            .order_by(*ordering).limit(PAGE_SIZE).offset(offset)).all()
    position = {candidate_id: k for k, candidate_id in enumerate(page_ids)}
    found_rows = sorted(db.session.execute(
        select(Candidate, ScoreSnapshot)
        .outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
        .where(Candidate.id.in_(page_ids))
        .options(*_row_options())).unique().all(), key=lambda row: position[row[0].id])
    page_candidates = [c for c, _ in found_rows]
    shown = current(page_candidates, {c.id: snap for c, snap in found_rows if snap})
    empty = _empty_snapshot(requisition) if len(shown) < len(found_rows) else None
    rows = [{"candidate": c, "blind": False,
             "result": _result(shown.get(c.id) or empty, dims),
             "flags": (shown.get(c.id) or empty).red_flags} for c in page_candidates]
    room = PAGE_SIZE - len(rows)
    if listed_blind and room > 0:
        skip = max(offset - ranked_total, 0)
        blind_rows = db.session.scalars(
            blind_query.order_by(Candidate.name_key, Candidate.id).limit(room).offset(skip)
            .options(*_row_options())).all()
        rows += [{"candidate": c, "blind": True, "result": None, "flags": None}
                 for c in blind_rows]
    return ComparePage(rows=rows, number=number, pages=pages, total=total, offset=offset,
                       sort=sort, descending=descending, blind_here=blind_total > 0)


def _composite_page(requisition_id: int, conditions: list, descending: bool, offset: int,
                    scored_total: int, unscored_total: int) -> list[int]:
    """The page's ids in the composite order, read from the (requisition, composite) index
    so that a page costs the same at 5,000 candidates as at 10: the scored candidates by
    composite (ties by name, then id), then those without a composite by name. The same
    order as the generic sort, which puts rows without a value last whatever the
    direction."""
    composite = ScoreSnapshot.composite_100
    ids = list(db.session.scalars(
        select(Candidate.id)
        .join(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
        .where(*conditions, ScoreSnapshot.requisition_id == requisition_id,
               composite.is_not(None))
        .order_by(composite.desc() if descending else composite.asc(),
                  Candidate.name_key, Candidate.id)
        .limit(max(min(PAGE_SIZE, scored_total - offset), 0)).offset(offset)))
    if unscored_total and len(ids) < PAGE_SIZE:
        ids += db.session.scalars(
            select(Candidate.id)
            .outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
            .where(*conditions, composite.is_(None))
            .order_by(Candidate.name_key, Candidate.id)
            .limit(PAGE_SIZE - len(ids)).offset(max(offset - scored_total, 0)))
    return ids


def _mean_of(dimension_id: int):
    """Join condition: the candidate's mean of this dimension."""
    return and_(DimensionMean.candidate_id == Candidate.id,
                DimensionMean.dimension_id == dimension_id)


def _dimension_page(requisition_id: int, dimension_id: int, conditions: list,
                    descending: bool, offset: int, scored_total: int,
                    unscored_total: int) -> list[int]:
    """The page's ids sorted by a dimension's mean, read from the (requisition, dimension,
    mean) index of score_dimension_mean: the candidates with a mean of it by that mean
    (ties by composite, highest first, then name and id), then those without one by
    composite and name. The same order as the generic sort (rows without a value last)."""
    composite = ScoreSnapshot.composite_100
    ties = (composite.is_(None), composite.desc(), Candidate.name_key, Candidate.id)
    ids = list(db.session.scalars(
        select(Candidate.id)
        .join(DimensionMean, _mean_of(dimension_id))
        .outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
        .where(*conditions, DimensionMean.requisition_id == requisition_id)
        .order_by(DimensionMean.mean.desc() if descending else DimensionMean.mean.asc(),
                  *ties)
        .limit(max(min(PAGE_SIZE, scored_total - offset), 0)).offset(offset)))
    if unscored_total and len(ids) < PAGE_SIZE:
        ids += db.session.scalars(
            select(Candidate.id)
            .outerjoin(DimensionMean, _mean_of(dimension_id))
            .outerjoin(ScoreSnapshot, ScoreSnapshot.candidate_id == Candidate.id)
            .where(*conditions, DimensionMean.candidate_id.is_(None))
            .order_by(*ties)
            .limit(PAGE_SIZE - len(ids)).offset(max(offset - scored_total, 0)))
    return ids


def _row_options():
    """What a row and the policy's blinding check read, for the page's candidates only."""
    return (selectinload(Candidate.decisions),
            selectinload(Candidate.interviews).selectinload(Interview.scorecards))
