"""Every route x method x principal has an expected answer; a new route cannot ship
unchecked."""

from __future__ import annotations

import pytest

from tests.access import LOGIN, PRINCIPALS, call, client_for, outcome

A, IV, H, D = "admin", "interviewer", "hiring_manager", "deactivated"


def same(code, **overrides):
    """Everyone signed in gets `code`; anonymous and deactivated go to the login page."""
    result = {"anonymous": LOGIN, D: LOGIN, IV: code, H: code, A: code}
    result.update(overrides)
    return result


def admin_only(code):
    return same(403, admin=code)


def staff(code):
    """Admins and hiring managers; interviewers are refused at the route."""
    return same(403, admin=code, hiring_manager=code)


EXPECTED = {
    ("static", "GET"): {p: 200 for p in PRINCIPALS},
    ("home", "GET"): same(302),
    ("auth.login", "GET"): {"anonymous": 200, D: 200, IV: 302, H: 302, A: 302},
    ("auth.login", "POST"): {"anonymous": 200, D: 200, IV: 302, H: 302, A: 302},
    ("auth.logout", "POST"): {p: LOGIN for p in PRINCIPALS},  # logged out, or never in
    ("auth.account", "GET"): same(200),
    ("auth.change_password", "GET"): same(200),
    ("auth.change_password", "POST"): same(200),  # empty form: errors shown
    ("roles.catalog", "GET"): same(200),
    ("roles.detail", "GET"): same(200),
    ("admin.users", "GET"): admin_only(200),
    ("admin.new_user", "GET"): admin_only(200),
    ("admin.new_user", "POST"): admin_only(200),
    ("admin.edit_user", "GET"): admin_only(200),
    ("admin.edit_user", "POST"): admin_only(302),  # absent fields keep their values
    ("admin.deactivate_user", "POST"): admin_only(302),
    ("admin.reset_password", "POST"): admin_only(200),  # the one-time password, shown once
    ("admin.activate_user", "POST"): admin_only(302),
    ("admin.audit", "GET"): admin_only(200),
    ("admin.retention_page", "GET"): admin_only(200),
    ("admin.retention_page", "POST"): admin_only(422),  # empty form: errors shown
    ("admin.purge", "POST"): admin_only(422),  # no typed confirmation: nothing erased
    ("admin.candidate_retention", "GET"): admin_only(200),
    ("admin.hold_candidate", "POST"): admin_only(422),  # no reason: refused
    ("admin.erase_candidate", "POST"): admin_only(422),  # no reason, no confirmation
    ("admin.export_candidate", "POST"): admin_only(200),  # the ZIP
    ("admin.requisition_retention", "GET"): admin_only(200),
    ("admin.hold_requisition", "POST"): admin_only(422),
    ("requisitions.index", "GET"): staff(200),
    ("requisitions.new", "GET"): admin_only(200),
    ("requisitions.new", "POST"): admin_only(200),  # empty form: errors shown
    ("requisitions.detail", "GET"): staff(200),
    ("requisitions.edit", "GET"): admin_only(200),
    ("requisitions.edit", "POST"): admin_only(302),  # absent fields keep their values
    ("requisitions.weights", "GET"): staff(200),
    ("requisitions.weights", "POST"): staff(200),
    ("requisitions.new_candidate", "GET"): admin_only(200),
    ("requisitions.new_candidate", "POST"): admin_only(200),
    ("requisitions.candidate", "GET"): staff(200),
    ("requisitions.edit_candidate", "GET"): admin_only(200),
    ("requisitions.edit_candidate", "POST"): admin_only(302),
    ("requisitions.new_interview", "GET"): admin_only(200),
    ("requisitions.new_interview", "POST"): admin_only(200),
    ("requisitions.edit_interview", "GET"): admin_only(200),
    ("requisitions.edit_interview", "POST"): admin_only(200),  # the time must be sent
    ("requisitions.delete_interview", "POST"): admin_only(302),
    ("requisitions.suggest", "POST"): admin_only(302),
    ("scorecards.my_interviews", "GET"): same(200),
    # iv@'s own interview: only iv@ writes it; the owner and admins may see it, not write it
    ("scorecards.fill", "GET"): same(403, interviewer=200),
    ("scorecards.fill", "POST"): same(403, interviewer=422),  # no version: nothing saved
    ("scorecards.autosave", "POST"): same(403, interviewer=422),
    # peer@'s submitted scorecard: iv@ and hm@ interview the candidate and have not
    # submitted, so for them it does not exist; the admin sees it but may not amend it
    ("scorecards.view", "GET"): same(404, admin=200),
    ("scorecards.amend_view", "GET"): same(404, admin=403),
    ("scorecards.amend_view", "POST"): same(404, admin=403),
    # iv@ and hm@ have not submitted on this candidate: the debrief waits for them
    ("debriefs.debrief", "GET"): same(403, admin=200),
    ("debriefs.decide", "POST"): same(403, admin=422),  # empty form: errors shown
    ("debriefs.settings", "GET"): staff(200),
    ("debriefs.settings", "POST"): staff(200),  # no rationale: errors shown
    ("debriefs.compare", "GET"): staff(200),
    ("debriefs.calibration", "GET"): same(200),  # interviewers: their own row only
    ("packets.download", "GET"): same(403, admin=200),  # as the debrief
    ("healthz", "GET"): {p: 200 for p in PRINCIPALS},
    # iv@'s interview: its interviewer, the requisition's owner and admins see the kit
    ("workflow.kit", "GET"): same(200),
    ("workflow.calendar", "GET"): same(200),
    ("workflow.preferences", "GET"): same(200),
    ("workflow.preferences", "POST"): same(302),  # nothing sent: browser zone, no reminders
    ("workflow.loop_template", "GET"): admin_only(200),
    ("workflow.loop_template", "POST"): admin_only(200),  # empty form: errors shown
    ("workflow.delete_step", "POST"): admin_only(404),  # no such step
    ("workflow.apply", "GET"): admin_only(200),
    ("workflow.apply", "POST"): admin_only(200),  # no loop template yet: says so
    ("workflow.map_areas", "POST"): admin_only(302),
    ("workflow.manager_dashboard", "GET"): staff(200),
    ("workflow.admin_dashboard", "GET"): admin_only(200),
    # iv@'s scorecard is late: the requisition's owner (and admins) may remind iv@
    ("workflow.remind", "POST"): staff(302),
}


# Routes after which the principal's session is gone: the matrix logs in again.
ENDS_SESSION = {"auth.logout"}


def ids_of(people, loop) -> dict:
    """The objects' ids, read once: after each request the test's session forgets what it
    loaded, and reading an id again would cost a query per route."""
    return {"user_id": people["interviewer2"].id, "requisition_id": loop["requisition"].id,
            "candidate_id": loop["candidate"].id, "interview_id": loop["interview"].id,
            "scorecard_id": loop["peer_card"].id, "spare_interview_id": loop["spare"].id}


def url_values(ids: dict, endpoint: str) -> dict:
    values = {"slug": "engineering-manager", "version": 1, "filename": "app.css",
              "step_id": 2**31 - 1, **ids}
    if endpoint == "requisitions.delete_interview":
        values["interview_id"] = ids["spare_interview_id"]
    return values


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_expectation(app):
    missing = sorted({(r.endpoint, m) for r, m in routes(app)} - set(EXPECTED))
    assert missing == [], f"add these routes to EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {(r.endpoint, m) for r, m in routes(app)})
    assert stale == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(app, people, loop, principal):
    from flask import url_for
    failures = []
    client, token = client_for(app, principal)  # one login per principal, not per route
    ids = ids_of(people, loop)
    for rule, method in routes(app):
        expected = EXPECTED[(rule.endpoint, method)][principal]
        values = {k: v for k, v in url_values(ids, rule.endpoint).items()
                  if k in rule.arguments}
        url = url_for(rule.endpoint, **values, _external=False)
        got = outcome(call(client, method, url, token))
        if rule.endpoint in ENDS_SESSION:
            client, token = client_for(app, principal)
        if got != expected:
            failures.append(f"{method} {url}: expected {expected}, got {got}")
    assert failures == []


SWAPPABLE = {
    # endpoint, method: which fixture object the id comes from
    ("requisitions.detail", "GET"): ("requisition_id", "other_requisition"),
    ("requisitions.weights", "GET"): ("requisition_id", "other_requisition"),
    ("requisitions.weights", "POST"): ("requisition_id", "other_requisition"),
    ("requisitions.candidate", "GET"): ("candidate_id", "other_candidate"),
    ("scorecards.fill", "GET"): ("interview_id", "other_interview"),
    ("scorecards.fill", "POST"): ("interview_id", "other_interview"),
    ("scorecards.autosave", "POST"): ("interview_id", "other_interview"),
    ("scorecards.view", "GET"): ("scorecard_id", "other_card"),
    ("scorecards.amend_view", "GET"): ("scorecard_id", "other_card"),
    ("scorecards.amend_view", "POST"): ("scorecard_id", "other_card"),
    ("debriefs.debrief", "GET"): ("candidate_id", "other_candidate"),
    ("debriefs.settings", "GET"): ("requisition_id", "other_requisition"),
    ("debriefs.settings", "POST"): ("requisition_id", "other_requisition"),
    ("debriefs.compare", "GET"): ("requisition_id", "other_requisition"),
    ("packets.download", "GET"): ("candidate_id", "other_candidate"),
    ("workflow.kit", "GET"): ("interview_id", "other_interview"),
    ("workflow.calendar", "GET"): ("interview_id", "other_interview"),
    ("workflow.remind", "POST"): ("interview_id", "other_interview"),
}


@pytest.mark.parametrize("principal", ["interviewer", "hiring_manager"])
def test_a_peers_object_id_in_any_url_is_404(app, people, loop, principal):
    """hm2@ owns another requisition, candidate, interview and scorecard: swapping their ids
    into the URLs this principal may otherwise use answers 404, never 403 or 200."""
    from flask import url_for
    client, token = client_for(app, principal)
    failures = []
    from hiring.policy import PERMISSIONS
    checked = 0
    for (endpoint, method), (arg, key) in SWAPPABLE.items():
        permission = app.view_functions[endpoint].required_permission
        if principal not in PERMISSIONS[permission]:
            continue  # refused at the route already, whatever the id
        checked += 1
        url = url_for(endpoint, **{arg: loop[key].id})
        got = outcome(call(client, method, url, token))
        if got != 404:
            failures.append(f"{method} {url}: got {got}")
    assert failures == []
    assert checked >= 6


# ---------------------------------------------------------------- blinded principals
# A hiring manager or admin who interviews a candidate and has not submitted is blind to
# that candidate's feedback on every page: no composite, band, votes, flags or decision.
# hm@ interviews Casey in the loop fixture; the admin is given an interview below.

DECISION_NOTE = "Rationale-7f3 that only the unblinded may read"

# endpoint -> what a blinded principal gets: a status, and for 200 pages the page must hold
# none of the leak markers. Every GET page about a requisition or candidate must be here.
BLINDED_PAGES = {
    "debriefs.compare": 200,
    "requisitions.detail": 200,
    "requisitions.candidate": 200,
    "requisitions.index": 200,
    "scorecards.my_interviews": 200,
    "admin.audit": 200,  # admins only
    "debriefs.debrief": 403,
    "packets.download": 403,
    "scorecards.view": 404,  # peer@'s submitted scorecard
    "debriefs.settings": 200,
    "requisitions.weights": 200,
    "requisitions.edit": 200,  # admins only, as the rest of this block
    "requisitions.edit_candidate": 200,
    "requisitions.new_candidate": 200,
    "requisitions.new_interview": 200,
    "scorecards.amend_view": 404,
    "admin.candidate_retention": 200,
    "admin.requisition_retention": 200,
    "workflow.loop_template": 200,  # admins only: loop setup shows no feedback
    "workflow.apply": 200,
}
LEAKS = ("<td>No hire</td>", "<td>Rejected</td>", '<span class="badge">Rejected</span>', DECISION_NOTE, 'class="num composite"', "<td>decision recorded</td>",
         "Walked through a concrete incident review", "0/0/1/0")


@pytest.fixture
def blinded(app, people, loop):
    from hiring.audit import record
    from hiring.extensions import db
    from hiring.models import Decision, Interview

    when = loop["interview"].scheduled_at
    db.session.add(Interview(candidate=loop["candidate"], interviewer=people["admin"],
                             kind="cross_functional", scheduled_at=when))
    db.session.add(Decision(candidate_id=loop["candidate"].id, decision="no_hire",
                            rationale=DECISION_NOTE, decided_by_id=loop["hm2"].id))
    record("decision_recorded", actor=loop["hm2"], target=f"candidate:{loop['candidate'].id}",
           details={"decision": "no_hire"})
    loop["candidate"].stage = "rejected"  # as the decision moves it
    db.session.commit()
    return loop


def test_every_candidate_or_requisition_page_is_checked_for_blinding(app):
    pages = {r.endpoint for r, m in routes(app) if m == "GET"
             and r.arguments & {"candidate_id", "requisition_id", "scorecard_id"}}
    assert sorted(pages - set(BLINDED_PAGES)) == []


@pytest.mark.parametrize("principal", ["hiring_manager", "admin"])
def test_blinded_staff_see_no_feedback_anywhere(app, people, blinded, principal):
    from flask import url_for
    client, _ = client_for(app, principal)
    failures = []
    ids = ids_of(people, blinded)
    for endpoint, expected in BLINDED_PAGES.items():
        if endpoint not in app.view_functions:
            continue
        permission = app.view_functions[endpoint].required_permission
        from hiring.policy import PERMISSIONS
        if principal not in PERMISSIONS[permission]:
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {k: v for k, v in url_values(ids, endpoint).items()
                  if k in rule.arguments}
        response = client.get(url_for(endpoint, **values))
        body = response.get_data(as_text=True)
        if response.status_code != expected:
            failures.append(f"{endpoint}: {response.status_code}, expected {expected}")
        failures += [f"{endpoint} shows {leak!r}" for leak in LEAKS if leak in body]
    if "debriefs.calibration" in app.view_functions:
        # peer@ rated only the blinded candidate: their row would come from that feedback
        report = client.get(url_for("debriefs.calibration")).get_data(as_text=True)
        if "Pat Peer" in report:
            failures.append("debriefs.calibration fits the blinded candidate's ratings")
    filtered = client.get(url_for("debriefs.compare", requisition_id=blinded["requisition"].id,
                                  stage="rejected")).get_data(as_text=True)
    if "Casey Candidate" in filtered:
        failures.append("compare?stage=rejected lists the blinded candidate")
    if principal == "admin" and "admin.export_candidate" in app.view_functions:
        # the subject-access export holds everyone's feedback: refused while blinded
        from tests.conftest import csrf_for
        export = client.post(url_for("admin.export_candidate",
                                     candidate_id=blinded["candidate"].id),
                             data={"csrf_token": csrf_for(client)})
        if export.status_code == 200:
            failures.append("admin.export_candidate exported while blinded")
    assert failures == []
    # not vacuous: once they submit their own scorecards, the same pages show it all
    from hiring.extensions import db
    from hiring.models import Interview
    from hiring.services.scorecards import ScorecardInput, get_or_create, save
    user = people[principal]
    for interview in db.session.query(Interview).filter_by(
            candidate_id=blinded["candidate"].id, interviewer_id=user.id):
        card = get_or_create(interview, user)
        evidence = "Concrete example with numbers and what they changed afterwards."
        save(card, ScorecardInput(ratings={d.id: (2, evidence) for d in interview.focus},
                                  overall=2), card.lock_version, submit=True)
    compare = client.get(url_for("debriefs.compare",
                                 requisition_id=blinded["requisition"].id)).get_data(as_text=True)
    assert "<td>No hire</td>" in compare and "<td>Rejected</td>" in compare and 'class="num composite"' in compare
    assert client.get(url_for("debriefs.debrief",
                              candidate_id=blinded["candidate"].id)).status_code == 200
    if principal == "admin":
        audit = client.get(url_for("admin.audit")).get_data(as_text=True)
        assert "<td>decision recorded</td>" in audit
