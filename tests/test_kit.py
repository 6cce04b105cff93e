"""The interview kit, its .ics, time zones, the too-early submit rule and clash warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import Interview, User
from tests.access import client_for
from tests.conftest import CLOCK_START, csrf_for

PEER_EVIDENCE = "Walked through a concrete incident review with metrics and follow-ups."


def test_kit_shows_case_study_first_anchors_areas_panel_but_no_feedback(app, loop):
    client, _ = client_for(app, "interviewer")
    html = client.get(f"/interviews/{loop['interview'].id}/kit").get_data(as_text=True)
    case = loop["template"].case_studies[0]
    assert case.title in html and "Time box:" in html and "60 min" in html
    assert html.index(case.title) < html.index("What to assess")  # the case study on top
    first = loop["interview"].focus[0]
    assert first.meets in html and first.exceeds in html
    # blueprint areas mapped at import: "Execution leadership" belongs to "Execution & planning"
    assert "Execution leadership" in html
    assert "Pat Peer" in html and loop["peer_interview"].focus[0].name in html
    assert PEER_EVIDENCE not in html and "Strong no" not in html
    strong = loop["template"].signals_of("strong")[0].text
    red = loop["template"].signals_of("red_flag")[0].text
    assert strong in html and red in html
    assert "2026-11-20 15:00 UTC" in html and "60 min" in html


def test_kit_time_in_the_viewers_zone_setting_then_browser_cookie(app, loop, people):
    client, _ = client_for(app, "interviewer")
    url = f"/interviews/{loop['interview'].id}/kit"
    client.set_cookie("tz", "America/New_York", domain="localhost")
    assert "2026-11-20 10:00 EST" in client.get(url).get_data(as_text=True)
    token = csrf_for(client)
    assert client.post("/account/preferences", data={
        "csrf_token": token, "timezone": "Asia/Kolkata", "reminder_emails": "y"}
    ).status_code == 302
    assert "2026-11-20 20:30 IST" in client.get(url).get_data(as_text=True)
    bad = client.post("/account/preferences", data={"csrf_token": token,
                                                     "timezone": "Mars/Olympus"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)
    assert db.session.get(User, people["interviewer"].id).timezone == "Asia/Kolkata"


def test_ics_download(app, loop):
    client, _ = client_for(app, "interviewer")
    interview = loop["interview"]
    response = client.get(f"/interviews/{interview.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True).replace("\r\n ", "")
    assert "DTSTART:20261120T150000Z" in text and "DTEND:20261120T160000Z" in text
    assert "Casey Candidate" in text and f"/interviews/{interview.id}/kit" in text
    assert PEER_EVIDENCE not in text


def test_submitting_before_the_interview_starts_is_refused_drafts_allowed(app, loop):
    interview = db.session.get(Interview, loop["interview"].id)
    interview.scheduled_at = CLOCK_START + timedelta(days=2)  # the app clock's future
    db.session.commit()
    client, _ = client_for(app, "interviewer")
    url = f"/interviews/{interview.id}/scorecard"
    import re
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)
    data = {"csrf_token": token, "lock_version": version, "overall": "3"}
    for d in interview.focus:
        data[f"rating_{d.id}"] = "3"
        data[f"evidence_{d.id}"] = "Typed before the interview: this text must come back."
    refused = client.post(url, data=data | {"action": "submit"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "once it has started" in body
    assert "Typed before the interview: this text must come back." in body
    assert client.post(url, data=data | {"action": "draft"}).status_code == 302


def _new_interview(admin, candidate_id, person_id, when, **extra):
    return admin.post(f"/candidates/{candidate_id}/interviews/new", data={
        "csrf_token": csrf_for(admin), "interviewer_id": person_id, "kind": "technical",
        "scheduled_at": when, "duration_minutes": "45", "case_study_id": 0,
        "location": "https://meet.example.com/abc"} | extra, follow_redirects=True)


def test_schedule_in_my_zone_is_stored_in_utc_and_clashes_are_named(app, loop, people):
    admin, _ = client_for(app, "admin")
    admin.set_cookie("tz", "Europe%2FParis", domain="localhost")
    candidate = loop["candidate"]
    page = _new_interview(admin, candidate.id, people["interviewer2"].id, "2026-12-01T10:00")
    assert page.status_code == 200
    made = db.session.scalars(select(Interview).where(
        Interview.candidate_id == candidate.id, Interview.duration_minutes == 45)).one()
    assert made.scheduled_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert made.location == "https://meet.example.com/abc"
    # the same interviewer at 10:30 Paris, for the other candidate: a clash naming the first
    other = loop["other_candidate"]
    html = _new_interview(admin, other.id, people["interviewer2"].id,
                          "2026-12-01T10:30").get_data(as_text=True)
    assert "Clash:" in html and "Iv2 is already interviewing Casey Candidate" in html
    assert "2026-12-01 10:00 CET" in html
    # the candidate twice at once, with someone else: also named
    # (iv@, who owes Casey a scorecard: the admin, who may read Casey's feedback, is no
    # longer given an interview on Casey)
    html = _new_interview(admin, candidate.id, people["interviewer"].id,
                          "2026-12-01T10:15").get_data(as_text=True)
    assert "Casey Candidate already has an interview at that time" in html
    # back to back is fine
    html = _new_interview(admin, candidate.id, people["interviewer2"].id,
                          "2026-12-01T11:15", kind="behavioral").get_data(as_text=True)
    assert html.count("Clash:") == 0
