"""A requisition's inter-rater agreement, stored so the comparison page does not bootstrap
over every candidate on every view.

The numbers come from the stored score snapshots (each candidate x dimension: each
person's averaged rating), so they are the same ones the comparison shows. A scorecard
change marks the requisition's figure stale in its own transaction; the background job that
refits rater effects (services/calibration_job.py) recomputes the stale ones. Until it has,
and for a viewer who still owes a scorecard on a candidate of the requisition (whose
ratings they may not see, not even pooled), the page computes the figure itself over the
candidates the viewer may see.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.agreement import Agreement, requisition_alpha
from ..extensions import db
from ..models import AgreementSnapshot, ScoreSnapshot
from ..models.base import utcnow
from .debrief import settings_for


def mark_stale(requisition_id: int) -> None:
    """In the caller's transaction: the requisition's ratings changed."""
    row = db.session.get(AgreementSnapshot, requisition_id)
    if row is None:
        db.session.add(AgreementSnapshot(requisition_id=requisition_id, stale=True,
                                         generation=1))
    else:
        row.stale, row.generation = True, (row.generation or 0) + 1


def compute(requisition, excluded=None) -> Agreement:
    """Agreement over the requisition's candidates (minus the `excluded` ids, a SELECT),
    from their snapshots' per-person ratings: one query of one JSON column per candidate."""
    query = select(ScoreSnapshot.dimensions).where(
        ScoreSnapshot.requisition_id == requisition.id)
    if excluded is not None:
        query = query.where(ScoreSnapshot.candidate_id.not_in(excluded))
    dimension_ids = {str(d.id) for d in requisition.template.dimensions}
    units = (dim["ratings"] for dims in db.session.scalars(query)
             for key, dim in sorted((dims or {}).items()) if key in dimension_ids)
    return requisition_alpha(units, settings_for(requisition).agreement_min_pairable)


def for_viewer(requisition, viewer, blind_here: bool) -> tuple[Agreement, object]:
    """The figure this viewer may see, and when it was computed (None: just now).
    `blind_here`: the viewer still owes a scorecard on a candidate of this requisition."""
    from ..policy import blind_candidate_ids

    if blind_here:
        return compute(requisition, excluded=blind_candidate_ids(viewer)), None
    row = db.session.get(AgreementSnapshot, requisition.id)
    if row is None or row.stale:
        return compute(requisition), None
    return Agreement(row.alpha, row.low, row.high, row.pairable, row.units,
                     row.minimum), row.computed_at


def refresh_stale() -> int:
    """Recompute every stale figure, one requisition per transaction; returns how many."""
    from ..models import Requisition

    done = 0
    for requisition_id in db.session.scalars(select(AgreementSnapshot.requisition_id)
                                             .where(AgreementSnapshot.stale)).all():
        row = db.session.get(AgreementSnapshot, requisition_id)
        requisition = db.session.get(Requisition, requisition_id)
        if row is None or requisition is None:
            continue
        generation = row.generation
        result = compute(requisition)
        db.session.commit()  # end the read: the bootstrap ran without holding a write
        row = db.session.get(AgreementSnapshot, requisition_id)
        # a change committed meanwhile moved the generation: leave it stale for the next run
        if row is not None and row.generation == generation:
            row.alpha, row.low, row.high = result.alpha, result.low, result.high
            row.pairable, row.units, row.minimum = result.pairable, result.units, \
                result.minimum
            row.stale, row.computed_at = False, utcnow()
            done += 1
        db.session.commit()
    return done
