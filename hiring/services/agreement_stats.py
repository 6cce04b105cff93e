"""A requisition's inter-rater agreement, stored so the comparison page does not bootstrap
over every candidate on every view.

The numbers come from the stored score snapshots (each candidate x dimension: each
person's averaged rating), so they are the same ones the comparison shows. A scorecard
change marks the requisition's figure stale in its own transaction; the background job that
refits rater effects (services/calibration_job.py) recomputes the stale ones. Until it has,
the page computes the figure itself. A viewer who still owes a scorecard on a candidate of
the requisition may not see that candidate's ratings, not even pooled: they get the figure
of the other candidates, from the stored rating patterns minus the owed candidates' own
(or, while the stored figure is stale, computed over the candidates they may see).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select, update

from ..core.agreement import Agreement, patterns_alpha, unit_patterns
from ..database import insert_or_ignore
from ..extensions import db
from ..models import AgreementSnapshot, ScoreSnapshot
from ..models.base import utcnow
from .debrief import settings_for


def mark_stale(requisition_id: int) -> None:
    """In the caller's transaction: the requisition's ratings changed.

    The generation grows in SQL (`generation + 1` under the row's lock), so that each of two
    overlapping changes counts: an increment computed from the value a transaction had read
    let the second write the same number, and a refit that read between them then stored a
    figure missing one change as fresh. A requisition's first row is inserted ignoring a
    concurrent first insert (it was a unique-key error, a 500 on submit, on PostgreSQL)."""
    bump = (update(AgreementSnapshot)
            .where(AgreementSnapshot.requisition_id == requisition_id)
            .values(stale=True, generation=AgreementSnapshot.generation + 1)
            .execution_options(synchronize_session="fetch"))
    if db.session.execute(bump).rowcount == 0:
        insert_or_ignore(db.session, AgreementSnapshot, requisition_id=requisition_id,
                         stale=True, generation=0)
        db.session.execute(bump)


def patterns_of(requisition, excluded=None, only=None) -> Counter:
    """The rating patterns of the requisition's candidates (minus the `excluded` ids, or only
    the `only` ids; each a SELECT), from their snapshots' per-person ratings: one query of one
    JSON column per candidate."""
    query = select(ScoreSnapshot.dimensions).where(
        ScoreSnapshot.requisition_id == requisition.id)
    if excluded is not None:
        query = query.where(ScoreSnapshot.candidate_id.not_in(excluded))
    if only is not None:
        query = query.where(ScoreSnapshot.candidate_id.in_(only))
    dimension_ids = {str(d.id) for d in requisition.template.dimensions}
    return unit_patterns(dim["ratings"] for dims in db.session.scalars(query)
                         for key, dim in sorted((dims or {}).items()) if key in dimension_ids)


def compute(requisition, excluded=None) -> Agreement:
    """Agreement over the requisition's candidates (minus the `excluded` ids, a SELECT)."""
    return _figure(requisition, patterns_of(requisition, excluded=excluded))


def _figure(requisition, patterns: Counter) -> Agreement:
    return patterns_alpha(patterns, settings_for(requisition).agreement_min_pairable)


def _stored(requisition_id: int):
    """(generation, patterns) of the stored figure, read afresh (not from the session's
    objects); None when there is no fresh figure with its patterns."""
    row = db.session.execute(select(AgreementSnapshot.stale, AgreementSnapshot.generation,
                                    AgreementSnapshot.patterns)
                             .where(AgreementSnapshot.requisition_id == requisition_id)).first()
    if row is None or row.stale or row.patterns is None:
        return None
    return row.generation, Counter({tuple(values): n for values, n in row.patterns})


def _generation(requisition_id: int) -> int | None:
    return db.session.scalar(select(AgreementSnapshot.generation).where(
        AgreementSnapshot.requisition_id == requisition_id))


def for_viewer(requisition, viewer, blind_here: bool) -> tuple[Agreement, object]:
    """The figure this viewer may see, and when it was computed (None: just now).
    `blind_here`: the viewer still owes a scorecard on a candidate of this requisition."""
    from ..policy import blind_candidate_ids

    if blind_here:
        # Everyone's stored patterns minus those of the candidates the viewer may not see:
        # the same counts as reading every candidate the viewer may see, for the price of
        # reading the few they may not. Only while the generation read before is still the
        # one after: a scorecard change committed in between (it bumps the generation in its
        # own transaction) would pair old counts with new ratings, so then, as when nothing
        # fresh is stored, the page reads the candidates it may show.
        stored = _stored(requisition.id)
        if stored is not None:
            generation, everyone = stored
            owed = patterns_of(requisition, only=blind_candidate_ids(viewer))
            if _generation(requisition.id) == generation and all(
                    everyone[pattern] >= n for pattern, n in owed.items()):
                return _figure(requisition, everyone - owed), None
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
        patterns = patterns_of(requisition)
        result = _figure(requisition, patterns)
        db.session.commit()  # end the read: the bootstrap ran without holding a write
        # Stored only if no change came meanwhile: the generation is checked by the UPDATE
        # itself, which on PostgreSQL waits for a change in progress and then sees it (a
        # SELECT then an UPDATE let a change commit in between and stored old patterns as
        # fresh). Otherwise it stays stale for the next run.
        stored = db.session.execute(
            update(AgreementSnapshot)
            .where(AgreementSnapshot.requisition_id == requisition_id,
                   AgreementSnapshot.generation == generation)
            .values(alpha=result.alpha, low=result.low, high=result.high,
                    pairable=result.pairable, units=result.units, minimum=result.minimum,
                    stale=False, computed_at=utcnow(),
                    patterns=[[list(values), n] for values, n in sorted(patterns.items())])
            .execution_options(synchronize_session="fetch"))
        done += stored.rowcount
        db.session.commit()
    return done
