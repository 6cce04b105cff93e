"""Issue 11 item 4: hostile input gets a clear 4xx page or form error, never a 5xx, and
what the user typed comes back. Every case runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Scorecard
from tests.access import client_for
from tests.conftest import csrf_from

HUGE_IDS = [2**31, 2**63, 10**30]


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if type(conv).__name__.lower().startswith(("int", "boundedint", "id"))]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_huge_ids_in_every_url_are_404(app, people, loop, huge):
    admin, token = client_for(app, "admin")
    rules = list(_int_rules(app))
    assert len(rules) >= 15  # every route with an id is walked
    for rule, names in rules:
        path = rule.rule
        for name in names:
            path = re.sub(r"<int(?:\([^)]*\))?:" + name + ">", str(huge), path)
        if "<" in path:  # another variable, e.g. a slug: use a real one
            path = path.replace("<slug>", loop["template"].role.slug)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = (admin.get(path) if method == "GET"
                        else admin.post(path, data={"csrf_token": token}))
            assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("page", ["100000000000000000000", "-5", "0", "abc", "1e9"])
def test_page_numbers_out_of_range_are_not_errors(app, people, loop, page):
    admin, _ = client_for(app, "admin")
    for url in ("/admin/audit", f"/requisitions/{loop['requisition'].id}/compare"):
        response = admin.get(f"{url}?page={page}")
        assert response.status_code in (200, 404), (url, response.status_code)


def _scorecard_post(client, interview_id, **fields):
    page = client.get(f"/interviews/{interview_id}/scorecard")
    html = page.get_data(as_text=True)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html)
    data = {"csrf_token": csrf_from(html), "lock_version": version.group(1) if version else "0"}
    data.update(fields)
    return client.post(f"/interviews/{interview_id}/scorecard", data=data)


def test_scorecard_submit_without_overall_is_a_form_error_keeping_text(app, people, loop):
    iv, _ = client_for(app, "interviewer")
    dims = loop["template"].dimensions
    evidence = "Explained the rollback plan with numbers, owners and dates. ZQX-kept"
    fields = {f"rating_{d.id}": "3" for d in dims[:2]}
    fields.update({f"evidence_{d.id}": evidence for d in dims[:2]})
    response = _scorecard_post(iv, loop["interview"].id, action="submit", **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose an overall recommendation" in html
    assert "ZQX-kept" in html


@pytest.mark.parametrize("version", ["abc", str(2**70), "\u00b2", "-1", "", "1.5"])
@pytest.mark.parametrize("action", ["save", "submit", "autosave"])
def test_bad_lock_version_is_a_clear_4xx(app, people, loop, version, action):
    iv, _ = client_for(app, "interviewer")
    interview_id = loop["interview"].id
    html = iv.get(f"/interviews/{interview_id}/scorecard").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "lock_version": version,
            "case_notes": "typed notes ZQX-kept", "overall": "3"}
    if action == "autosave":
        response = iv.post(f"/interviews/{interview_id}/scorecard/autosave", data=data)
        assert response.status_code in (409, 422), response.status_code
        return
    data["action"] = action
    response = iv.post(f"/interviews/{interview_id}/scorecard", data=data)
    assert response.status_code in (409, 422), response.status_code
    assert "ZQX-kept" in response.get_data(as_text=True)


@pytest.mark.parametrize("version", [str(2**70), str(2**31), "99999999999999999999"])
def test_role_version_out_of_range_is_404(app, people, loop, version):
    admin, _ = client_for(app, "admin")
    response = admin.get(f"/roles/{loop['template'].role.slug}/v{version}")
    assert response.status_code == 404


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "1000-01-01T00:00"])
def test_interview_at_the_ends_of_time_is_a_form_error(app, people, loop, when):
    admin, _ = client_for(app, "admin")
    candidate_id = loop["candidate"].id
    url = f"/candidates/{candidate_id}/interviews/new"
    html = admin.get(url).get_data(as_text=True)
    response = admin.post(url, data={
        "csrf_token": csrf_from(html), "interviewer_id": str(loop["peer"].id),
        "kind": "technical", "scheduled_at": when})
    assert response.status_code == 200
    assert "between" in response.get_data(as_text=True)
    # and the pages that show interviews still work for everyone
    edit = f"/interviews/{loop['interview'].id}/edit"
    html = admin.get(edit).get_data(as_text=True)
    response = admin.post(edit, data={
        "csrf_token": csrf_from(html), "interviewer_id": str(people["interviewer"].id),
        "kind": "technical", "scheduled_at": when})
    assert response.status_code == 200
    assert client_for(app, "interviewer")[0].get("/interviews/mine").status_code == 200


def test_nul_and_overlong_email_at_login_are_form_errors(app, people):
    client = app.test_client()
    for email in ("iv\x00@example.com", "a" * 300 + "@example.com", "\x00"):
        html = client.get("/auth/login").get_data(as_text=True)
        response = client.post("/auth/login", data={
            "csrf_token": csrf_from(html), "email": email, "password": "whatever it is"})
        assert response.status_code == 200, (email[:20], response.status_code)


def test_nul_in_search_and_filters_is_not_an_error(app, people, loop):
    admin, _ = client_for(app, "admin")
    for url in ("/admin/audit?actor=a%00b", "/admin/audit?event=a%00b",
                f"/requisitions/{loop['requisition'].id}/compare?stage=a%00b"):
        assert admin.get(url).status_code in (200, 400), url


def test_opening_the_scorecard_form_creates_no_row(app, people, loop):
    """Item 10: a GET never creates rows; the draft is created on the first save."""
    iv, _ = client_for(app, "interviewer")
    before = db.session.scalar(select(func.count()).select_from(Scorecard))
    assert iv.get(f"/interviews/{loop['interview'].id}/scorecard").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == before
    response = _scorecard_post(iv, loop["interview"].id, action="save",
                               case_notes="first words")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == before + 1


@pytest.mark.parametrize("link,live", [
    ("javascript:alert(document.cookie)", False),
    ("  JaVaScRiPt:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox(1)", False),
    ("//evil.example/x", False),
    ("/relative/path", False),
    ("https://example.com/blueprint?x=1&y=2", True),
    ("http://example.com/", True),
])
def test_blueprint_source_links_are_live_only_for_http_and_https(app, people, loop, link, live):
    """Item 10: an imported blueprint's link becomes an href only for http(s)."""
    from markupsafe import escape
    template = loop["template"]
    template.source_link = link
    db.session.commit()
    iv, _ = client_for(app, "interviewer")
    html = iv.get(f"/roles/{template.role.slug}").get_data(as_text=True)
    hrefs = re.findall(r'<a href="([^"]*)" rel="noopener noreferrer">source</a>', html)
    if live:
        assert hrefs == [str(escape(link))]
    else:
        assert hrefs == []
        assert 'href="' + str(escape(link)) not in html
        assert 'href="javascript' not in html.lower() and 'href="data' not in html.lower()
