"""Rater effects are fitted in the background and stored; a debrief reads the stored
estimates, so its cost does not grow with the history."""

from __future__ import annotations

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import RaterEstimate, User
from hiring.services.calibration_job import fit
from tests.conftest import make_app
from tests.scale_data import panel_of, requisition_with


def lenient_history(people, candidates: int):
    """Planted truth: Panelist 0 rates every dimension 4 while the other two panelists
    and iv@ rate 2, on every candidate: Panelist 0 is lenient, the others severe or in
    line."""
    panel = panel_of(3)
    req = requisition_with(people, candidates, panel,
                           rating=lambda c, i, d: 4 if i == 0 else 2)
    return req, panel


def test_fit_stores_estimates_with_fit_time(app, people):
    _, panel = lenient_history(people, 6)
    assert fit() == 4
    estimates = {e.interviewer_id: e for e in db.session.scalars(select(RaterEstimate))}
    lenient = estimates[panel[0].id]
    assert lenient.deviation > 0.5 and lenient.tendency == "lenient"
    assert estimates[panel[1].id].deviation < 0
    assert lenient.fitted_at is not None and lenient.compared
    # refitting replaces, never duplicates
    assert fit() == 4
    assert len(db.session.scalars(select(RaterEstimate)).all()) == 4


def test_a_submission_queues_a_fit_on_the_thread(database_url, tmp_path):
    from hiring.packets.queue import wait_for_background
    from hiring.services.scorecards import ScorecardInput, get_or_create, save
    from tests.conftest import empty_database, make_people

    app = make_app(database_url, BACKGROUND_JOBS="thread",
                   PACKET_CACHE_DIR=str(tmp_path / "packets"), PDF_RENDER_TIMEOUT=300)
    with app.app_context():
        try:
            people = make_people()
            req, panel = lenient_history(people, 5)
            candidate = req.candidates[0]
            from datetime import UTC, datetime

            from hiring.models import Interview

            extra = Interview(candidate=candidate, interviewer=people["interviewer2"],
                              kind="other", scheduled_at=datetime(2026, 11, 3, tzinfo=UTC))
            db.session.add(extra)
            db.session.commit()
            assert db.session.scalar(select(RaterEstimate)) is None
            card = get_or_create(extra, db.session.get(User, people["interviewer2"].id))
            dim = req.template.dimensions[0].id
            save(card, ScorecardInput(ratings={dim: (3, "Evidence of the right length.")},
                                      overall=3), card.lock_version, submit=True)
            db.session.commit()
            wait_for_background()
            db.session.expire_all()
            assert db.session.scalar(select(RaterEstimate).where(
                RaterEstimate.interviewer_id == panel[0].id)) is not None
        finally:
            db.session.commit()
            wait_for_background()
            empty_database()
