"""Issue 11 item 7: every change that matters is in the audit log, with ids and field names
and never scorecard text; anonymous clients cannot grow the log without bound, yet every
attempt is counted."""

from __future__ import annotations

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import AuditEvent, Scorecard
from hiring.services.audit_chain import verify
from tests.access import client_for
from tests.conftest import login, make_app
from tests.test_scorecards import EVIDENCE, fill_url, full_answer, page_state

REASON = "Typo-fix-9Q: I swapped two answers"


def events(kind: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == kind)
                              .order_by(AuditEvent.id)).all()


def all_text() -> str:
    return " ".join(f"{e.details} {e.summary} {e.target}"
                    for e in db.session.scalars(select(AuditEvent)))


def test_submit_and_amend_are_recorded_by_id_and_field_name_only(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    client.post(fill_url(loop), data=full_answer(
        loop, csrf_token=state["csrf_token"], lock_version=state["lock_version"],
        action="submit", case_notes="Casenote-secret-77"))
    card = db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == loop["interview"].id))
    assert len(events("scorecard_submitted")) == 3  # peer@'s and hm2@'s in the fixture
    [submitted] = [e for e in events("scorecard_submitted")
                   if e.details["scorecard"] == card.id]
    assert submitted.target == f"candidate:{loop['candidate'].id}"
    assert submitted.details == {"scorecard": card.id, "interview": loop["interview"].id}
    assert submitted.actor_email == "iv@example.com"
    dim = loop["interview"].focus[0]
    amend_url = f"/scorecards/{card.id}/amend"
    state = page_state(client, amend_url)
    client.post(amend_url, data=full_answer(
        loop, csrf_token=state["csrf_token"], lock_version=state["lock_version"],
        reason=REASON, overall="4", case_notes="Casenote-secret-77", **{f"rating_{dim.id}": "4",
                                       f"evidence_{dim.id}": "New-evidence-text-55"}))
    [amended] = events("scorecard_amended")
    assert amended.details["scorecard"] == card.id
    assert amended.details["fields"] == ["overall", f"ratings.{dim.id}"]
    text = all_text()
    for secret in (EVIDENCE, "Casenote-secret", "New-evidence-text", "Typo-fix-9Q"):
        assert secret not in text
    assert verify().ok


def test_a_password_spray_adds_a_few_rows_a_minute_and_every_attempt_is_counted(
        database_url, people, monkeypatch):
    from hiring import audit_limits

    clock = [1000.0]  # a fixed clock: the test moves time, not the machine
    monkeypatch.setattr(audit_limits, "now", lambda: clock[0])
    app = make_app(database_url, LOGIN_FAILURES_PER_ACCOUNT="1000 per hour",
                   LOGIN_FAILURES_PER_ACCOUNT_ADDRESS="1000 per hour",
                   LOGIN_FAILURES_PER_ADDRESS="1000 per hour")
    with app.app_context():
        client = app.test_client()
        for i in range(40):
            login(client, "iv@example.com", f"wrong password {i}")
            clock[0] += 1  # 40 attempts in 40 seconds: one window
        assert len(events("login_failure")) == 3
        clock[0] = 1000.0 + 61
        login(client, "hm@example.com", "wrong again")  # next window: flushes the count
        [summary] = events("anonymous_events_suppressed")
        assert summary.details["counts"] == {"login_failure": 37}
        assert summary.client_address == "127.0.0.1"
        assert len(events("login_failure")) + summary.details["total"] == 41
        assert verify().ok


def test_signed_in_users_denials_are_not_rate_limited(app, loop):
    client, _ = client_for(app, "interviewer")
    for _ in range(6):
        assert client.get(f"/scorecards/{loop['peer_card'].id}").status_code == 404
    assert len(events("access_denied")) == 6
