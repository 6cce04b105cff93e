"""Interview.scorecard_in, which the dashboards' "waiting for feedback" lists read from an
index, must always equal "the interviewer's own scorecard is submitted", however the
scorecards are written."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from hiring import create_app
from hiring.extensions import db
from hiring.models import Interview, Scorecard
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests import retention_world as world
from tests.conftest import app_config, make_people
from tests.scale_data import panel_of, requisition_with
from tests.test_migrations import _fresh_url


def _wrong_flags() -> list[tuple[int, bool, bool]]:
    """(interview, stored flag, what the scorecards say) wherever the two differ."""
    own = select(Scorecard.id).where(Scorecard.interview_id == Interview.id,
                                     Scorecard.author_id == Interview.interviewer_id,
                                     Scorecard.status == "submitted").exists()
    rows = db.session.execute(select(Interview.id, Interview.scorecard_in, own)).all()
    return [(i, bool(stored), bool(real)) for i, stored, real in rows
            if bool(stored) != bool(real)]


def test_scorecard_in_follows_the_scorecards(app, loop, people):
    """Written through the services (the loop fixture's peer submitted, a draft, a
    submission), directly (tests' builders, the demo), moved to another interviewer,
    deleted: the flag always says whether the interviewer's own scorecard is submitted."""
    assert _wrong_flags() == []
    peer_interview = db.session.get(Interview, loop["peer_interview"].id)
    assert peer_interview.scorecard_in and not loop["interview"].scorecard_in
    interview = loop["interview"]
    card = get_or_create(interview, people["interviewer"])
    dims = loop["template"].dimensions
    evidence = "Walked through a concrete incident review with metrics and follow-ups."
    data = ScorecardInput(ratings={d.id: (3, evidence) for d in dims[:2]}, overall=3,
                          case_notes=evidence)
    save(card, data, card.lock_version, submit=False)  # a draft: still waiting
    assert _wrong_flags() == [] and not interview.scorecard_in
    save(card, data, card.lock_version, submit=True)
    assert _wrong_flags() == [] and interview.scorecard_in
    # someone else's submitted scorecard on the interview does not count
    spare = loop["spare"]
    db.session.add(Scorecard(interview=spare, author=people["interviewer"], status="submitted"))
    db.session.commit()
    assert _wrong_flags() == [] and not spare.scorecard_in
    spare.interviewer = people["interviewer"]  # ...until it is the interviewer's own
    db.session.commit()
    assert _wrong_flags() == [] and spare.scorecard_in
    new = Interview(candidate=loop["candidate"], interviewer=people["interviewer2"],
                    kind="other", scheduled_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    db.session.add_all([new, Scorecard(interview=new, author=people["interviewer2"],
                                       status="submitted")])
    db.session.commit()
    assert _wrong_flags() == [] and new.scorecard_in
    db.session.delete(db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == new.id)))
    db.session.commit()
    assert _wrong_flags() == [] and not new.scorecard_in
    requisition_with(people, 3, panel_of(2))  # the builders write scorecards directly
    assert _wrong_flags() == []


def test_the_migration_fills_scorecard_in_from_the_scorecards(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        world.build(make_people()["admin"])
        submitted = db.session.scalar(select(sa.func.count()).select_from(Interview).where(
            Interview.scorecard_in))
        assert submitted and _wrong_flags() == []
        db.session.remove()
        downgrade(revision="i13d_calibration_reports")
        upgrade()
        assert _wrong_flags() == []
        assert db.session.scalar(select(sa.func.count()).select_from(Interview).where(
            Interview.scorecard_in)) == submitted
        db.session.remove()
        db.engine.dispose()
