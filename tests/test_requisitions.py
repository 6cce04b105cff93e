"""Admins set up requisitions, candidates and loops; hiring managers adjust weights."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import Candidate, Interview, Requisition, WeightAdjustment
from tests.access import client_for
from tests.conftest import csrf_for


def test_admin_creates_a_requisition_pinned_to_the_latest_template(app, people, loop):
    admin, _ = client_for(app, "admin")
    response = admin.post("/requisitions/new", data={
        "csrf_token": csrf_for(admin), "title": "EM, Platform", "team": "Platform",
        "template_id": loop["template"].id, "hiring_manager_id": people["hiring_manager"].id,
        "status": "open"})
    assert response.status_code == 302
    req = db.session.scalar(select(Requisition).where(Requisition.title == "EM, Platform"))
    assert req.template_id == loop["template"].id
    bad = admin.post("/requisitions/new", data={
        "csrf_token": csrf_for(admin), "title": "", "template_id": 99999,
        "hiring_manager_id": people["interviewer"].id, "status": "bogus"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "This field is required." in html
    assert "Not a valid choice" in html  # an interviewer cannot own a requisition


def test_weight_changes_need_a_rationale_and_are_recorded(app, loop):
    hm, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{loop['requisition'].id}/weights"
    dims = loop["template"].dimensions
    data = {f"weight_{d.id}": d.weight for d in dims}
    data[f"weight_{dims[0].id}"] = 40
    response = hm.post(url, data=dict(data, csrf_token=csrf_for(hm)))
    assert "Say why the weights change" in response.get_data(as_text=True)
    assert 'value="40' in response.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(select(WeightAdjustment)) is None
    response = hm.post(url, data=dict(data, csrf_token=csrf_for(hm),
                                      rationale="Execution matters most for this team"))
    assert response.status_code == 302
    [change] = db.session.scalars(select(WeightAdjustment)).all()
    assert (change.previous_weight, change.weight) == (20, 40)
    assert change.rationale == "Execution matters most for this team"
    req = db.session.get(Requisition, loop["requisition"].id)
    assert req.effective_weights()[dims[0].id] == 40
    assert dims[0].weight == 20  # the template itself is untouched
    page = hm.get(f"/requisitions/{req.id}").get_data(as_text=True)
    assert "Execution matters most for this team" in page
    negative = hm.post(url, data=dict(data, csrf_token=csrf_for(hm), rationale="x",
                                      **{f"weight_{dims[1].id}": -5}))
    assert "Give a number from 0 to 100." in negative.get_data(as_text=True)


def test_candidates_loops_coverage_and_suggested_plan(app, people, loop):
    admin, _ = client_for(app, "admin")
    req = loop["requisition"]
    response = admin.post(f"/requisitions/{req.id}/candidates/new", data={
        "csrf_token": csrf_for(admin), "name": "Riley Newcomer", "email": "riley@example.com",
        "stage": "interviewing", "notes": "Prefers mornings."})
    assert response.status_code == 302
    candidate = db.session.scalar(select(Candidate).where(Candidate.name == "Riley Newcomer"))
    dims = loop["template"].dimensions
    for person in ("interviewer", "interviewer2"):
        admin.post(f"/candidates/{candidate.id}/interviews/new", data={
            "csrf_token": csrf_for(admin), "interviewer_id": people[person].id,
            "kind": "technical", "scheduled_at": "2026-12-01T10:00",
            "focus": [dims[0].id], "case_study_id": 0})
    interviews = db.session.scalars(select(Interview).where(
        Interview.candidate_id == candidate.id)).all()
    assert len(interviews) == 2
    page = admin.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Nobody covers:" in page and dims[1].name in page.split("Nobody covers:")[1]
    assert admin.post(f"/candidates/{candidate.id}/plan",
                      data={"csrf_token": csrf_for(admin)}).status_code == 302
    db.session.expire_all()
    covered = {d.id for i in interviews for d in db.session.get(Interview, i.id).focus}
    assert covered == {d.id for d in dims}
    page = admin.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Every dimension is covered by at least one interview." in page
    bad = admin.post(f"/candidates/{candidate.id}/interviews/new", data={
        "csrf_token": csrf_for(admin), "interviewer_id": people["interviewer"].id,
        "kind": "technical", "scheduled_at": "tomorrow-ish", "case_study_id": 0})
    assert "Not a valid datetime value." in bad.get_data(as_text=True)


def test_interviews_with_scorecards_cannot_be_removed(app, loop):
    admin, _ = client_for(app, "admin")
    peer_interview = loop["peer_interview"]
    response = admin.post(f"/interviews/{peer_interview.id}/delete",
                          data={"csrf_token": csrf_for(admin)})
    assert response.status_code == 302
    assert db.session.get(Interview, peer_interview.id) is not None
    spare_id = loop["spare"].id
    admin.post(f"/interviews/{spare_id}/delete", data={"csrf_token": csrf_for(admin)})
    db.session.expunge_all()
    assert db.session.get(Interview, spare_id) is None


def test_candidate_page_names_heavy_dimensions_with_only_one_rater(app, people, loop):
    """The loop fixture gives every dimension exactly one rater; every dimension holding
    at least the configured share of the weight (20% by default) is named, the lighter
    ones are not."""
    admin, _ = client_for(app, "admin")
    dims = loop["template"].dimensions
    total = sum(d.weight for d in dims)
    heavy = [escape(d.name) for d in dims if d.weight * 5 >= total]
    light = [escape(d.name) for d in dims if d.weight * 5 < total]
    assert heavy and light  # the blueprint has both kinds, or this test proves nothing
    page = admin.get(f"/candidates/{loop['candidate'].id}").get_data(as_text=True)
    banner = page.split("Only one rater on:")[1].split("</p>")[0]
    assert all(name in banner for name in heavy)
    assert not any(name in banner for name in light)
