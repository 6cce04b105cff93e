"""Hostile text in every user-editable field is stored as typed and rendered escaped."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import Candidate, Decision, Requisition, Scorecard, WeightAdjustment
from tests.access import client_for
from tests.conftest import csrf_for

PAYLOAD = ('<script>alert(1)</script>"><img src=x onerror=alert(2)> {{7*7}} {% raw %} '
           "\u202eevil \U0001F469\U0001F3FD\u200d\U0001F4BB \x07")
LONG = "L" * 4_800  # under the 5,000-character cap of scorecard notes


def no_markup(html: str) -> None:
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert str(escape(PAYLOAD)) in html or str(escape(PAYLOAD)).replace(
        "\n", "") in html


def test_every_text_field_round_trips_escaped(app, people, loop):
    admin, _ = client_for(app, "admin")
    req = loop["requisition"]
    admin.post(f"/requisitions/{req.id}/edit", data={
        "csrf_token": csrf_for(admin), "title": PAYLOAD[:200], "team": PAYLOAD[:200],
        "hiring_manager_id": people["hiring_manager"].id, "status": "open"})
    candidate = loop["candidate"]
    admin.post(f"/candidates/{candidate.id}/edit", data={
        "csrf_token": csrf_for(admin), "name": PAYLOAD[:200], "email": "",
        "stage": "interviewing", "notes": PAYLOAD + LONG})
    db.session.expire_all()
    assert db.session.get(Requisition, req.id).title == PAYLOAD[:200]
    assert db.session.get(Candidate, candidate.id).notes == PAYLOAD + LONG

    # the interviewer's notes
    interviewer, _ = client_for(app, "interviewer")
    url = f"/interviews/{loop['interview'].id}/scorecard"
    html = interviewer.get(url).get_data(as_text=True)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)
    focus = loop["interview"].focus
    flag = loop["template"].signals_of("red_flag")[0]
    data = {"csrf_token": csrf_for(interviewer), "lock_version": version,
            "action": "submit", "overall": "2", "other_concern": PAYLOAD,
            "case_notes": PAYLOAD + LONG, f"flag_{flag.id}": "y", f"flag_note_{flag.id}": PAYLOAD}
    for d in focus:
        data[f"rating_{d.id}"] = "2"
        data[f"evidence_{d.id}"] = PAYLOAD + LONG
    assert interviewer.post(url, data=data).status_code == 302
    card = db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == loop["interview"].id))
    assert card.other_concern == PAYLOAD and card.ratings[0].evidence == PAYLOAD + LONG
    no_markup(interviewer.get(f"/scorecards/{card.id}").get_data(as_text=True))

    # amendment reason, weight rationale, decision rationale
    amend_url = f"/scorecards/{card.id}/amend"
    data.update(csrf_token=csrf_for(interviewer), reason=PAYLOAD, overall="3",
                lock_version=str(card.lock_version))
    assert interviewer.post(amend_url, data=data).status_code == 302
    hm, _ = client_for(app, "hiring_manager")
    weights = {f"weight_{d.id}": d.weight for d in loop["template"].dimensions}
    weights[f"weight_{focus[0].id}"] = 33
    hm.post(f"/requisitions/{req.id}/weights",
            data=dict(weights, csrf_token=csrf_for(hm), rationale=PAYLOAD))
    assert db.session.scalar(select(WeightAdjustment)).rationale == PAYLOAD
    admin.post(f"/candidates/{candidate.id}/decision", data={
        "csrf_token": csrf_for(admin), "decision": "hold", "rationale": PAYLOAD})
    assert db.session.scalar(select(Decision)).rationale == PAYLOAD

    for path in (f"/requisitions/{req.id}", f"/candidates/{candidate.id}",
                 f"/candidates/{candidate.id}/debrief", f"/scorecards/{card.id}",
                 f"/requisitions/{req.id}/compare"):
        response = admin.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
