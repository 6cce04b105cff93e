"""Stored calibration reports: the page reads a viewer's stored report while their scope
holds, so its cost does not grow with the history; new feedback or a decision marks it stale
and the background fit refits it; any change of scope that could let in a candidate the
viewer may no longer see makes the page fit again on the spot. The oracle for every stored
report is the report fitted on the spot (the stored one deleted first), and for the numbers
the hand-computed effects of tests/test_calibration_page.py (+-0.80 and 0)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import delete, select

from hiring.extensions import db
from hiring.models import CalibrationReport, Decision, Interview, Requisition, User
from hiring.services.calibration_job import fit
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.conftest import login
from tests.test_calibration_page import panel_history, rows
from tests.test_debrief import EVIDENCE, counting_queries


def page(client) -> str:
    response = client.get("/calibration")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fitted_on_the_spot(client, viewer_id: int) -> str:
    """The oracle: the report fitted now, with no stored report to read."""
    db.session.execute(delete(CalibrationReport).where(CalibrationReport.viewer_id == viewer_id))
    db.session.commit()
    return page(client)


def candidates_in(html: str) -> int:
    return int(re.search(r"estimated from (\d+) candidate", html).group(1))


def submit_all(interview: Interview, user: User, value: int, template) -> None:
    card = get_or_create(interview, user)
    save(card, ScorecardInput(ratings={d.id: (value, EVIDENCE) for d in template.dimensions},
                              overall=3), card.lock_version, submit=True)


def more_history(people, panel, template_from: Requisition, count: int) -> None:
    """`count` more candidates in a requisition of the same manager, the three panelists
    rating 4 / 2 / 3 as before."""
    req = Requisition(title=f"More {count}", template=template_from.template,
                      hiring_manager=people["hiring_manager"])
    db.session.add(req)
    from hiring.models import Candidate

    for n in range(count):
        candidate = Candidate(requisition=req, name=f"More {n}")
        db.session.add(candidate)
        for name, value in (("Lenny", 4), ("Sevi", 2), ("Nia", 3)):
            interview = Interview(candidate=candidate, interviewer=panel[name],
                                  kind="technical", scheduled_at=datetime(2026, 11, 5, tzinfo=UTC))
            db.session.add(interview)
            db.session.flush()
            submit_all(interview, panel[name], value, req.template)
    db.session.commit()


def test_a_stored_report_is_read_with_a_fixed_number_of_queries(app, people):
    panel, candidates = panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    first = page(hm)  # fitted on the spot and stored
    assert db.session.get(CalibrationReport, people["hiring_manager"].id) is not None
    with counting_queries() as small:
        assert rows(page(hm)) == rows(first)
    # six times the history; refitted in the background, then read
    more_history(people, panel, candidates[0].requisition, 15)
    fit()
    with counting_queries() as big:
        bigger = page(hm)
    assert len(big) == len(small), "\n\n".join(big)
    assert candidates_in(bigger) == 18 and candidates_in(first) == 3
    assert rows(bigger) == rows(fitted_on_the_spot(hm, people["hiring_manager"].id))


def test_new_feedback_marks_reports_stale_and_the_fit_refits_them(app, people):
    panel, candidates = panel_history(people)
    lenny = app.test_client()
    assert login(lenny, "lenny@example.com").status_code == 302
    hm, _ = client_for(app, "hiring_manager")
    before_hm, before_lenny = page(hm), page(lenny)
    assert candidates_in(before_lenny) == 2  # he still owes candidate 2
    # Lenny submits on candidate 2 (all 1s there: everyone agrees, nobody's effect moves
    # much, but the candidate now counts for him)
    interview = db.session.scalar(select(Interview).where(
        Interview.candidate_id == candidates[2].id, Interview.interviewer_id == panel["Lenny"].id))
    submit_all(interview, panel["Lenny"], 1, candidates[2].requisition.template)
    assert all(r.stale for r in db.session.scalars(select(CalibrationReport)))
    stale = page(hm)
    assert "is being refitted" in stale and rows(stale) == rows(before_hm)
    fit()  # what the background job runs after the submission
    assert not any(r.stale for r in db.session.scalars(select(CalibrationReport)))
    after_lenny = page(lenny)
    assert candidates_in(after_lenny) == 3 and "is being refitted" not in after_lenny
    assert rows(after_lenny) == rows(fitted_on_the_spot(lenny, panel["Lenny"].id))
    assert rows(page(hm)) == rows(fitted_on_the_spot(hm, people["hiring_manager"].id))


def test_feedback_during_a_refit_leaves_the_report_stale_for_the_next_one(app, people):
    """The background refit takes a report off the stale list before fitting it; a
    submission committed meanwhile marks it stale again, and the refit's result does not
    clear that mark (else the refit that submission queued would skip the report)."""
    from hiring.services.calibration import (
        claim_stale_report,
        mark_reports_stale,
        refit_report,
    )

    panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    page(hm)
    viewer_id = people["hiring_manager"].id
    mark_reports_stale()
    db.session.commit()
    claim_stale_report(viewer_id)
    assert not db.session.get(CalibrationReport, viewer_id).stale
    mark_reports_stale()  # a submission committed while the refit runs
    db.session.commit()
    refit_report(viewer_id)
    stored = db.session.get(CalibrationReport, viewer_id)
    db.session.refresh(stored)
    assert stored.stale
    fit()  # the refit that submission queued
    db.session.refresh(stored)
    assert not stored.stale


def test_a_decision_refits_the_votes(app, people):
    _, candidates = panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    assert "1 of 1 (100%)" in rows(page(hm))["Lenny"]
    from hiring.services.decisions import record_decision

    record_decision(candidates[1], "no_hire", "Not this time.", people["hiring_manager"])
    fit()
    # Lenny voted Strong yes on both: matched the hire, not the no hire
    assert "1 of 2 (50%)" in rows(page(hm))["Lenny"]
    assert "1 of 2 (50%)" in rows(fitted_on_the_spot(hm, people["hiring_manager"].id))["Lenny"]


def test_owing_a_scorecard_on_a_candidate_of_the_report_makes_the_page_fit_again(app, people):
    """The manager's stored report uses candidate 1; once they interview candidate 1 and owe
    the scorecard, reading it would show feedback they are now blind to."""
    _, candidates = panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    assert candidates_in(page(hm)) == 3
    db.session.add(Interview(candidate=candidates[1], interviewer=people["hiring_manager"],
                             kind="hiring_manager", scheduled_at=datetime(2026, 11, 6, tzinfo=UTC)))
    db.session.commit()
    assert candidates_in(page(hm)) == 2
    stored = db.session.get(CalibrationReport, people["hiring_manager"].id)
    db.session.refresh(stored)
    assert stored.scope["blind"] == [candidates[1].id] and stored.candidates == 2


def test_an_interview_moved_onto_a_candidate_of_the_report_makes_the_page_fit_again(
        app, people):
    """The same number of interviews, but one now on candidate 1, whose scorecard the manager
    owes: the report must leave candidate 1 out (the blind set is checked, not only the
    count)."""
    panel, candidates = panel_history(people)
    hm_user = people["hiring_manager"]
    elsewhere = Interview(candidate=candidates[2], interviewer=panel["Nia"], kind="other",
                          scheduled_at=datetime(2026, 11, 6, tzinfo=UTC))
    owed = Interview(candidate=candidates[0], interviewer=hm_user, kind="hiring_manager",
                     scheduled_at=datetime(2026, 11, 6, tzinfo=UTC))
    db.session.add_all([elsewhere, owed])
    db.session.commit()
    hm, _ = client_for(app, "hiring_manager")
    assert candidates_in(page(hm)) == 2  # owes candidate 0
    owed.candidate = candidates[1]  # moved: now owes candidate 1, no longer candidate 0
    db.session.commit()
    html = page(hm)
    assert candidates_in(html) == 2
    stored = db.session.get(CalibrationReport, hm_user.id)
    db.session.refresh(stored)
    assert stored.scope["blind"] == [candidates[1].id]


def test_a_requisition_given_to_another_manager_leaves_the_report(app, people):
    panel, candidates = panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    assert set(rows(page(hm))) == {"Lenny", "Sevi", "Nia"}
    other = User(email="hm3@example.com", name="Third Manager", role="hiring_manager",
                 password_hash=people["hiring_manager"].password_hash)
    db.session.add(other)
    candidates[0].requisition.hiring_manager = other
    db.session.commit()
    html = page(hm)
    assert rows(html) == {} and candidates_in(html) == 0


def test_a_role_change_to_interviewer_shows_only_their_own_row(app, people):
    panel, _ = panel_history(people)
    admin, _ = client_for(app, "admin")
    assert set(rows(page(admin))) == {"Lenny", "Sevi", "Nia"}
    people["admin"].role = "interviewer"
    db.session.commit()
    html = page(admin)
    assert "You see your own row only." in html and rows(html) == {}


def test_storing_the_same_viewer_twice_keeps_one_report(app, people):
    panel_history(people)
    hm, _ = client_for(app, "hiring_manager")
    page(hm)
    db.session.execute(delete(CalibrationReport))
    db.session.commit()
    page(hm)
    page(hm)
    assert db.session.scalar(select(CalibrationReport.viewer_id)) == people["hiring_manager"].id
    assert len(db.session.scalars(select(CalibrationReport)).all()) == 1
    assert db.session.scalar(select(Decision)) is not None  # panel_history's decision
