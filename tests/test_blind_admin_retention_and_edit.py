"""What an admin who still owes a scorecard on a candidate ("blind") may do with that
candidate's retention and record, besides not seeing its feedback
(tests/test_attack_independence_wave3.py has the leaks these rules close):

- the retention page lists, and their purge erases, only the due candidates they may see;
  the others wait for another admin's purge or the nightly one;
- they may erase a blind candidate only with a legal basis, whatever its retention clock;
- the candidate form neither shows them the stage nor lets a crafted post move it.

And the candidate form's materials link is saved, checked, and shown in the kit."""

from __future__ import annotations

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Interview
from hiring.services.requisitions import update_candidate
from hiring.services.retention import set_policy
from tests.conftest import csrf_for, login
from tests.test_attack_independence_wave3 import (
    _blind_admin_on,
    _closed_requisition_with_two_blind_candidates,
)


def _client(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _visible_due_candidate(requisition) -> Candidate:
    """A third candidate of the closed requisition, not interviewed by admin@, no decision:
    due 30 days after the close (2026-10-02), long before the clock's 2026-11-27."""
    candidate = Candidate(requisition=requisition, name="Visible Vera", stage="debrief")
    db.session.add(candidate)
    db.session.commit()
    return candidate


def _due_section(html: str) -> str:
    return html.split("Due for erasure now")[1].split("</section>")[0]


def test_a_blind_admin_purges_only_the_due_candidates_they_were_shown(app, people):
    requisition, (held, refused) = _closed_requisition_with_two_blind_candidates(people)
    visible = _visible_due_candidate(requisition)
    set_policy(30, people["admin"])
    ids = {"held": held.id, "refused": refused.id, "visible": visible.id}
    admin = _client(app, people["admin"])

    due = _due_section(admin.get("/admin/retention").get_data(as_text=True))
    # Held Hana is due too (a Hold leaves the clock at the close) but hidden from admin@
    assert f"Candidate {ids['visible']}<" in due
    assert f"Candidate {ids['held']}<" not in due and f"Candidate {ids['refused']}<" not in due
    assert "(1)" in due.split("</h2>")[0] or "Due for erasure now (1)" in due
    assert "Candidates you still owe a scorecard on are not listed" in due
    page = admin.get(f"/admin/candidates/{ids['held']}/retention").get_data(as_text=True)
    # due since 2026-11-01 (a Hold: 30 days after the close): not on its own page either
    assert "2026-11-01" not in page and "retention ended" not in page

    wrong = admin.post("/admin/retention/purge", data={"csrf_token": csrf_for(admin),
                                                       "confirm": "2"})
    assert wrong.status_code == 422
    assert "1 candidate(s) are due now; type 1" in wrong.get_data(as_text=True)
    done = admin.post("/admin/retention/purge", data={"csrf_token": csrf_for(admin),
                                                      "confirm": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    erased = {name for name, cid in ids.items() if db.session.get(Candidate, cid).erased}
    assert erased == {"visible"}

    # the nightly purge (no person) erases what was hidden from admin@
    db.session.commit()  # the test's own session holds no lock the command waits for
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    erased = {name for name, cid in ids.items() if db.session.get(Candidate, cid).erased}
    assert erased == {"visible", "held"}  # No hire on 2026-11-27: not due for 30 days


def test_a_blind_admin_erases_with_a_legal_basis_and_a_seeing_admin_is_told_the_date(
        app, people):
    _, (held, refused) = _closed_requisition_with_two_blind_candidates(people)
    admin = _client(app, people["admin"])
    form = {"csrf_token": csrf_for(admin), "erase-reason": "Request received by email.",
            "erase-confirm": str(held.id)}
    refusal = admin.post(f"/admin/candidates/{held.id}/erase",
                         data={**form, "erase-legal_basis": ""})
    assert refusal.status_code == 422
    text = refusal.get_data(as_text=True)
    assert "You still owe your scorecard on candidate" in text and "2027" not in text
    assert "Request received by email." in text  # the typed reason is kept
    done = admin.post(f"/admin/candidates/{held.id}/erase", data={
        **form, "erase-legal_basis": "Subject's erasure request, GDPR Art. 17(1)(a)."})
    assert done.status_code == 302
    assert db.session.get(Candidate, held.id).erased

    # hm@ interviews neither candidate: told when the period ends (a year after No hire)
    set_policy(365, people["admin"])
    db.session.get(Candidate, refused.id)
    manager_sees = db.session.scalars(select(Interview).where(
        Interview.candidate_id == refused.id,
        Interview.interviewer_id == people["hiring_manager"].id)).all()
    assert manager_sees == []
    people["hiring_manager"].role = "admin"  # an admin who is not on the loop
    db.session.commit()
    other = _client(app, people["hiring_manager"])
    told = other.post(f"/admin/candidates/{refused.id}/erase", data={
        "csrf_token": csrf_for(other), "erase-reason": "Request received by email.",
        "erase-confirm": str(refused.id), "erase-legal_basis": ""})
    assert told.status_code == 422
    assert "within the retention period until 2027-11-27" in told.get_data(as_text=True)


def _candidate_form(candidate, **fields) -> dict:
    return {"name": candidate.name, "email": candidate.email, "notes": "",
            "materials_url": "", **fields}


def test_a_crafted_stage_from_a_blind_admin_moves_nothing_and_a_seeing_admin_moves_it(
        app, people, loop):
    candidate = loop["candidate"]
    cid = candidate.id
    _blind_admin_on(candidate, people["admin"])
    admin = _client(app, people["admin"])
    page = admin.get(f"/candidates/{cid}/edit").get_data(as_text=True)
    assert 'name="stage"' not in page and "Stage: hidden until you submit" in page
    posted = admin.post(f"/candidates/{cid}/edit", data=_candidate_form(
        candidate, csrf_token=csrf_for(admin), stage="offer", name="Casey C. Candidate"))
    assert posted.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Candidate, cid)
    assert (stored.name, stored.stage) == ("Casey C. Candidate", "applied")
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "stage_changed")) is None
    # the rule is the service's: a script that names a stage for a blind editor moves nothing
    update_candidate(stored, stored.name, stored.email, "hired", "", actor=people["admin"])
    db.session.expire_all()
    assert db.session.get(Candidate, cid).stage == "applied"

    other = loop["other_candidate"]  # admin@ is not on its loop: the stage is theirs to move
    oid = other.id
    moved = admin.post(f"/candidates/{oid}/edit", data=_candidate_form(
        other, csrf_token=csrf_for(admin), stage="interviewing"))
    assert moved.status_code == 302, moved.get_data(as_text=True)[-2500:]
    db.session.expire_all()
    assert db.session.get(Candidate, oid).stage == "interviewing"
    assert db.session.scalar(select(AuditEvent.details).where(
        AuditEvent.event == "stage_changed"))["to"] == "interviewing"


def test_the_materials_link_is_saved_checked_and_shown_in_the_kit(app, people, loop):
    candidate = loop["candidate"]
    cid, interview_id = candidate.id, loop["interview"].id
    manager = _client(app, people["admin"])  # not on the loop
    token = csrf_for(manager)
    hostile = manager.post(f"/candidates/{cid}/edit", data=_candidate_form(
        candidate, csrf_token=token, stage="applied", notes="Bring the laptop.",
        materials_url="javascript:alert(1)"))
    assert hostile.status_code in (200, 422)
    html = hostile.get_data(as_text=True)
    assert "Give a link starting with http:// or https://." in html
    assert "Bring the laptop." in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Candidate, cid).materials_url == ""

    link = "https://files.example.com/casey-cv.pdf"
    saved = manager.post(f"/candidates/{cid}/edit", data=_candidate_form(
        candidate, csrf_token=token, stage="applied", materials_url=f"  {link} "))
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, cid).materials_url == link
    changed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "candidate_changed")).all()
    assert [e.details["fields"] for e in changed] == [["materials_url"]]
    assert link not in str([e.details for e in changed])  # named, never quoted

    interviewer = _client(app, people["interviewer"])
    kit = interviewer.get(f"/interviews/{interview_id}/kit").get_data(as_text=True)
    assert f'href="{link}"' in kit

    added = manager.post(f"/requisitions/{loop['requisition'].id}/candidates/new", data={
        "csrf_token": token, "name": "Noor New", "email": "", "stage": "applied",
        "notes": "", "materials_url": "https://example.com/noor"})
    assert added.status_code == 302
    assert db.session.scalar(select(Candidate.materials_url).where(
        Candidate.name == "Noor New")) == "https://example.com/noor"
