"""The calibration report in the running app: effects with uncertainty, compared ratings,
votes against decisions; hiring managers see their requisitions' interviewers, interviewers
their own row, and nobody sees feedback on a candidate they still owe a scorecard on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hiring.auth.passwords import hash_password
from hiring.extensions import db
from hiring.models import Candidate, Decision, Interview, Requisition, User
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.conftest import PASSWORD, login, saved_world
from tests.test_debrief import EVIDENCE, ten_dimension_template


@saved_world
def panel_history(people):
    """Two candidates, ten dimensions, three interviewers rating 4 / 2 / 3 everywhere: each
    has 20 compared ratings; the effects are +-1 x 20/(20 + 5) = +-0.80 and 0."""
    template = ten_dimension_template()
    names = {"Lenny": 4, "Sevi": 2, "Nia": 3}
    panel = {n: User(email=f"{n.lower()}@example.com", name=n, role="interviewer",
                     password_hash=hash_password(PASSWORD)) for n in names}
    req = Requisition(title="Cal", template=template, hiring_manager=people["hiring_manager"])
    db.session.add_all([*panel.values(), req])
    when = datetime(2026, 11, 3, tzinfo=UTC)
    candidates = []
    for c in range(3):
        candidate = Candidate(requisition=req, name=f"Cal Candidate {c}")
        db.session.add(candidate)
        for name, rating in names.items():
            interview = Interview(candidate=candidate, interviewer=panel[name], kind="technical",
                                  scheduled_at=when, focus=template.dimensions[:1])
            db.session.add(interview)
            db.session.flush()
            if c == 2 and name == "Lenny":
                continue  # Lenny still owes this one: Nia's and Sevi's 1s must not reach him
            card = get_or_create(interview, panel[name])
            value = 1 if c == 2 else rating
            save(card, ScorecardInput(
                ratings={d.id: (value, EVIDENCE) for d in template.dimensions},
                overall={4: 4, 2: 1, 3: 3}[rating]), card.lock_version, submit=True)
        candidates.append(candidate)
    candidates[0].decisions.append(Decision(decision="hire", rationale="Good.",
                            decided_by_id=people["hiring_manager"].id))
    db.session.commit()
    return panel, candidates


def rows(html):
    return {name: cells for name, cells in re.findall(
        r'<th scope="row"><bdi>([^<]+)</bdi></th>(.*?)</tr>', html, re.S)}


def test_hiring_manager_sees_effects_uncertainty_and_votes(app, people):
    panel_history(people)
    client, _ = client_for(app, "hiring_manager")
    html = client.get("/calibration").get_data(as_text=True)
    found = rows(html)
    assert set(found) == {"Lenny", "Sevi", "Nia"}
    # candidate 2 (all 1s from Nia and Sevi) is in the manager's fit: it moves nobody, since
    # Nia and Sevi agree there; the lenient/severe pattern comes from candidates 0 and 1
    assert "+0.80 ±" in found["Lenny"] and "lenient" in found["Lenny"]
    assert "severe" in found["Sevi"] and "in line with peers" in found["Nia"]
    assert "1 of 1 (100%)" in found["Lenny"] and "0 of 1 (0%)" in found["Sevi"]
    assert '<td class="num">20</td>' in found["Lenny"]
    assert 'href="/calibration"' in html  # the nav link


def test_interviewer_sees_only_their_own_row_and_nothing_they_are_blind_to(app, people):
    panel_history(people)
    client = app.test_client()
    assert login(client, "lenny@example.com").status_code == 302
    html = client.get("/calibration").get_data(as_text=True)
    assert set(rows(html)) == {"Lenny"}
    assert "from 2 candidates" in html  # not candidate 2, where Lenny has not submitted
    assert "You see your own row only." in html


def test_another_hiring_manager_sees_nothing_of_this_requisition(app, people, loop):
    panel_history(people)
    other = app.test_client()
    assert login(other, "hm2@example.com").status_code == 302
    html = other.get("/calibration").get_data(as_text=True)
    assert not {"Lenny", "Sevi", "Nia"} & set(rows(html))


def test_debrief_calibration_leaves_out_candidates_the_viewer_still_owes(app, people):
    _, candidates = panel_history(people)
    url = f"/candidates/{candidates[0].id}/debrief"
    admin, _ = client_for(app, "admin")
    seen = admin.get(url).get_data(as_text=True)
    # history for candidate 0's panel: candidates 1 and 2; Sevi rated both (10 + 10)
    assert re.search(r"Sevi</bdi>: [^<]*20 compared ratings", seen)
    lenny = app.test_client()
    assert login(lenny, "lenny@example.com").status_code == 302
    his = lenny.get(url).get_data(as_text=True)
    # Lenny still owes candidate 2: its ratings do not enter what he sees
    assert re.search(r"Sevi</bdi>: [^<]*10 compared ratings", his)
    assert "20 compared ratings" not in his


def test_an_admins_report_from_the_stored_fit_equals_the_one_fitted_on_the_spot(app, people):
    """An admin who owes no scorecard may see every candidate: once a fit is stored, their
    report reads it (its cost no longer grows with the history) and shows exactly what
    fitting on the spot showed; an admin who owes a scorecard gets a fit without it."""
    from hiring.services.calibration_job import fit

    panel, candidates = panel_history(people)
    admin, _ = client_for(app, "admin")
    live = admin.get("/calibration").get_data(as_text=True)
    assert "estimated from 3 candidates" in live
    fit()
    stored = admin.get("/calibration").get_data(as_text=True)
    assert rows(stored) == rows(live) and set(rows(stored)) == {"Lenny", "Sevi", "Nia"}
    assert "estimated from 3 candidates" in stored
    assert "1 of 1 (100%)" in rows(stored)["Lenny"]
    # the admin now interviews candidate 2 and has not submitted: left out of their report
    db.session.add(Interview(candidate=candidates[2], interviewer=people["admin"],
                             kind="technical", scheduled_at=datetime(2026, 11, 4, tzinfo=UTC)))
    db.session.commit()
    blind = admin.get("/calibration").get_data(as_text=True)
    assert "estimated from 2 candidates" in blind
