"""The agreement figure of a viewer who still owes a scorecard on some candidates: computed
from the stored rating patterns minus those candidates' own, it must be the figure of the
other candidates alone (alpha from the `krippendorff` package over the planted ratings),
never include a rating of a candidate the viewer may not see, and fall back to reading the
visible candidates whenever the stored patterns are missing, stale, or changed meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

import krippendorff
import numpy as np
import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy import event, select

from hiring.extensions import db
from hiring.models import AgreementSnapshot, Candidate, Interview, ScoreSnapshot
from hiring.services import agreement_stats
from hiring.services.calibration_job import fit
from hiring.services.derived_work import scorecards_changed
from tests.scale_data import panel_of, requisition_with

CANDIDATES = 12
OWED = (3, 8)  # the hiring manager interviews these two and has not submitted


def planted(c: int, i: int, k: int) -> int:
    """Rater i (0-3) of candidate c on dimension k. The owed candidates get wild ratings
    (1 and 4 alternating): counting them would move alpha a long way."""
    if c in OWED:
        return 1 if (i + k) % 2 else 4
    return 1 + (c // 3 + (i * k) % 2) % 4


def world(people):
    requisition = requisition_with(people, CANDIDATES, panel_of(3), rating=planted)
    owed = db.session.scalars(select(Candidate).where(
        Candidate.requisition_id == requisition.id,
        Candidate.name.in_([f"Scale Candidate {c:03d}" for c in OWED]))).all()
    for candidate in owed:
        db.session.add(Interview(candidate=candidate, interviewer=people["hiring_manager"],
                                 kind="technical",
                                 scheduled_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)))
    db.session.add(AgreementSnapshot(requisition_id=requisition.id, stale=True, generation=1))
    db.session.commit()
    return requisition


def oracle_alpha(dimensions: int) -> float:
    """The package's ordinal alpha over the visible candidates' planted ratings: coders are
    the 4 raters, units the (candidate, dimension) pairs."""
    visible = [c for c in range(CANDIDATES) if c not in OWED]
    matrix = np.array([[planted(c, i, k) for c in visible for k in range(dimensions)]
                       for i in range(4)], dtype=float)
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")


def test_the_owed_viewers_figure_is_the_other_candidates_alone(app, people):
    requisition = world(people)
    manager = people["hiring_manager"]
    dimensions = len(requisition.template.dimensions)
    live, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    fit()  # stores the figure over everyone, with its patterns
    row = db.session.get(AgreementSnapshot, requisition.id)
    db.session.refresh(row)
    assert row.stale is False and row.patterns
    assert sum(n for _, n in row.patterns) == CANDIDATES * dimensions
    everyone, _ = agreement_stats.for_viewer(requisition, people["admin"], blind_here=False)
    from_stored, at = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    assert at is None  # computed for this view
    visible_units = (CANDIDATES - len(OWED)) * dimensions
    assert (from_stored.units, from_stored.pairable) == (visible_units, 4 * visible_units)
    assert from_stored.alpha == pytest.approx(oracle_alpha(dimensions), abs=1e-9)
    assert everyone.alpha != pytest.approx(from_stored.alpha, abs=0.05)  # the owed count
    # the same counts as reading the visible candidates, so the same interval to the bit
    assert (from_stored.alpha, from_stored.low, from_stored.high) == (
        live.alpha, live.low, live.high)


def test_missing_or_stale_patterns_read_the_visible_candidates(app, people):
    requisition = world(people)
    manager = people["hiring_manager"]
    fit()
    expected, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    row = db.session.get(AgreementSnapshot, requisition.id)
    row.patterns = None  # a figure stored before the patterns were
    db.session.commit()
    assert agreement_stats.for_viewer(requisition, manager, True)[0] == expected
    agreement_stats.mark_stale(requisition.id)
    db.session.commit()
    assert agreement_stats.for_viewer(requisition, manager, True)[0] == expected


def test_a_change_between_the_reads_never_mixes_old_counts_with_new_ratings(
        app, people, database_url):
    """Another transaction commits right after the page read the stored patterns: an owed
    candidate now has the ratings of a visible one (so the subtraction would still look
    plausible). The figure must stay the visible candidates' own."""
    requisition = world(people)
    manager = people["hiring_manager"]
    fit()
    expected, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    ids = dict(db.session.execute(select(Candidate.name, Candidate.id).where(
        Candidate.requisition_id == requisition.id)).all())
    owed_id, visible_id = ids["Scale Candidate 003"], ids["Scale Candidate 004"]
    other = sa.create_engine(database_url)
    fired = []

    def change_after_the_stored_read(conn, cursor, statement, *args):
        if fired or "agreement_snapshot.patterns" not in statement:
            return
        fired.append(statement)
        with other.begin() as writer:  # what a submission's transaction commits
            copied = writer.execute(select(ScoreSnapshot.__table__.c.dimensions).where(
                ScoreSnapshot.__table__.c.candidate_id == visible_id)).scalar_one()
            writer.execute(ScoreSnapshot.__table__.update().where(
                ScoreSnapshot.__table__.c.candidate_id == owed_id).values(dimensions=copied))
            writer.execute(AgreementSnapshot.__table__.update().where(
                AgreementSnapshot.__table__.c.requisition_id == requisition.id).values(
                stale=True, generation=AgreementSnapshot.__table__.c.generation + 1))

    db.session.commit()
    # as in the page's GET request: on SQLite its transaction begins DEFERRED (a reader
    # beside the writer, hiring/database.py), not holding the write lock as set-up does
    g._read_only = True
    event.listen(db.engine, "after_cursor_execute", change_after_the_stored_read)
    try:
        got, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    finally:
        g.pop("_read_only")
        db.session.commit()
        event.remove(db.engine, "after_cursor_execute", change_after_the_stored_read)
        other.dispose()
    assert fired
    assert got == expected


def test_a_submission_by_the_viewer_ends_the_subtraction(app, people):
    """Once the manager submits on an owed candidate, that candidate is visible to them and
    the stored figure is stale until refitted: the figure then counts it."""
    from hiring.models import Scorecard

    requisition = world(people)
    manager = people["hiring_manager"]
    fit()
    before, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    interview = db.session.scalars(select(Interview).where(
        Interview.interviewer_id == manager.id)).first()
    db.session.add(Scorecard(interview=interview, author=manager, status="submitted",
                             overall=2))
    db.session.flush()
    scorecards_changed(interview.candidate_id)
    db.session.commit()
    after, _ = agreement_stats.for_viewer(requisition, manager, blind_here=True)
    dimensions = len(requisition.template.dimensions)
    assert after.units == before.units + dimensions
