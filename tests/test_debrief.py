"""The debrief page, decisions, settings, comparison, and its constant query count."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from hiring.auth.passwords import hash_password
from hiring.core.blueprint_parser import parse_text
from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Decision, Interview, Requisition, User
from hiring.services.blueprints import store_blueprint
from hiring.services.scorecards import ScorecardInput, amend, get_or_create, save
from tests.access import client_for
from tests.conftest import PASSWORD, csrf_for, saved_world

EVIDENCE = "Gave a specific, detailed example with the measured outcome and lessons."


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)  # queries, not transaction control

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def ten_dimension_template():
    rows = "".join(f"<tr><td>Dimension {i}</td><td>meets {i}</td><td>exceeds {i}</td>"
                   f"<td>10%</td></tr>" for i in range(10))
    html = ("<h1>Big Role: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
            "<h3>Strong candidate signals</h3><ul><li>Clear</li><li>Specific</li></ul>"
            "<h3>Red flags</h3><ul><li>Blames others</li></ul>"
            "<h3>Scorecard dimensions</h3><table><tr><th>Dimension</th><th>Meets bar</th>"
            f"<th>Exceeds</th><th>Weight</th></tr>{rows}</table>")
    return store_blueprint(parse_text(html, "big-role.html")).template


@saved_world
def big_loop(people, interviewers: int, candidates: int = 2):
    template = ten_dimension_template()
    panel = [User(email=f"p{i}@example.com", name=f"Panelist {i}", role="interviewer",
                  password_hash=hash_password(PASSWORD)) for i in range(interviewers)]
    req = Requisition(title="Big", template=template, hiring_manager=people["hiring_manager"])
    db.session.add_all(panel + [req])
    made = []
    for c in range(candidates):
        candidate = Candidate(requisition=req, name=f"Big Candidate {c}")
        db.session.add(candidate)
        for i, person in enumerate(panel):
            interview = Interview(candidate=candidate, interviewer=person, kind="technical",
                                  scheduled_at=datetime(2026, 11, 1, tzinfo=UTC),
                                  focus=template.dimensions[:2])
            db.session.add(interview)
            db.session.flush()
            card = get_or_create(interview, person)
            strong = template.signals_of("strong")[0]
            flag = template.signals_of("red_flag")[0]
            save(card, ScorecardInput(
                ratings={d.id: (1 + (i + d.position + c) % 4, EVIDENCE)
                         for d in template.dimensions},
                signals={strong.id}, red_flags={flag.id: "Said so"} if i == 0 else {},
                overall=1 + (i + c) % 4, other_concern="A concern" if i == 1 else ""),
                card.lock_version, submit=True)
            if i == 2:
                amend(card, ScorecardInput(
                    ratings={d.id: (4, EVIDENCE) for d in template.dimensions}, overall=4),
                    "Corrected after notes review", person, card.lock_version)
        made.append(candidate)
    db.session.commit()
    return made


@pytest.mark.parametrize("interviewers", [3, 12])
def test_debrief_query_count_does_not_grow_with_the_loop(app, people, interviewers):
    candidate = big_loop(people, interviewers)[0]
    client, _ = client_for(app, "hiring_manager")
    url = f"/candidates/{candidate.id}/debrief"
    assert client.get(url).status_code == 200  # warm up: sessions touched, caches filled
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    # the login session; the candidate (with the packet's state), the dimensions and the
    # loop with its scorecards; the viewer's blinding check, then the stored fit or, with
    # none, one history query; the scorecards' ratings, signals and red flags
    assert len(statements) <= 9, "\n\n".join(statements)
    html = response.get_data(as_text=True)
    assert html.count('class="evidence"') == interviewers * 10
    assert f"Panelist {interviewers - 1}" in html


@pytest.mark.parametrize("candidates", [2, 8])
def test_comparison_query_count_is_constant(app, people, candidates):
    made = big_loop(people, 4, candidates=candidates)
    client, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{made[0].requisition_id}/compare"
    client.get(url)
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    # the page of candidates with their snapshots, loops and decisions, the two counts, and
    # the agreement figure: a fixed number, never one per candidate
    assert len(statements) <= 12, "\n\n".join(statements)
    assert response.get_data(as_text=True).count("Big Candidate") == candidates


def test_debrief_shows_recommendation_explanation_and_evidence(app, loop):
    client, _ = client_for(app, "hiring_manager")
    # hm@ interviews this candidate too: blind until submitting
    url = f"/candidates/{loop['candidate'].id}/debrief"
    blind = client.get(url)
    assert blind.status_code == 403
    assert "appears after you submit your own scorecard" in blind.get_data(as_text=True)
    assert "Walked through" not in blind.get_data(as_text=True)
    admin, _ = client_for(app, "admin")
    html = admin.get(url).get_data(as_text=True)
    assert "Not enough evidence" in html  # one scorecard of a quorum of 3
    assert "only 1 of 3 interviewers have rated" in html
    assert "Walked through a concrete incident review" in html  # evidence by dimension
    assert "Pat Peer" in html and "<svg" in html
    assert "Waiting for:" in html


def test_interviewer_sees_the_debrief_only_after_submitting(app, loop):
    client, _ = client_for(app, "interviewer")
    url = f"/candidates/{loop['candidate'].id}/debrief"
    assert client.get(url).status_code == 403
    card = get_or_create(loop["interview"], loop["interview"].interviewer)
    save(card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in loop["interview"].focus},
                              overall=3), card.lock_version, submit=True)
    html = client.get(url).get_data(as_text=True)
    assert "Walked through a concrete incident review" in html
    assert "Record the decision" not in html  # interviewers do not decide


def test_hiring_manager_records_a_decision_with_rationale(app, loop):
    hm_card = get_or_create(loop["hm_interview"], loop["hm_interview"].interviewer)
    save(hm_card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in loop["hm_interview"].focus},
                                 overall=3), hm_card.lock_version, submit=True)
    client, _ = client_for(app, "hiring_manager")
    url = f"/candidates/{loop['candidate'].id}/decision"
    missing = client.post(url, data={"csrf_token": csrf_for(client), "decision": "hire"})
    assert missing.status_code == 422
    assert "Write the reasons for the decision" in missing.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_for(client), "decision": "hold",
                                      "rationale": "Waiting for a reference <b>check</b>."})
    assert response.status_code == 302
    [decision] = db.session.scalars(select(Decision)).all()
    assert decision.decision == "hold"
    html = client.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
    assert "Decision: Hold" in html and "&lt;b&gt;check&lt;/b&gt;" in html
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event == "decision_recorded"))


def test_settings_change_the_bands_and_are_audited(app, loop):
    client, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{loop['requisition'].id}/settings"
    bad = client.post(url, data={"csrf_token": csrf_for(client), "strong_hire_at": "50",
                                 "hire_at": "70", "lean_no_at": "30", "quorum": "1",
                                 "min_coverage": "0.2", "rationale": "Small loop"})
    assert "Bands must rise" in bad.get_data(as_text=True)
    ok = client.post(url, data={"csrf_token": csrf_for(client), "strong_hire_at": "90",
                                "hire_at": "50", "lean_no_at": "30", "quorum": "1",
                                "min_coverage": "0.1", "rationale": "Small loop"})
    assert ok.status_code == 302
    req = db.session.get(Requisition, loop["requisition"].id)
    assert req.settings["quorum"] == 1
    admin, _ = client_for(app, "admin")
    html = admin.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
    # peer@ rated 3s on 15% of the weight: 67/100 >= 50, coverage 15% >= 10%, quorum 1
    assert re.search(r'class="rec-value">\s*Hire', html)


def test_comparison_ranks_by_composite_and_filters_by_stage(app, people):
    made = big_loop(people, 3, candidates=3)
    made[2].stage = "offer"
    db.session.commit()
    client, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{made[0].requisition_id}/compare"
    html = client.get(url).get_data(as_text=True)
    order = re.findall(r"Big Candidate (\d)", html)
    assert sorted(order) == ["0", "1", "2"]
    composites = [int(x) for x in re.findall(r'class="num composite">(\d+)<', html)]
    assert composites == sorted(composites, reverse=True)
    offer = client.get(url, query_string={"stage": "offer"}).get_data(as_text=True)
    assert "Big Candidate 2" in offer and "Big Candidate 0" not in offer
    other_hm, _ = client_for(app, "admin")
    assert other_hm.get(url).status_code == 200
