"""CSRF, login throttling, security headers, request limits, error pages, hostile input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import User
from tests.access import client_for
from tests.conftest import PASSWORD, csrf_for, make_app

POST_ROUTES = [
    ("/auth/login", "anonymous"),
    ("/auth/logout", "admin"),
    ("/auth/password", "admin"),
    ("/admin/users/new", "admin"),
    ("/admin/users/{target}", "admin"),
    ("/admin/users/{target}/deactivate", "admin"),
    ("/admin/users/{target}/activate", "admin"),
]


def database_snapshot() -> dict:
    snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        snapshot[table.name] = sorted(map(repr, rows))
    db.session.commit()
    return snapshot


@pytest.mark.parametrize("path,principal", POST_ROUTES)
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_post_without_a_valid_csrf_token_is_400_and_changes_nothing(
        app, people, path, principal, token):
    client, _ = client_for(app, principal)
    url = path.format(target=people["interviewer2"].id)
    data = {"email": "iv@example.com", "password": PASSWORD, "name": "Changed",
            "role": "admin", "current_password": PASSWORD}
    if token == "wrong":
        data["csrf_token"] = "forged-token"
    before = database_snapshot()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)
    assert database_snapshot() == before


def test_security_headers_on_every_page(app, people):
    admin, _ = client_for(app, "admin")
    anonymous = app.test_client()
    pages = [(anonymous, "/auth/login"), (anonymous, "/no-such-page"), (admin, "/roles/"),
             (admin, "/admin/users"), (admin, "/admin/audit"), (admin, "/auth/account"),
             (admin, "/no-such-page")]
    for client, path in pages:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers  # plain http
    secure = anonymous.get("/auth/login", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_no_inline_script_in_any_page(app, people):
    admin, _ = client_for(app, "admin")
    for path in ("/roles/", "/admin/users", "/admin/audit", "/auth/account", "/admin/users/new"):
        html = admin.get(path).get_data(as_text=True)
        assert "<script>" not in html and " on" + "click=" not in html


def test_request_size_limit_is_413_in_the_layout(app, people):
    admin, token = client_for(app, "admin")
    response = admin.post("/admin/users/new",
                          data={"csrf_token": token, "name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_error_pages_use_the_layout_and_hide_internals(database_url):
    app = make_app(database_url)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    with app.app_context():
        response = app.test_client().get("/boom")
        db.engine.dispose()
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html and 'class="site-header"' in html
    assert "secret internal detail" not in html and "Traceback" not in html


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}} {% if 1 %}x{% endif %}",
    "Robert'); DROP TABLE user_account;--",
    "ctrl\x01\x07chars\ttab",
    "\u202eevil.exe\u202c right-to-left",
    "\U0001F469\U0001F3FD\u200d\U0001F4BB emoji name",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_names_are_stored_as_typed_and_rendered_escaped(app, people, payload):
    admin, token = client_for(app, "admin")
    response = admin.post("/admin/users/new", data={
        "csrf_token": token, "name": payload, "email": "hostile@example.com",
        "role": "interviewer", "active": "y", "password": "a long enough password"})
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    user = db.session.scalar(select(User).where(User.email == "hostile@example.com"))
    assert user.name == payload
    for path in ("/admin/users", f"/admin/users/{user.id}"):
        html = admin.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        # exactly the typed text, escaped: never markup, never evaluated as a template
        assert f"<bdi>{escape(payload)}</bdi>" in html
    listing = admin.get("/admin/users").get_data(as_text=True)
    if "<" in payload:
        assert "&lt;" in listing
    if "{{7*7}}" in payload:
        assert "{{7*7}}" in listing


def test_overlong_and_nul_input_get_a_clear_message_and_keep_what_was_typed(app, people):
    admin, token = client_for(app, "admin")
    long_name = "N" * 10_000
    response = admin.post("/admin/users/new", data={
        "csrf_token": token, "name": long_name, "email": "long@example.com",
        "role": "interviewer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Field cannot be longer than 200 characters." in html
    assert 'value="long@example.com"' in html and long_name in html
    response = admin.post("/admin/users/new", data={
        "csrf_token": csrf_for(admin), "name": "nul\x00byte", "email": "nul@example.com",
        "role": "interviewer"})
    assert "Contains a NUL character" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email.in_(
        ["long@example.com", "nul@example.com"]))) is None
