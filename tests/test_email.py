"""Email against a real SMTP server (aiosmtpd) started by the test: what arrives, to whom,
with which links, never any feedback; never twice, even from two concurrent cron runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Notification, User
from tests.access import client_for
from tests.conftest import ROOT, csrf_for, make_app

PLANTED = "Walked through a concrete incident review with metrics and follow-ups."
BASE = "https://hiring.example.test"


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "subject": message["Subject"],
                                  "body": message.get_body(("plain",)).get_content()})
        return "250 OK"

    def to(self, email):
        return [m for m in self.messages if email in m["to"]]


@pytest.fixture
def smtp():
    inbox = Inbox()
    # aiosmtpd 1.4 checks its server by connecting to the port it was given, so port=0
    # cannot work: take a free port from the OS first
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(database_url, smtp):
    _, port = smtp
    app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                   APP_BASE_URL=BASE, MAIL_DEFAULT_SENDER="hiring@example.test")
    with app.app_context():
        yield app
        from tests.conftest import empty_database
        empty_database()


def run_cli(app, *args):
    # the `app` fixture behind `loop` pushed its own context (no MAIL_SERVER): use ours
    db.session.commit()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()
    return result


def assert_no_feedback(inbox):
    for message in inbox.messages:
        text = message["subject"] + message["body"]
        assert PLANTED not in text
        for word in ("Strong yes", "Strong no", "Exceeds", "Does not meet", "evidence"):
            assert word not in text, (word, text)


def test_reminders_arrive_once_with_links_and_no_feedback(mail_app, smtp, loop):
    inbox, _ = smtp
    dry = run_cli(mail_app, "reminders", "send", "--dry-run")
    assert "would send" in dry.output and inbox.messages == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    first = run_cli(mail_app, "reminders", "send")
    assert first.exit_code == 0, first.output
    late = inbox.to("iv@example.com")
    assert len(late) == 1 and late[0]["subject"] == "Scorecard overdue: Casey Candidate"
    assert f"{BASE}/interviews/{loop['interview'].id}/scorecard" in late[0]["body"]
    assert len(inbox.to("hm@example.com")) == 1 and len(inbox.to("iv2@example.com")) == 1
    assert inbox.to("peer@example.com") == []  # submitted: nothing to remind
    assert_no_feedback(inbox)
    count = len(inbox.messages)
    again = run_cli(mail_app, "reminders", "send")
    assert "nothing due" in again.output and len(inbox.messages) == count


def test_opt_out_stops_reminders_not_assignments(mail_app, smtp, loop, people):
    inbox, _ = smtp
    person = db.session.get(User, people["interviewer"].id)
    person.reminder_emails = False
    db.session.commit()
    run_cli(mail_app, "reminders", "send")
    assert inbox.to("iv@example.com") == []
    admin, _ = client_for(mail_app, "admin")
    admin.post(f"/candidates/{loop['candidate'].id}/interviews/new", data={
        "csrf_token": csrf_for(admin), "interviewer_id": person.id, "kind": "behavioral",
        "scheduled_at": "2099-12-01T10:00", "case_study_id": 0})
    invite = inbox.to("iv@example.com")
    assert len(invite) == 1 and invite[0]["subject"].startswith("Interview assigned: Casey")
    body = invite[0]["body"]
    assert "2099-12-01 10:00 UTC" in body and f"{BASE}/interviews/" in body
    assert "/kit" in body and "/calendar.ics" in body
    assert_no_feedback(inbox)


def test_remind_now_sends_one_email_audited_and_rate_limited(mail_app, smtp, loop):
    inbox, _ = smtp
    manager, token = client_for(mail_app, "hiring_manager")
    page = manager.get("/dashboard").get_data(as_text=True)
    assert "Remind now" in page and PLANTED not in page
    url = f"/interviews/{loop['interview'].id}/remind"
    first = manager.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Reminder sent to Iv." in first.get_data(as_text=True)
    second = manager.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "one reminder per interval" in second.get_data(as_text=True)
    mails = inbox.to("iv@example.com")
    assert len(mails) == 1 and "Hm asks you to submit" in mails[0]["body"]
    assert manager.post(url, data={}).status_code == 400  # no CSRF token
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.event == "reminder_requested")) == 1
    assert_no_feedback(inbox)
    # the other manager's interview: not even there for hm@
    other = f"/interviews/{loop['other_interview'].id}/remind"
    assert manager.post(other, data={"csrf_token": token}).status_code == 404


def test_failed_send_is_recorded_and_shown_to_admins(database_url, loop):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=dead, APP_BASE_URL=BASE)
    with app.app_context():
        result = run_cli(app, "reminders", "send")
        assert "failed" in result.output
        admin, _ = client_for(app, "admin")
        page = admin.get("/admin/dashboard").get_data(as_text=True)
        assert "Emails failed to send" in page and "ConnectionRefusedError" in page
        again = run_cli(app, "reminders", "send")  # never retried: it might have half-sent
        assert "nothing due" in again.output


def test_no_mail_server_sends_nothing_and_admin_page_says_so(app, loop):
    result = run_cli(app, "reminders", "send")
    assert "MAIL_SERVER is not set: nothing sent" in result.output
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    admin, _ = client_for(app, "admin")
    assert "Email is off" in admin.get("/admin/dashboard").get_data(as_text=True)


def test_ready_for_debrief_and_decision_emails(mail_app, smtp, loop, people):
    inbox, _ = smtp
    from hiring.models import Interview, Scorecard
    from hiring.services.scorecards import ScorecardInput, get_or_create, save
    for key in ("interview", "hm_interview", "spare"):
        interview = db.session.get(Interview, loop[key].id)
        card = get_or_create(interview, interview.interviewer)
        save(card, ScorecardInput(ratings={d.id: (3, PLANTED) for d in interview.focus},
                                  overall=4), card.lock_version, submit=True)
    run_cli(mail_app, "reminders", "send")
    ready = [m for m in inbox.to("hm@example.com") if m["subject"].startswith("Ready")]
    assert len(ready) == 1 and "All 4 scorecards" in ready[0]["body"]
    assert f"{BASE}/candidates/{loop['candidate'].id}/debrief" in ready[0]["body"]
    assert db.session.scalar(select(func.count(Scorecard.id))) >= 4
    manager, token = client_for(mail_app, "hiring_manager")
    manager.post(f"/candidates/{loop['candidate'].id}/decision", data={
        "csrf_token": token, "decision": "hire",
        "rationale": "Consistent strong evidence on execution and people leadership."})
    decided = [m for m in inbox.messages if m["subject"].startswith("Decision recorded")]
    assert {r for m in decided for r in m["to"]} == {"hm@example.com", "admin@example.com"}
    assert all("Hire" in m["body"] for m in decided)
    assert_no_feedback(inbox)


@pytest.mark.slow
def test_two_concurrent_cron_runs_send_each_reminder_once(mail_app, smtp, loop):
    inbox, port = smtp
    env = dict(os.environ, DATABASE_URL=mail_app.config["SQLALCHEMY_DATABASE_URI"],
               HIRING_ENV="testing", SECRET_KEY="x" * 32, MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(port), APP_BASE_URL=BASE)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "send"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    keys = [(tuple(m["to"]), m["subject"]) for m in inbox.messages]
    # iv@, hm@, iv2@ overdue, and hm2@ told the other candidate is ready: once each
    assert len(keys) == len(set(keys)) == 4, outputs
    assert db.session.scalar(select(func.count(Notification.id))) == 4
