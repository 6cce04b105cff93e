"""Every route x method x principal has an expected answer; a new route cannot ship
unchecked."""

from __future__ import annotations

import pytest

from tests.access import LOGIN, PRINCIPALS, call, client_for, outcome
from tests.conftest import SEED

A, IV, H, D = "admin", "interviewer", "hiring_manager", "deactivated"


def same(code, **overrides):
    """Everyone signed in gets `code`; anonymous and deactivated go to the login page."""
    result = {"anonymous": LOGIN, D: LOGIN, IV: code, H: code, A: code}
    result.update(overrides)
    return result


def admin_only(code):
    return same(403, admin=code)


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
    ("admin.activate_user", "POST"): admin_only(302),
    ("admin.audit", "GET"): admin_only(200),
}


def url_values(people) -> dict:
    return {"slug": "engineering-manager", "version": 1, "filename": "app.css",
            "user_id": people["interviewer2"].id}


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
def test_access_matrix(app, people, principal):
    app.test_cli_runner().invoke(args=["blueprints", "import",
                                       str(SEED / "engineering-manager.json")])
    from flask import url_for
    failures = []
    for rule, method in routes(app):
        expected = EXPECTED[(rule.endpoint, method)][principal]
        values = {k: v for k, v in url_values(people).items() if k in rule.arguments}
        url = url_for(rule.endpoint, **values, _external=False)
        client, token = client_for(app, principal)
        got = outcome(call(client, method, url, token))
        if got != expected:
            failures.append(f"{method} {url}: expected {expected}, got {got}")
    assert failures == []
