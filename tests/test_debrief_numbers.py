"""The debrief page, the comparison and the PDF packet show the same numbers and bands:
exactly 60/100 is "Hire" everywhere; one person with two interviews is one voice; an empty
scorecard is listed, not counted."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from hiring.auth.passwords import hash_password
from hiring.core.blueprint_parser import parse_text
from hiring.extensions import db
from hiring.models import Candidate, Interview, Requisition, User
from hiring.services.blueprints import store_blueprint
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.conftest import PASSWORD, saved_world

EVIDENCE = "Gave a specific, detailed example with the measured outcome and lessons."
HTML = ("<h1>Edge Role: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
        "<h3>Strong candidate signals</h3><ul><li>Clear</li></ul>"
        "<h3>Red flags</h3><ul><li>Blames others</li></ul>"
        "<h3>Scorecard dimensions</h3><table><tr><th>Dimension</th><th>Meets bar</th>"
        "<th>Exceeds</th><th>Weight</th></tr><tr><td>Judgment</td><td>meets</td>"
        "<td>exceeds</td><td>100%</td></tr></table>")


@saved_world
def edge_loop(people):
    template = store_blueprint(parse_text(HTML, "edge-role.html")).template
    [dim] = template.dimensions
    names = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo"]
    panel = [User(email=f"{n.lower()}@example.com", name=n, role="interviewer",
                  password_hash=hash_password(PASSWORD)) for n in names]
    req = Requisition(title="Edge", template=template, hiring_manager=people["hiring_manager"])
    candidate = Candidate(requisition=req, name="Edge Candidate")
    db.session.add_all(panel + [req, candidate])
    # Ed interviews twice (4 and 4: one voice); Flo submits without rating anything
    plan = [(panel[0], 1), (panel[1], 1), (panel[2], 4), (panel[3], 4), (panel[4], 4),
            (panel[4], 4), (panel[5], None)]
    for person, rating in plan:
        # Flo's interview has no focus: a scorecard that rates nothing may then be submitted
        interview = Interview(candidate=candidate, interviewer=person, kind="technical",
                              scheduled_at=datetime(2026, 11, 2, tzinfo=UTC),
                              focus=[dim] if rating is not None else [])
        db.session.add(interview)
        db.session.flush()
        card = get_or_create(interview, person)
        ratings = {} if rating is None else {dim.id: (rating, EVIDENCE)}
        save(card, ScorecardInput(ratings=ratings, overall=3), card.lock_version, submit=True)
    db.session.commit()
    return candidate


def test_page_comparison_and_packet_agree_at_exactly_60(app, people, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    candidate = edge_loop(people)
    client, _ = client_for(app, "hiring_manager")
    page = client.get(f"/candidates/{candidate.id}/debrief").get_data(as_text=True)
    assert re.search(r'class="rec-value">\s*Hire\s*<span class="rec-score">60/100 · 2\.80',
                     page)
    assert "5 interviewers rated at least one dimension" in page
    assert "not counted toward the quorum): <bdi>Flo</bdi>" in page
    compare = client.get(f"/requisitions/{candidate.requisition_id}/compare")
    row = compare.get_data(as_text=True)
    assert re.search(r'class="num composite">60</td>\s*<td>Hire', row)
    pdf = client.get(f"/candidates/{candidate.id}/packet.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Hire (60/100)" in text and "Lean no (60" not in text
    assert "Score 60/100 (2.80 on the 1" in text


def test_comparison_states_requisition_agreement_or_that_there_is_not_enough(app, people):
    from tests.test_debrief import big_loop

    small = edge_loop(people)  # one dimension, 5 people: 5 pairable values
    client, _ = client_for(app, "hiring_manager")
    html = client.get(f"/requisitions/{small.requisition_id}/compare").get_data(as_text=True)
    assert "Not enough ratings to measure agreement: 5 ratings shared" in html
    assert "30 needed" in html
    made = big_loop(people, 3, candidates=2)  # 2 candidates x 10 dimensions x 3 people
    html = client.get(f"/requisitions/{made[0].requisition_id}/compare").get_data(as_text=True)
    assert "from 60 ratings in 20 shared candidate × dimension pairs" in html
    assert re.search(r"alpha .*<strong>-?\d\.\d\d</strong>, 95% interval -?\d\.\d\d to", html)
