"""Shared machinery for the access-matrix tests: principals, URL building, requests."""

from __future__ import annotations

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import User
from tests.conftest import csrf_for, login

PRINCIPALS = ("anonymous", "interviewer", "hiring_manager", "admin", "deactivated")
EMAILS = {
    "interviewer": "iv@example.com",
    "hiring_manager": "hm@example.com",
    "admin": "admin@example.com",
    "deactivated": "iv2@example.com",
}
LOGIN = "login"  # shorthand: a redirect to the login page


def client_for(app, principal: str):
    client = app.test_client()
    if principal == "anonymous":
        return client, csrf_for(client)
    user = db.session.scalar(select(User).where(User.email == EMAILS[principal]))
    user.active = True  # an earlier request of the matrix may have deactivated them
    db.session.commit()
    assert login(client, EMAILS[principal]).status_code == 302
    token = csrf_for(client)
    if principal == "deactivated":
        # logged in, then deactivated by an admin while the session is still open
        user = db.session.scalar(select(User).where(User.email == EMAILS[principal]))
        user.active = False
        db.session.commit()
    return client, token


def call(client, method: str, url: str, token: str | None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


def outcome(response) -> int | str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/auth/login"):
        return LOGIN
    return response.status_code
