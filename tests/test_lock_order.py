"""The one lock order (hiring/services/locks.py): candidate rows, then the interview row,
then the rows written, then the audit chain. Each test is a real interleaving on PostgreSQL
(tests/races.py): the second request is seen waiting for a lock before the first goes on.
The attacks these complete are in tests/test_attack_inputs_wave3.py."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Candidate, Interview, Scorecard, User
from tests.access import client_for
from tests.conftest import csrf_from
from tests.races import holding_candidate, in_another_session, while_held

KEPT = "ZQX-lock-order typed text"


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")


def _form_state(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html)
    return {"csrf_token": csrf_from(html), "lock_version": version.group(1) if version else "0"}


def _erase(admin, token, candidate_id, responses):
    responses["erase"] = admin.post(f"/admin/candidates/{candidate_id}/erase", data={
        "csrf_token": token, "erase-reason": "Erasure request by email",
        "erase-legal_basis": "GDPR Art. 17(1)(b), consent withdrawn",
        "erase-confirm": str(candidate_id)})


def test_a_save_after_its_interview_was_removed_says_so_not_saved_elsewhere(
        app, people, loop, database_url):
    """The interview is removed (not yet committed) while its interviewer saves a first
    draft: the save waits, then is refused with "interview removed", not the 409 "saved
    somewhere else" of a conflict, and nothing is stored."""
    interview_id = loop["interview"].id
    iv, _ = client_for(app, "interviewer")
    url = f"/interviews/{interview_id}/scorecard"
    data = _form_state(iv, url)
    data.update({"case_notes": KEPT, "action": "save"})

    def remove():
        interview = db.session.get(Interview, interview_id)
        db.session.execute(select(Interview.id).where(Interview.id == interview_id)
                           .with_for_update())
        interview.focus = []
        db.session.delete(interview)
        db.session.flush()

    second = in_another_session(remove)
    db.session.commit()
    response = while_held(database_url, second, lambda: iv.post(url, data=data))
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith("/interviews/mine")
    page = iv.get("/interviews/mine").get_data(as_text=True)
    assert "This interview was removed" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Scorecard).where(
        Scorecard.interview_id == interview_id)) == 0


def test_a_draft_saved_while_the_candidate_is_erased_leaves_no_text(
        app, people, loop, database_url):
    """An erasure (queued first) and an autosave of a draft at once: the draft waits for
    the erasure and is refused ("erased"), or is saved first and then deleted by it;
    either way no typed text of the erased candidate is stored."""
    candidate_id, interview_id = loop["candidate"].id, loop["interview"].id
    iv, _ = client_for(app, "interviewer")
    admin, token = client_for(app, "admin")
    data = _form_state(iv, f"/interviews/{interview_id}/scorecard")
    data.update({"case_notes": KEPT})
    db.session.commit()
    responses: dict[str, object] = {}

    def autosave():
        responses["draft"] = iv.post(f"/interviews/{interview_id}/scorecard/autosave",
                                     data=data)

    holding_candidate(database_url, candidate_id,
                       lambda: _erase(admin, token, candidate_id, responses), autosave)
    assert responses["erase"].status_code == 302
    assert responses["draft"].status_code == 409, responses["draft"].status_code
    assert responses["draft"].json["error"] == "gone"
    assert "erased" in responses["draft"].json["message"]
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id).erased
    assert db.session.scalars(select(Scorecard).where(
        Scorecard.case_notes.contains(KEPT))).all() == []


def test_changing_settings_while_a_candidate_is_erased_is_no_deadlock(
        app, people, loop, database_url):
    """A requisition's decision settings change (every snapshot is refreshed: all its
    candidates' rows) while one of its candidates is erased. The settings change used to
    hold the audit chain and wait for the candidate's row while the erasure held the row
    and waited for the chain: a deadlock, one of them failing. Now both succeed."""
    from hiring.services.debrief import settings_for
    from hiring.services.decisions import SETTINGS, change_settings

    candidate_id, requisition_id = loop["candidate"].id, loop["requisition"].id
    admin_id = people["admin"].id
    admin, token = client_for(app, "admin")
    current = {k: v for k, v in asdict(settings_for(loop["requisition"])).items()
               if k in SETTINGS}
    new = {**current, "quorum": current["quorum"] + 1}
    db.session.commit()
    responses: dict[str, object] = {}
    outcome: list = []

    def change():
        from hiring.models import Requisition

        with app.app_context():
            change_settings(db.session.get(Requisition, requisition_id), new,
                            "one more interviewer", db.session.get(User, admin_id))
            outcome.append("changed")

    holding_candidate(database_url, candidate_id,
                       lambda: _erase(admin, token, candidate_id, responses), change)
    assert responses["erase"].status_code == 302
    assert outcome == ["changed"]
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id).erased
