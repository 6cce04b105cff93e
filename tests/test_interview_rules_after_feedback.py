"""The rules an interview obeys once feedback exists, called through the services (and a
few pages): what a submitted scorecard fixes, a deactivated author's draft, who may be given
an interview on a candidate with submitted feedback, and an erased candidate's record.
Every expected value below comes from the inputs written here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Interview, Scorecard
from hiring.services import loop_changes as loops
from hiring.services import requisitions as service
from hiring.services import workflow
from hiring.services.errors import Invalid, NotAllowed
from hiring.services.reminders import (
    assignment_emails,
    ready_emails,
    remind_now,
    scorecard_reminders,
)
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for

WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # every interview of the `loop` fixture


def _as_is(interview: Interview) -> loops.InterviewInput:
    return loops.InterviewInput(
        interviewer_id=interview.interviewer_id, kind=interview.kind, scheduled_at=WHEN,
        focus=[d.id for d in interview.focus], case_study_id=interview.case_study_id,
        title=interview.title or "", duration_minutes=interview.duration_minutes or 60,
        location=interview.location or "")


def _events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)
                                   .order_by(AuditEvent.id)))


def _draft(interview: Interview, author) -> Scorecard:
    card = get_or_create(interview, author)
    save(card, ScorecardInput(ratings={}, overall=None, case_notes="private draft words"),
         card.lock_version, submit=False)
    return card


# ------------------------------------------------------------ what a submitted scorecard fixes


@pytest.mark.parametrize(("field", "change"), [
    ("scheduled_at", {"scheduled_at": datetime(2026, 12, 20, 15, 0, tzinfo=UTC)}),
    ("scheduled_at", {"scheduled_at": datetime(2026, 11, 19, 15, 0, tzinfo=UTC)}),
    ("focus", {"focus": []}),
    ("case_study_id", {"case_study_id": "first"}),
])
def test_a_submitted_interview_keeps_its_start_focus_and_case_study(
        app, people, loop, field, change):
    peer = loop["peer_interview"]  # peer@ submitted its scorecard (the fixture)
    if change.get("case_study_id") == "first":
        change = {"case_study_id": loop["template"].case_studies[0].id}
    with pytest.raises(Invalid) as refused:
        loops.update_interview(peer, replace(_as_is(peer), **change), actor=people["admin"])
    assert set(refused.value.errors) == {field}
    db.session.expire_all()
    kept = db.session.get(Interview, peer.id)
    assert (kept.scheduled_at, kept.case_study_id) == (WHEN, None)
    assert len(kept.focus) == 2
    assert _events("interview_changed") == []


def test_a_submitted_interviews_title_place_type_and_length_still_change(app, people, loop):
    peer = loop["peer_interview"]
    loops.update_interview(peer, replace(
        _as_is(peer), title="Leadership", location="Room 4", kind="behavioral",
        duration_minutes=45, scheduled_at=WHEN.replace(second=0)), actor=people["admin"])
    db.session.expire_all()
    kept = db.session.get(Interview, peer.id)
    assert (kept.title, kept.location, kept.kind, kept.duration_minutes, kept.scheduled_at) \
        == ("Leadership", "Room 4", "behavioral", 45, WHEN)
    [event] = _events("interview_changed")
    assert event.details["changes"] == {"kind": ["people_leadership", "behavioral"],
                                        "duration_minutes": [60, 45]}


def test_the_edit_form_says_what_is_fixed(app, people, loop):
    admin, _ = client_for(app, "admin")
    fixed = admin.get(f"/interviews/{loop['peer_interview'].id}/edit").get_data(as_text=True)
    open_ = admin.get(f"/interviews/{loop['interview'].id}/edit").get_data(as_text=True)
    assert "its start time, focus and case study are fixed" in fixed
    assert "its start time, focus and case study are fixed" not in open_


# ------------------------------------------------------------ a deactivated interviewer


def test_a_deactivated_interviewer_is_kept_while_the_interview_moves(app, people, loop):
    interview = loop["interview"]
    people["interviewer"].active = False
    db.session.commit()
    admin, _ = client_for(app, "admin")
    page = admin.get(f"/interviews/{interview.id}/edit").get_data(as_text=True)
    assert "iv@example.com), deactivated: reassign" in page
    later = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    loops.update_interview(interview, replace(_as_is(interview), scheduled_at=later),
                             actor=people["admin"])
    db.session.expire_all()
    assert db.session.get(Interview, interview.id).scheduled_at == later
    # choosing a deactivated person anew is still refused
    with pytest.raises(Invalid) as refused:
        loops.update_interview(loop["spare"], replace(
            _as_is(loop["spare"]), interviewer_id=people["interviewer"].id),
            actor=people["admin"])
    assert set(refused.value.errors) == {"interviewer_id"}


def test_a_deactivated_authors_draft_is_discarded_on_reassignment(app, people, loop):
    interview = loop["interview"]
    card = _draft(interview, people["interviewer"])
    card_id = card.id
    people["interviewer"].active = False
    db.session.commit()
    loops.update_interview(interview, replace(
        _as_is(interview), interviewer_id=people["interviewer2"].id), actor=people["admin"])
    db.session.expire_all()
    assert db.session.get(Interview, interview.id).interviewer_id == people["interviewer2"].id
    assert db.session.get(Scorecard, card_id) is None
    [event] = _events("scorecard_discarded")
    assert event.target == f"candidate:{loop['candidate'].id}"
    assert event.details == {"interview": interview.id, "scorecard": card_id,
                             "author_id": people["interviewer"].id, "status": "draft",
                             "because": "author deactivated"}
    assert "private draft words" not in str(event.details)


def test_a_deactivated_authors_draft_does_not_keep_the_interview(app, people, loop):
    interview = loop["interview"]
    interview_id, card_id = interview.id, _draft(interview, people["interviewer"]).id
    people["interviewer"].active = False
    db.session.commit()
    loops.remove_interview(interview, actor=people["admin"])
    db.session.expire_all()
    assert db.session.get(Interview, interview_id) is None
    assert db.session.get(Scorecard, card_id) is None
    assert [e.details["scorecard"] for e in _events("scorecard_discarded")] == [card_id]
    assert [e.details["interview"] for e in _events("interview_deleted")] == [interview_id]


def test_an_active_authors_draft_or_a_submitted_scorecard_still_pins(app, people, loop):
    interview = loop["interview"]
    _draft(interview, people["interviewer"])
    with pytest.raises(Invalid) as refused:  # iv@ is active: their draft pins
        loops.update_interview(interview, replace(
            _as_is(interview), interviewer_id=people["interviewer2"].id),
            actor=people["admin"])
    assert refused.value.errors == {"interviewer_id": [loops.INTERVIEWER_FIXED]}
    with pytest.raises(NotAllowed):
        loops.remove_interview(interview, actor=people["admin"])
    loop["peer"].active = False  # a deactivated author's SUBMITTED scorecard still pins
    db.session.commit()
    peer = loop["peer_interview"]
    with pytest.raises(Invalid):
        loops.update_interview(peer, replace(
            _as_is(peer), interviewer_id=people["interviewer2"].id), actor=people["admin"])
    with pytest.raises(NotAllowed):
        loops.remove_interview(peer, actor=people["admin"])
    assert _events("scorecard_discarded") == []
    assert db.session.scalar(select(func.count()).select_from(Scorecard).where(
        Scorecard.interview_id.in_([interview.id, peer.id]))) == 2


# ------------------------------------------------------------ independence


def _new(person, **changes) -> loops.InterviewInput:
    return replace(loops.InterviewInput(interviewer_id=person.id, kind="other",
                                          scheduled_at=WHEN, focus=[]), **changes)


def test_nobody_is_given_an_interview_whose_candidate_feedback_they_may_read(
        app, people, loop):
    candidate = loop["candidate"]  # peer@ submitted on Casey
    admin = people["admin"]
    with pytest.raises(Invalid) as refused:
        loops.add_interview(candidate, _new(admin), actor=admin)
    assert refused.value.errors == {"interviewer_id": [
        "Admin may already have read this candidate's feedback; their scorecard would not "
        "be independent. Choose someone else."]}
    with pytest.raises(Invalid):  # peer@: their own scorecard on Casey is in
        loops.add_interview(candidate, _new(loop["peer"]), actor=admin)
    with pytest.raises(Invalid):  # the spare interview handed to the admin
        loops.update_interview(loop["spare"], replace(
            _as_is(loop["spare"]), interviewer_id=admin.id), actor=admin)
    # hm@ owes Casey a scorecard (blind): a second interview keeps them blind
    second = loops.add_interview(candidate, _new(people["hiring_manager"]), actor=admin)
    assert second.interviewer_id == people["hiring_manager"].id
    # keeping one's interview is always allowed (hm2@ submitted on Other Candidate)
    other = loop["other_interview"]
    loops.update_interview(other, replace(_as_is(other), title="Kept"), actor=admin)
    # iv@ has no part in Other Candidate's loop, whose feedback (hm2@'s) they cannot read
    loops.add_interview(loop["other_candidate"], _new(people["interviewer"]), actor=admin)
    assert db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.interviewer_id == admin.id)) == 0


def test_the_loop_template_refuses_a_non_independent_interviewer_on_its_field(
        app, people, loop):
    admin = people["admin"]
    step = workflow.add_loop_step(admin, loop["requisition"], kind="other", title="Chat",
                                  duration_minutes=30, focus=[], case_study_id=None)
    with pytest.raises(Invalid) as refused:
        workflow.apply_loop_template(admin, loop["candidate"], WHEN, [admin.id], [step], 0)
    assert set(refused.value.errors) == {f"interviewer_{step.id}"}
    client, token = client_for(app, "admin")
    page = client.post(f"/candidates/{loop['candidate'].id}/apply-loop", data={
        "csrf_token": token, "starts": "2026-12-01T10:00", "gap_minutes": 0,
        f"interviewer_{step.id}": admin.id})
    assert page.status_code == 200
    assert "may already have read this candidate&#39;s feedback" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.interviewer_id == admin.id)) == 0


# ------------------------------------------------------------ an erased candidate


def _erase(candidate, admin) -> None:
    from hiring.services import erasure

    erasure.erase(candidate.id, reason="asked", confirm=str(candidate.id), actor=admin,
                  legal_basis="GDPR Art. 17(1)(b), consent withdrawn")


def test_an_erased_candidates_record_takes_nothing_new(app, people, loop):
    candidate, admin = loop["other_candidate"], people["admin"]
    other = loop["other_interview"]
    _erase(candidate, admin)
    db.session.expire_all()
    step = workflow.add_loop_step(admin, loop["other_requisition"], kind="other",
                                  title="Chat", duration_minutes=30, focus=[],
                                  case_study_id=None)
    refusals = [
        lambda: service.update_candidate(candidate, "Jordan", "j@example.com", "applied",
                                         "notes", actor=admin),
        lambda: loops.add_interview(candidate, _new(people["interviewer"]), actor=admin),
        lambda: loops.update_interview(other, replace(_as_is(other), title="New"),
                                         actor=admin),
        lambda: loops.plan_loop(candidate, actor=admin),
        lambda: workflow.apply_loop_template(admin, candidate, WHEN,
                                             [people["interviewer"].id], [step], 0),
    ]
    for attempt in refusals:
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert "erased" in refused.value.message
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.candidate_id == candidate.id)) == 1
    client, token = client_for(app, "admin")
    page = client.post(f"/candidates/{candidate.id}/interviews/new", data={
        "csrf_token": token, "interviewer_id": people["interviewer"].id, "kind": "other",
        "scheduled_at": "2026-12-01T10:00", "duration_minutes": 30, "case_study_id": 0})
    assert page.status_code == 200 and "data was erased" in page.get_data(as_text=True)
    page = client.post(f"/interviews/{other.id}/edit", data={
        "csrf_token": token, "interviewer_id": other.interviewer_id, "kind": "technical",
        "scheduled_at": "2026-11-20T15:00", "duration_minutes": 60, "case_study_id": 0,
        "title": "New"})
    assert page.status_code == 200 and "data was erased" in page.get_data(as_text=True)


def test_an_erased_candidate_is_neither_reminded_invited_nor_ready(app, people, loop):
    candidate = loop["candidate"]
    iv_interview = loop["interview"]
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # three days after every interview
    owed = {e.subject for e in scorecard_reminders(now)}
    assert f"interview:{iv_interview.id}" in owed
    ready_before = {e.subject for e in ready_emails()}
    assert f"candidate:{loop['other_candidate'].id}" in ready_before
    upcoming = loops.add_interview(candidate, _new(people["interviewer2"], scheduled_at=(
        datetime(2030, 1, 7, 9, 0, tzinfo=UTC))), actor=people["admin"])
    assert f"interview:{upcoming.id}" in {e.subject for e in assignment_emails()}
    _erase(candidate, people["admin"])
    _erase(loop["other_candidate"], people["admin"])
    db.session.expire_all()
    assert not {f"interview:{i}" for i in (iv_interview.id, loop["spare"].id)} & {
        e.subject for e in scorecard_reminders(now)}
    assert f"candidate:{loop['other_candidate'].id}" not in {
        e.subject for e in ready_emails()}
    assert f"interview:{upcoming.id}" not in {e.subject for e in assignment_emails()}
    with pytest.raises(NotAllowed):
        remind_now(db.session.get(Interview, iv_interview.id), people["hiring_manager"], now)
    assert _events("reminder_requested") == []
    iv, _ = client_for(app, "interviewer")
    mine = iv.get("/interviews/mine").get_data(as_text=True)
    assert f"/interviews/{iv_interview.id}/scorecard" not in mine
