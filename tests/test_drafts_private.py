"""Issue 11 item 1: an unsubmitted scorecard is its author's alone. Everyone else (a peer
who submitted, the hiring manager, an admin) gets 404, as for an id that does not exist,
in HTML, JSON, the PDF packet and the audit log view."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from hiring.extensions import db
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.conftest import csrf_for, login

SECRET = "DRAFT-ONLY-xq7 half-formed thought about the candidate"
EVIDENCE = "Gave a concrete example with numbers and what they changed afterwards."


def _client(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client, csrf_for(client)


def _submit(interview):
    card = get_or_create(interview, interview.interviewer)
    save(card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in interview.focus},
                              overall=3), card.lock_version, submit=True)
    return card


@pytest.fixture
def draft(app, loop):
    """iv@ has saved a draft; hm@ has submitted (so hm@ may see the panel's feedback)."""
    interview = loop["interview"]
    card = get_or_create(interview, interview.interviewer)
    dim = interview.focus[0]
    save(card, ScorecardInput(ratings={dim.id: (1, SECRET)}, overall=1,
                              case_notes=SECRET), card.lock_version)
    _submit(loop["hm_interview"])
    db.session.commit()
    return card


OTHERS = ("peer@example.com", "hm@example.com", "admin@example.com")


@pytest.mark.parametrize("email", OTHERS)
def test_a_draft_is_404_to_everyone_but_its_author(app, loop, draft, email):
    client, token = _client(app, email)
    for url in (f"/scorecards/{draft.id}", f"/scorecards/{draft.id}/amend"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.get_data(as_text=True)
    posted = client.post(f"/scorecards/{draft.id}/amend", data={"csrf_token": token})
    assert posted.status_code == 404
    # the same answer as for an id that was never used: existence is not confirmed
    assert client.get("/scorecards/987654").status_code == 404


def test_the_author_still_reads_their_own_draft(app, loop, draft):
    client, _ = client_for(app, "interviewer")
    response = client.get(f"/scorecards/{draft.id}")
    assert response.status_code == 200 and SECRET in response.get_data(as_text=True)


@pytest.mark.parametrize("email", OTHERS)
def test_autosave_json_of_someone_elses_interview_reveals_nothing(app, loop, draft, email):
    client, token = _client(app, email)
    def autosave(interview):
        return client.post(f"/interviews/{interview.id}/scorecard/autosave",
                           data={"csrf_token": token, "lock_version": "1"})

    response = autosave(loop["interview"])
    assert response.status_code in (403, 404)
    assert SECRET not in response.get_data(as_text=True)
    # the answer is the one for an interview of the same loop that has no draft at all
    assert response.status_code == autosave(loop["spare"]).status_code


def test_candidate_page_does_not_tell_others_a_draft_exists(app, loop, draft):
    client, _ = _client(app, "hm@example.com")
    html = client.get(f"/candidates/{loop['candidate'].id}").get_data(as_text=True)
    assert ">draft<" not in html and SECRET not in html


def test_packet_and_debrief_leave_the_draft_out(app, loop, draft, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    app.config["PDF_RENDER_TIMEOUT"] = 120  # a busy test machine; the bound is tested elsewhere
    client, _ = _client(app, "admin@example.com")
    debrief = client.get(f"/candidates/{loop['candidate'].id}/debrief")
    assert debrief.status_code == 200 and SECRET not in debrief.get_data(as_text=True)
    pdf = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Casey Candidate" in text and "DRAFT-ONLY" not in text


def test_audit_view_shows_nothing_of_a_draft(app, loop, draft):
    client, _ = _client(app, "admin@example.com")
    client.get(f"/scorecards/{draft.id}")  # a denied probe is logged, without content
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "DRAFT-ONLY" not in html
