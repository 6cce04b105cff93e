"""Issue 11 item 7: every change to requisitions, weights, settings, candidates, interviews
and loop plans writes exactly one expected audit event (two for a candidate edit that also
moves the stage), naming the actor, the subject and what changed, through the pages that
make the change. Candidates' personal data and other people's feedback never appear."""

from __future__ import annotations

from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Interview, Requisition
from hiring.services.audit_chain import verify
from tests.access import client_for
from tests.conftest import csrf_for

EVIDENCE = "Walked through a concrete incident review with metrics and follow-ups."


def last_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def since(mark: int) -> list[tuple]:
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.id > mark)
                              .order_by(AuditEvent.id)).all()
    return [(e.event, e.actor_email, e.target, e.details) for e in rows]


def everything() -> str:
    return " ".join(f"{e.details} {e.summary} {e.target}"
                    for e in db.session.scalars(select(AuditEvent)))


def post(client, url, **data):
    response = client.post(url, data={"csrf_token": csrf_for(client), **data})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return response


def test_requisition_create_edit_weights_and_settings(app, loop, people):
    client, _ = client_for(app, "admin")  # requisitions are managed by admins
    hm = people["hiring_manager"]
    mark = last_id()
    post(client, "/requisitions/new", title="Staff EM", team="Ledger",
         template_id=str(loop["template"].id), hiring_manager_id=str(hm.id), status="open")
    new = db.session.scalar(select(Requisition).where(Requisition.title == "Staff EM"))
    assert since(mark) == [("requisition_created", "admin@example.com", f"requisition:{new.id}", {
        "title": "Staff EM", "team": "Ledger", "template": loop["template"].id,
        "hiring_manager_id": hm.id, "status": "open"})]

    mark = last_id()
    post(client, f"/requisitions/{new.id}/edit", title="Staff EM, Ledger", team="Ledger",
         hiring_manager_id=str(hm.id), status="on_hold")
    assert since(mark) == [("requisition_changed", "admin@example.com", f"requisition:{new.id}",
                            {"changes": {"title": ["Staff EM", "Staff EM, Ledger"],
                                         "status": ["open", "on_hold"]}})]
    mark = last_id()  # saving without a change records nothing
    post(client, f"/requisitions/{new.id}/edit", title="Staff EM, Ledger", team="Ledger",
         hiring_manager_id=str(hm.id), status="on_hold")
    assert since(mark) == []

    client, _ = client_for(app, "hiring_manager")  # weights and settings: its owner
    req = loop["requisition"]
    dims = loop["template"].dimensions
    before = {d.id: d.weight for d in dims}  # the blueprint's weights, untouched so far
    first, second = dims[0].id, dims[1].id
    form = {f"weight_{d}": str(w) for d, w in before.items()}
    form[f"weight_{first}"], form[f"weight_{second}"] = "40", "1.5"
    mark = last_id()
    post(client, f"/requisitions/{req.id}/weights", rationale="Payments needs delivery",
         **form)
    assert since(mark) == [("weights_changed", "hm@example.com", f"requisition:{req.id}", {
        "weights": {str(first): [before[first], 40.0], str(second): [before[second], 1.5]},
        "rationale": "Payments needs delivery"})]

    mark = last_id()
    post(client, f"/requisitions/{req.id}/settings", strong_hire_at="90", hire_at="50",
         lean_no_at="30", quorum="1", min_coverage="0.1", rationale="Small loop")
    # from the documented defaults (Strong hire 80, Hire 60, Lean no 35, quorum 3,
    # coverage 0.8) to the posted values
    assert since(mark) == [("settings_changed", "hm@example.com", f"requisition:{req.id}", {
        "changes": {"strong_hire_at": [80.0, 90.0], "hire_at": [60.0, 50.0],
                    "lean_no_at": [35.0, 30.0], "quorum": [3, 1], "min_coverage": [0.8, 0.1]},
        "rationale": "Small loop"})]
    mark = last_id()
    post(client, f"/requisitions/{req.id}/settings", strong_hire_at="90", hire_at="55",
         lean_no_at="30", quorum="1", min_coverage="0.1", rationale="One band")
    assert since(mark) == [("settings_changed", "hm@example.com", f"requisition:{req.id}", {
        "changes": {"hire_at": [50.0, 55.0]}, "rationale": "One band"})]
    assert verify().ok


def test_candidate_create_and_edit_name_fields_never_values(app, loop):
    client, _ = client_for(app, "admin")
    req = loop["requisition"]
    mark = last_id()
    post(client, f"/requisitions/{req.id}/candidates/new", name="Quinn Privatename",
         email="quinn.private@example.org", stage="applied", notes="Referral-note-Zeta")
    new = db.session.scalar(select(Candidate).where(Candidate.name == "Quinn Privatename"))
    assert since(mark) == [("candidate_created", "admin@example.com", f"candidate:{new.id}", {
        "requisition": req.id, "stage": "applied", "fields": ["email", "name", "notes"]})]

    mark = last_id()
    post(client, f"/candidates/{new.id}/edit", name="Quinn Otherprivate",
         email="quinn.private@example.org", stage="screening", notes="Referral-note-Zeta")
    assert since(mark) == [
        ("stage_changed", "admin@example.com", f"candidate:{new.id}",
         {"from": "applied", "to": "screening", "because": "edited"}),
        ("candidate_changed", "admin@example.com", f"candidate:{new.id}", {"fields": ["name"]})]
    mark = last_id()
    post(client, f"/candidates/{new.id}/edit", name="Quinn Otherprivate",
         email="quinn.private@example.org", stage="screening", notes="Referral-note-Zeta 2")
    assert since(mark) == [("candidate_changed", "admin@example.com", f"candidate:{new.id}",
                            {"fields": ["notes"]})]
    text = everything()
    for personal in ("Privatename", "Otherprivate", "quinn.private", "Referral-note"):
        assert personal not in text
    assert verify().ok


def test_interview_add_edit_remove_and_loop_plan(app, loop, people):
    client, _ = client_for(app, "admin")
    candidate, dims = loop["candidate"], loop["template"].dimensions
    iv2 = people["interviewer2"]
    mark = last_id()
    post(client, f"/candidates/{candidate.id}/interviews/new", interviewer_id=str(iv2.id),
         kind="technical", title="Systems", scheduled_at="2026-12-01T10:00",
         duration_minutes="45", location="https://video.example/secret-room-42",
         focus=[str(dims[0].id), str(dims[1].id)], case_study_id="0")
    new = db.session.scalar(select(Interview).where(Interview.title == "Systems"))
    assert since(mark) == [("interview_created", "admin@example.com", f"candidate:{candidate.id}", {
        "interview": new.id, "interviewer_id": iv2.id, "kind": "technical",
        "scheduled_at": "2026-12-01T10:00:00+00:00", "duration_minutes": 45,
        "case_study_id": None, "focus": sorted([dims[0].id, dims[1].id])})]

    mark = last_id()
    post(client, f"/interviews/{new.id}/edit", interviewer_id=str(iv2.id), kind="behavioral",
         title="Systems", scheduled_at="2026-12-01T11:30", duration_minutes="45",
         location="https://video.example/secret-room-43", focus=[str(dims[0].id)],
         case_study_id="0")
    assert since(mark) == [("interview_changed", "admin@example.com", f"candidate:{candidate.id}", {
        "interview": new.id,
        "changes": {"kind": ["technical", "behavioral"],
                    "scheduled_at": ["2026-12-01T10:00:00+00:00", "2026-12-01T11:30:00+00:00"],
                    "focus": [sorted([dims[0].id, dims[1].id]), [dims[0].id]]},
        "fields": ["location"]})]

    mark, new_id = last_id(), new.id
    post(client, f"/interviews/{new_id}/delete")
    assert since(mark) == [("interview_deleted", "admin@example.com", f"candidate:{candidate.id}",
                            {"interview": new_id, "interviewer_id": iv2.id,
                             "kind": "behavioral"})]

    # the planner gives the open interviews (iv@'s, hm@'s, the spare) new focus; peer@'s
    # (submitted) keeps its own. The event names each changed interview's old and new focus.
    before = {i.id: sorted(d.id for d in i.focus) for i in db.session.scalars(
        select(Interview).where(Interview.candidate_id == candidate.id))}
    mark = last_id()
    post(client, f"/candidates/{candidate.id}/plan")
    db.session.expire_all()
    after = {i.id: sorted(d.id for d in i.focus) for i in db.session.scalars(
        select(Interview).where(Interview.candidate_id == candidate.id))}
    assert after[loop["peer_interview"].id] == before[loop["peer_interview"].id]
    expected = {str(i): [before[i], after[i]] for i in before if before[i] != after[i]}
    assert expected  # the spare had no focus
    assert since(mark) == [("loop_planned", "admin@example.com", f"candidate:{candidate.id}",
                            {"focus": expected, "min_share": 0.2})]
    text = everything()
    assert "secret-room" not in text and EVIDENCE not in text
    assert verify().ok


def test_refused_changes_record_nothing(app, loop):
    client, _ = client_for(app, "admin")
    mark = last_id()
    response = client.post(f"/interviews/{loop['peer_interview'].id}/delete",
                           data={"csrf_token": csrf_for(client)})
    assert response.status_code == 302  # "has a scorecard and cannot be removed"
    assert db.session.get(Interview, loop["peer_interview"].id) is not None
    assert since(mark) == []


def test_each_new_role_version_imported_is_recorded_once(app):
    from hiring.models import TemplateVersion

    runner = app.test_cli_runner()
    mark = last_id()
    assert runner.invoke(args=["seed"]).exit_code == 0
    recorded = since(mark)
    templates = db.session.scalars(select(TemplateVersion)).all()
    assert len(templates) == 5  # the five bundled blueprints (seed/blueprints)
    assert sorted(recorded, key=lambda e: e[2]) == sorted(
        [("role_version_imported", "cli", f"template:{t.id}",
          {"role": t.role.slug, "version": 1, "source": t.source_name,
           "content_hash": t.content_hash}) for t in templates], key=lambda e: e[2])
    mark = last_id()
    assert runner.invoke(args=["seed"]).exit_code == 0  # nothing new: nothing recorded
    assert since(mark) == []
