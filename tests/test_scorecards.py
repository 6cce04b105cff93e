"""Filling, saving, submitting and amending scorecards; independence; bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Scorecard, ScorecardAmendment, ScorecardRating
from tests.access import client_for

EVIDENCE = "Described how they re-planned a slipping launch with the PM, with dates."


def page_state(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)
    return {"csrf_token": token, "lock_version": version, "html": html}


def full_answer(loop, **extra) -> dict:
    focus = loop["interview"].focus
    data = {f"rating_{d.id}": "3" for d in focus}
    data.update({f"evidence_{d.id}": EVIDENCE for d in focus})
    data["overall"] = "3"
    data.update(extra)
    return data


def fill_url(loop) -> str:
    return f"/interviews/{loop['interview'].id}/scorecard"


def my_card(loop) -> Scorecard:
    return db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == loop["interview"].id))


def test_form_shows_focus_dimensions_anchors_scale_and_case_study(app, loop):
    client, _ = client_for(app, "interviewer")
    html = client.get(fill_url(loop)).get_data(as_text=True)
    focus = loop["interview"].focus
    assert focus[0].meets in html and focus[0].exceeds in html
    assert "Not assessed" in html and "4 Exceeds" in html
    assert "Strong no" in html and "Strong yes" in html and "Neutral" not in html
    assert loop["template"].case_studies[0].title in html
    assert html.count('role="radiogroup"') == len(loop["template"].dimensions) + 1
    assert '<label for="evidence_' in html


def test_save_draft_then_submit_locks_the_scorecard(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    dim = loop["interview"].focus[0]
    draft = {"csrf_token": state["csrf_token"], "lock_version": state["lock_version"],
             "action": "draft", f"rating_{dim.id}": "2", f"evidence_{dim.id}": "half-written"}
    assert client.post(fill_url(loop), data=draft).status_code == 302
    card = my_card(loop)
    assert card.status == "draft"
    assert [(r.rating, r.evidence) for r in card.ratings] == [(2, "half-written")]
    state = page_state(client, fill_url(loop))
    assert "half-written" in state["html"]
    answer = full_answer(loop, csrf_token=state["csrf_token"],
                         lock_version=state["lock_version"], action="submit")
    response = client.post(fill_url(loop), data=answer)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/scorecards/{card.id}"
    db.session.refresh(card)
    assert card.status == "submitted" and card.submitted_at is not None
    # locked: the form now redirects to the read-only view, a replayed post changes nothing
    assert client.get(fill_url(loop)).status_code == 302
    replay = dict(answer, **{f"rating_{dim.id}": "1"})
    client.post(fill_url(loop), data=replay)
    db.session.refresh(card)
    assert {r.dimension_id: r.rating for r in card.ratings}[dim.id] == 3


def test_submit_with_missing_answers_shows_errors_beside_fields_and_keeps_text(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    first, second = loop["interview"].focus
    typed = "A long careful note that must survive the failed submission intact."
    response = client.post(fill_url(loop), data={
        "csrf_token": state["csrf_token"], "lock_version": state["lock_version"],
        "action": "submit", f"rating_{first.id}": "4", f"evidence_{first.id}": "short",
        f"evidence_{second.id}": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"{second.name} is a focus of this interview: rate it." in html
    assert "Write the evidence for this rating" in html
    assert "Choose an overall recommendation." in html
    assert typed in html
    assert f'aria-describedby="evidence_{first.id}-err"' in html
    # the failed submit keeps what was typed as the server-side draft, and says so
    card = my_card(loop)
    assert card.status == "draft"
    assert {r.dimension_id: (r.rating, r.evidence) for r in card.ratings} == {
        first.id: (4, "short"), second.id: (None, typed)}
    assert "Not submitted. Your draft is saved." in html
    # the banner at the top links to each field in error
    banner = html[html.index('id="form-errors"'):html.index('id="scorecard-form"')]
    for anchor in (f"#rating_{second.id}-0", f"#evidence_{first.id}", "#overall-0"):
        assert f'href="{anchor}"' in banner
    # the page's version moved with the saved draft: submitting the completed form works
    assert f'name="lock_version" type="hidden" value="{card.lock_version}"' in html
    assert 'aria-invalid="None"' not in html and 'aria-describedby="None"' not in html


def test_failed_draft_save_keeps_text_and_saves_nothing(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    first, _ = loop["interview"].focus
    too_long = "x" * (app.config["NOTE_MAX_LENGTH"] + 1)
    response = client.post(fill_url(loop), data={
        "csrf_token": state["csrf_token"], "lock_version": state["lock_version"],
        "action": "submit", f"evidence_{first.id}": too_long, "other_concern": "kept text"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "kept text" in html and "Nothing was saved." in html
    assert my_card(loop) is None  # nothing saved, and opening the form created no row


def test_not_assessed_is_stored_as_no_rating(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    other = loop["template"].dimensions[-1]
    answer = full_answer(loop, csrf_token=state["csrf_token"], action="submit",
                         lock_version=state["lock_version"], **{f"rating_{other.id}": ""})
    assert client.post(fill_url(loop), data=answer).status_code == 302
    ratings = {r.dimension_id: r.rating for r in my_card(loop).ratings}
    assert other.id not in ratings
    assert set(ratings) == {d.id for d in loop["interview"].focus}


@pytest.mark.parametrize("tamper,status,message", [
    ({"rating_FOCUS": "7"}, 422, "Choose a rating from 1 to 4, or Not assessed."),
    ({"rating_FOCUS": "-1"}, 422, "Choose a rating from 1 to 4"),
    ({"overall": "0"}, 422, "Choose Strong no, No, Yes or Strong yes."),
    ({"rating_99999": "3"}, 400, "names a dimension or signal this role does not have"),
    ({"signal_99999": "y"}, 400, "names a dimension or signal this role does not have"),
    ({"lock_version": "abc"}, 422, "The form was altered"),
    ({"evidence_FOCUS": "x" * 5001}, 422, "Keep this under 5,000 characters."),
    ({"evidence_FOCUS": "bad\x00byte"}, 422, "Contains a NUL character"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
        app, loop, tamper, status, message):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    focus_id = loop["interview"].focus[0].id
    answer = full_answer(loop, csrf_token=state["csrf_token"], action="draft",
                         lock_version=state["lock_version"])
    answer.update({k.replace("FOCUS", str(focus_id)): v for k, v in tamper.items()})
    response = client.post(fill_url(loop), data=answer)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ScorecardRating)) == len(
        loop["peer_interview"].focus) + 1  # only the fixture's submitted scorecards


def test_stale_version_is_a_conflict_that_keeps_the_text(app, loop):
    tab_a, _ = client_for(app, "interviewer")
    state = page_state(tab_a, fill_url(loop))
    dim = loop["interview"].focus[0]
    first = {"csrf_token": state["csrf_token"], "lock_version": state["lock_version"],
             "action": "draft", f"rating_{dim.id}": "2", f"evidence_{dim.id}": "first tab"}
    assert tab_a.post(fill_url(loop), data=first).status_code == 302
    second = dict(first, **{f"evidence_{dim.id}": "second tab text"})
    response = tab_a.post(fill_url(loop), data=second)  # same, now stale, version
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "saved somewhere else" in html and "second tab text" in html
    assert my_card(loop).ratings[0].evidence == "first tab"
    # the re-rendered form carries the current version, so saving again wins
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)
    assert tab_a.post(fill_url(loop), data=dict(second, lock_version=version)).status_code == 302
    db.session.expire_all()
    assert my_card(loop).ratings[0].evidence == "second tab text"


def test_autosave_returns_json_and_detects_conflicts(app, loop):
    client, _ = client_for(app, "interviewer")
    state = page_state(client, fill_url(loop))
    dim = loop["interview"].focus[0]
    url = f"/interviews/{loop['interview'].id}/scorecard/autosave"
    data = {"csrf_token": state["csrf_token"], "lock_version": state["lock_version"],
            f"evidence_{dim.id}": "typed so far"}
    ok = client.post(url, data=data)
    assert ok.status_code == 200 and ok.json["ok"] is True
    assert ok.json["version"] == int(state["lock_version"]) + 1
    stale = client.post(url, data=data)
    assert stale.status_code == 409 and stale.json["error"] == "conflict"
    assert my_card(loop).ratings[0].evidence == "typed so far"
    # after an idle timeout the cookie still holds a valid CSRF token but no session:
    # the script sees a redirect and keeps the text in the browser
    from datetime import timedelta

    from hiring.models import UserSession
    from hiring.models.base import utcnow
    for login_session in db.session.scalars(select(UserSession)):
        login_session.last_seen_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    expired = client.post(url, data=dict(data, lock_version=str(ok.json["version"])))
    assert expired.status_code == 302 and "/auth/login" in expired.headers["Location"]


def _submit_mine(client, loop):
    state = page_state(client, fill_url(loop))
    answer = full_answer(loop, csrf_token=state["csrf_token"], action="submit",
                         lock_version=state["lock_version"])
    assert client.post(fill_url(loop), data=answer).status_code == 302
    return my_card(loop)


def test_amendment_needs_a_reason_and_keeps_the_earlier_version(app, loop):
    client, _ = client_for(app, "interviewer")
    card = _submit_mine(client, loop)
    url = f"/scorecards/{card.id}/amend"
    state = page_state(client, url)
    dim = loop["interview"].focus[0]
    changed = full_answer(loop, csrf_token=state["csrf_token"],
                          lock_version=state["lock_version"], **{f"rating_{dim.id}": "4"})
    response = client.post(url, data=changed)
    assert "Say why you are changing a submitted scorecard." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ScorecardAmendment)) == 0
    response = client.post(url, data=dict(changed, reason="Mixed up two answers"))
    assert response.status_code == 302
    [amendment] = db.session.scalars(select(ScorecardAmendment)).all()
    assert amendment.reason == "Mixed up two answers"
    assert amendment.before["ratings"][str(dim.id)]["rating"] == 3
    assert amendment.after["ratings"][str(dim.id)]["rating"] == 4
    # the hiring manager (after submitting their own) sees the amendment
    hm, _ = client_for(app, "hiring_manager")
    assert hm.get(f"/scorecards/{card.id}").status_code == 404  # still blind
    hm_state = page_state(hm, f"/interviews/{loop['hm_interview'].id}/scorecard")
    hm_answer = {f"rating_{d.id}": "3" for d in loop["hm_interview"].focus}
    hm_answer.update({f"evidence_{d.id}": EVIDENCE for d in loop["hm_interview"].focus})
    hm.post(f"/interviews/{loop['hm_interview'].id}/scorecard", data=dict(
        hm_answer, overall="4", action="submit", csrf_token=hm_state["csrf_token"],
        lock_version=hm_state["lock_version"]))
    html = hm.get(f"/scorecards/{card.id}").get_data(as_text=True)
    assert "Mixed up two answers" in html and "rating 3 → 4" in html


def test_independence_others_feedback_appears_only_after_submitting(app, loop):
    client, _ = client_for(app, "interviewer")
    peer_url = f"/scorecards/{loop['peer_card'].id}"
    assert client.get(peer_url).status_code == 404
    mine = client.get("/interviews/mine").get_data(as_text=True)
    assert "Pat Peer" not in mine and EVIDENCE not in mine
    form_html = client.get(fill_url(loop)).get_data(as_text=True)
    assert "Walked through a concrete incident review" not in form_html
    _submit_mine(client, loop)
    assert client.get(peer_url).status_code == 200
    assert "Walked through a concrete incident review" in client.get(peer_url).get_data(
        as_text=True)


def test_double_submit_from_two_tabs_makes_one_scorecard(app, loop):
    tab_a, _ = client_for(app, "interviewer")
    state = page_state(tab_a, fill_url(loop))
    answer = full_answer(loop, csrf_token=state["csrf_token"], action="submit",
                         lock_version=state["lock_version"])
    first = tab_a.post(fill_url(loop), data=answer)
    second = tab_a.post(fill_url(loop), data=answer)
    assert first.status_code == 302 and second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Scorecard).where(
        Scorecard.interview_id == loop["interview"].id)) == 1


def test_my_interviews_lists_due_and_overdue(app, loop):
    client, _ = client_for(app, "interviewer")
    html = client.get("/interviews/mine").get_data(as_text=True)
    assert "Casey Candidate" in html and "Overdue" in html  # scheduled 2026-11-20
    assert "2026-11-21 16:00 UTC" in html  # due 24 hours after the 60-minute interview ends
