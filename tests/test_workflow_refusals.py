"""Use cases refused with a clear message instead of doing something misleading: "Remind
now" for a deactivated interviewer (nothing would be sent), and a Hire with no submitted
scorecard (a hire without structured feedback)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Decision, Interview, Notification
from hiring.services.decisions import record_decision
from hiring.services.errors import Invalid, NotAllowed
from hiring.services.reminders import remind_now
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for

EVIDENCE = "Walked through a concrete plan with numbers and owners."
NO_FEEDBACK = ("A Hire needs at least one submitted scorecard, and this candidate has none "
               "yet. Record No hire or Hold, or wait for the interviewers' feedback.")


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---- remind now ------------------------------------------------------------------------------

def test_remind_now_refuses_a_deactivated_interviewer_and_records_nothing(app, people, loop):
    interview = loop["interview"]  # iv@ ("Iv"), 20 Nov, no scorecard: late
    people["interviewer"].active = False
    db.session.commit()
    hm, token = client_for(app, "hiring_manager")
    dashboard = hm.get("/dashboard").get_data(as_text=True)
    assert "Deactivated: reassign the interview" in dashboard
    assert '<span class="visually-hidden"> Iv</span>' not in dashboard  # no "Remind now"
    response = hm.post(f"/interviews/{interview.id}/remind", data={"csrf_token": token},
                       follow_redirects=True)
    text = unescape(response.get_data(as_text=True))
    assert ("Iv is deactivated: reassign the interview to someone active. No reminder was "
            "sent.") in text
    assert "Reminder sent" not in text and "A reminder was just sent." not in text
    assert _count(AuditEvent, AuditEvent.event == "reminder_requested") == 0
    assert _count(Notification, Notification.subject == f"interview:{interview.id}") == 0


def test_the_service_refuses_it_as_a_domain_error(app, people, loop):
    people["interviewer"].active = False
    db.session.commit()
    with pytest.raises(NotAllowed, match="^Iv is deactivated: reassign the interview"):
        remind_now(loop["interview"], people["hiring_manager"])
    assert _count(AuditEvent, AuditEvent.event == "reminder_requested") == 0


# ---- a hire needs feedback -------------------------------------------------------------------

def _fresh_candidate(loop, people) -> tuple[Candidate, Interview]:
    """A candidate with one interview (iv2@) whose scorecard is only a draft."""
    with db.session.no_autoflush:
        candidate = Candidate(requisition=loop["requisition"], name="Early Screen")
        interview = Interview(candidate=candidate, interviewer=people["interviewer2"],
                              kind="technical",
                              scheduled_at=datetime(2026, 11, 20, 15, tzinfo=UTC),
                              focus=loop["template"].dimensions[:2])
        db.session.add_all([candidate, interview])
    db.session.commit()
    card = get_or_create(interview, people["interviewer2"])
    save(card, ScorecardInput(ratings={interview.focus[0].id: (3, EVIDENCE)}),
         card.lock_version)
    return candidate, interview


def test_a_hire_is_refused_until_a_scorecard_is_submitted(app, people, loop):
    candidate, interview = _fresh_candidate(loop, people)
    stage = candidate.stage
    with pytest.raises(Invalid) as refused:
        record_decision(candidate, "hire", "Strong start.", people["hiring_manager"])
    assert refused.value.errors == {"decision": [NO_FEEDBACK]}
    db.session.expire_all()
    assert _count(Decision, Decision.candidate_id == candidate.id) == 0
    assert db.session.get(Candidate, candidate.id).stage == stage
    assert _count(AuditEvent, AuditEvent.event == "decision_recorded") == 0
    # the interviewer submits: now a Hire is recorded and moves the candidate to Offer
    card = get_or_create(interview, people["interviewer2"])
    save(card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in interview.focus},
                              overall=3), card.lock_version, submit=True)
    record_decision(candidate, "hire", "Strong start.", people["hiring_manager"])
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).stage == "offer"


def test_no_hire_and_hold_need_no_feedback(app, people, loop):
    candidate, _ = _fresh_candidate(loop, people)
    record_decision(candidate, "hold", "Waiting for references.", people["hiring_manager"])
    record_decision(candidate, "no_hire", "Screened out early.", people["hiring_manager"])
    db.session.expire_all()
    assert [d.decision for d in db.session.scalars(select(Decision).where(
        Decision.candidate_id == candidate.id).order_by(Decision.id))] == ["hold", "no_hire"]
    assert db.session.get(Candidate, candidate.id).stage == "rejected"


def test_the_debrief_page_shows_why_a_hire_was_refused(app, people, loop):
    candidate, _ = _fresh_candidate(loop, people)
    hm, token = client_for(app, "hiring_manager")
    response = hm.post(f"/candidates/{candidate.id}/decision", data={
        "csrf_token": token, "decision": "hire", "rationale": "gut"})
    assert response.status_code == 422
    assert NO_FEEDBACK in unescape(response.get_data(as_text=True))
    assert _count(Decision, Decision.candidate_id == candidate.id) == 0
