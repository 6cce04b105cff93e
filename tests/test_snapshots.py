"""Stored score snapshots: recomputed exactly when an input changes, equal to the fresh
debrief, never shown to someone blind to the candidate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hiring.core import scoring
from hiring.extensions import db
from hiring.models import Candidate, Scorecard, ScoreSnapshot
from hiring.services import snapshots
from hiring.services.debrief import build_debrief, load_candidate
from hiring.services.scorecards import ScorecardInput, amend, get_or_create, save
from tests.access import client_for
from tests.conftest import csrf_for
from tests.scale_data import panel_of, requisition_with

EVIDENCE = "Walked through a concrete incident review with metrics and follow-ups."


def snap(candidate_id: int) -> ScoreSnapshot | None:
    db.session.expire_all()
    return db.session.get(ScoreSnapshot, candidate_id)


def stamp(candidate_id: int):
    s = snap(candidate_id)
    return None if s is None else (s.computed_at, s.composite_100, s.recommendation)


def test_snapshot_matches_hand_computed_numbers(app, people):
    # 3 panelists + iv@ rate every dimension 3 on the 1-4 scale: composite 3 on the scale,
    # 100 * (3 - 1) / (4 - 1) = 66.67 on 0-100: the Hire band (60 <= x < 80); all 6
    # dimensions assessed: coverage 1; 4 submitted, quorum 3.
    req = requisition_with(people, 2, panel_of(3), rating=lambda c, i, d: 3)
    for candidate in req.candidates:
        s = snap(candidate.id)
        assert s.composite_100 == pytest.approx(200 / 3)
        assert s.recommendation == "Hire" and s.band == "Hire"
        assert s.coverage == pytest.approx(1.0)
        assert s.submitted == 4 and s.red_flags == 0
        assert s.formula_version == scoring.FORMULA_VERSION


def test_debrief_computes_fresh_and_equals_the_snapshot(app, people):
    req = requisition_with(people, 3, panel_of(3))
    for candidate in req.candidates:
        fresh = build_debrief(load_candidate(candidate.id)).result
        stored = snap(candidate.id)
        assert stored.composite_100 == pytest.approx(float(fresh.composite_100))
        assert stored.coverage == pytest.approx(float(fresh.coverage))
        assert stored.recommendation == fresh.recommendation
        assert stored.band == fresh.band_recommendation
        assert stored.needs_discussion == fresh.needs_discussion
        assert stored.split_vote == fresh.split_vote
        assert stored.submitted == fresh.submitted
        assert {int(k): v for k, v in stored.votes.items()} == dict(fresh.votes)
        assert stored.contested == list(fresh.contested)


def _input(rating: int) -> ScorecardInput:
    return ScorecardInput(ratings={d: (rating, EVIDENCE) for d in DIMS}, overall=3)


DIMS: list[int] = []


def test_each_input_change_refreshes_and_nothing_else_does(app, people, loop):
    global DIMS
    DIMS = [d.id for d in loop["template"].dimensions]
    candidate, other = loop["candidate"], loop["other_candidate"]
    before, other_before = stamp(candidate.id), stamp(other.id)
    assert before is not None  # the peer's submission made one

    def agreement_generation():
        from hiring.models import AgreementSnapshot

        db.session.expire_all()
        row = db.session.get(AgreementSnapshot, loop["requisition"].id)
        return None if row is None else (row.generation, row.stale)

    agreement_before = agreement_generation()
    # a draft save: not an input
    card = get_or_create(loop["interview"], people["interviewer"])
    save(card, _input(4), card.lock_version)
    assert stamp(candidate.id) == before
    assert agreement_generation() == agreement_before

    # submitting: an input
    card = db.session.get(Scorecard, card.id)
    save(card, _input(4), card.lock_version, submit=True)
    after_submit = stamp(candidate.id)
    assert after_submit != before and snap(candidate.id).submitted == 2
    assert stamp(other.id) == other_before  # another candidate's: untouched
    # the requisition's agreement figure is stale from this transaction on
    generation, stale = agreement_generation()
    assert stale and generation == (agreement_before or (0,))[0] + 1

    # amending: an input
    card = db.session.get(Scorecard, card.id)
    amend(card, _input(1), "Misread my notes", people["interviewer"], card.lock_version)
    after_amend = stamp(candidate.id)
    assert after_amend != after_submit
    assert snap(candidate.id).composite_100 < after_submit[1]

    # an amendment that changes nothing: no new snapshot
    card = db.session.get(Scorecard, card.id)
    amend(card, _input(1), "No change", people["interviewer"], card.lock_version)
    assert stamp(candidate.id) == after_amend

    hm, token = client_for(app, "hiring_manager")
    req = loop["requisition"]
    # editing the candidate, or recording a decision: not an input of the score
    admin, admin_token = client_for(app, "admin")
    admin.post(f"/candidates/{candidate.id}/edit", data={
        "csrf_token": admin_token, "name": "Casey Renamed", "email": "casey@example.com",
        "stage": "offer", "notes": ""})
    assert db.session.get(Candidate, candidate.id).name == "Casey Renamed"
    assert stamp(candidate.id) == after_amend

    # weights: an input of every candidate of the requisition, and of no other
    dims = loop["template"].dimensions
    data = {f"weight_{d.id}": d.weight for d in dims}
    data[f"weight_{dims[0].id}"] = 60
    response = hm.post(f"/requisitions/{req.id}/weights",
                       data=dict(data, csrf_token=csrf_for(hm), rationale="Execution first"))
    assert response.status_code == 302
    after_weights = stamp(candidate.id)
    assert after_weights[0] != after_amend[0]
    assert stamp(other.id) == other_before

    # the same weights again: nothing changed, nothing recomputed
    hm.post(f"/requisitions/{req.id}/weights",
            data=dict(data, csrf_token=csrf_for(hm), rationale="Same"))
    assert stamp(candidate.id) == after_weights

    # decision settings: an input (a quorum of 1 changes the recommendation here)
    response = hm.post(f"/requisitions/{req.id}/settings", data={
        "csrf_token": csrf_for(hm), "strong_hire_at": 80, "hire_at": 60, "lean_no_at": 35,
        "quorum": 1, "min_coverage": 0.1, "rationale": "Small loop"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    after_settings = stamp(candidate.id)
    assert after_settings[0] != after_weights[0]
    assert after_settings[2] != "Not enough evidence"
    assert stamp(other.id) == other_before


def test_stale_formula_version_is_computed_for_the_page_and_refreshed_by_the_cli(app, people):
    req = requisition_with(people, 2, panel_of(2))
    ids = [c.id for c in req.candidates]
    db.session.execute(ScoreSnapshot.__table__.update().values(formula_version=-1))
    db.session.commit()
    hm, _ = client_for(app, "hiring_manager")
    html = hm.get(f"/requisitions/{req.id}").get_data(as_text=True)
    assert html.count("No scorecards yet") == 0  # shown, computed for the page
    assert all(snap(i).formula_version == -1 for i in ids)  # a GET writes nothing
    runner = app.test_cli_runner()
    result = runner.invoke(args=["snapshots", "refresh"])
    assert result.exit_code == 0, result.output
    assert all(snap(i).formula_version == scoring.FORMULA_VERSION for i in ids)


def test_blind_viewer_never_sees_a_snapshot(app, loop):
    # hm@ owns the requisition and interviews Casey without having submitted: blind.
    hm, _ = client_for(app, "hiring_manager")
    req, candidate = loop["requisition"], loop["candidate"]
    assert snap(candidate.id) is not None
    for url in (f"/requisitions/{req.id}",):
        html = hm.get(url).get_data(as_text=True)
        assert "Casey Candidate" in html
        assert "Hidden until you submit" in html, url
        assert "Not enough evidence" not in html
    admin, _ = client_for(app, "admin")
    html = admin.get(f"/requisitions/{req.id}").get_data(as_text=True)
    assert "Not enough evidence" in html and "Hidden until" not in html


def test_refresh_stale_covers_candidates_without_snapshots(app, people):
    req = requisition_with(people, 2, panel_of(1))
    db.session.execute(ScoreSnapshot.__table__.delete())
    db.session.commit()
    assert snapshots.refresh_stale() == 2
    db.session.commit()
    assert len(db.session.scalars(select(ScoreSnapshot).where(
        ScoreSnapshot.requisition_id == req.id)).all()) == 2
