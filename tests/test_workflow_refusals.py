"""Use cases refused with a clear message instead of doing something misleading: "Remind
now" for a deactivated interviewer (nothing would be sent)."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Notification
from hiring.services.errors import NotAllowed
from hiring.services.reminders import remind_now
from tests.access import client_for


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
