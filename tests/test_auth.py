"""Logging in and out, sessions that really end, passwords, the first admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, User, UserSession
from tests.conftest import PASSWORD, csrf_for, login

COOKIE = "hiring_session"


def events(kind: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == kind)).all()


def test_login_success_redirects_home_and_audits(client, people):
    response = login(client, "iv@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/auth/account").status_code == 200
    [event] = events("login_success")
    assert event.actor_email == "iv@example.com"
    assert event.client_address == "127.0.0.1"


@pytest.mark.parametrize("email,password", [
    ("iv@example.com", "wrong password entirely"),
    ("nobody@example.com", PASSWORD),
    ("gone@example.com", PASSWORD),  # deactivated
])
def test_failed_logins_all_say_the_same(client, people, email, password):
    response = login(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That email and password do not match an active account." in html
    assert client.get("/auth/account").status_code == 302
    assert len(events("login_failure")) == 1


def test_email_is_kept_after_a_failed_login_but_not_the_password(client, people):
    html = login(client, "iv@example.com", "wrong password entirely").get_data(as_text=True)
    assert 'value="iv@example.com"' in html
    assert "wrong password entirely" not in html


@pytest.mark.parametrize("target,expected", [
    ("/roles/", "/roles/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirects_only_to_same_site_paths(client, people, target, expected):
    page = client.get("/auth/login")
    from tests.conftest import csrf_from
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": "iv@example.com", "password": PASSWORD,
                                 "csrf_token": token})
    assert response.headers["Location"] == expected


def test_a_cookie_captured_before_logout_is_refused_after_it(app, people):
    alice = app.test_client()
    login(alice, "iv@example.com")
    captured = alice.get_cookie(COOKIE).value
    assert alice.post("/auth/logout", data={"csrf_token": csrf_for(alice)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie(COOKIE, captured, domain="localhost")
    response = thief.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert len(events("logout")) == 1


def test_password_change_ends_other_sessions_but_not_this_one(app, people):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "iv@example.com")
    login(phone, "iv@example.com")
    new_password = "a brand new passphrase"
    response = laptop.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": new_password, "confirm": new_password,
        "csrf_token": csrf_for(laptop)})
    assert response.status_code == 302
    assert laptop.get("/auth/account").status_code == 200
    assert phone.get("/auth/account").status_code == 302
    assert login(app.test_client(), "iv@example.com", new_password).status_code == 302
    assert len(events("password_changed")) == 1


@pytest.mark.parametrize("current,new,message", [
    ("not my password at all", "a brand new passphrase", "That is not your current password."),
    (PASSWORD, "short", "Use 12 to 128 characters (5 given)"),
    (PASSWORD, "x" * 129, "Use 12 to 128 characters (129 given)"),
])
def test_password_change_rules(client, people, current, new, message):
    login(client, "iv@example.com")
    response = client.post("/auth/password", data={
        "current_password": current, "new_password": new, "confirm": new,
        "csrf_token": csrf_for(client)})
    assert message in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "iv@example.com"))
    db.session.refresh(user)
    from hiring.auth.passwords import check_password
    assert check_password(user.password_hash, PASSWORD)


def _age_session(minutes_idle: int, hours_old: float = 0) -> None:
    session_row = db.session.scalar(select(UserSession))
    from hiring.models.base import utcnow
    session_row.last_seen_at = utcnow() - timedelta(minutes=minutes_idle)
    session_row.created_at = utcnow() - timedelta(hours=hours_old, minutes=minutes_idle)
    db.session.commit()


def test_idle_timeout_ends_the_session(client, people):
    login(client, "iv@example.com")
    _age_session(minutes_idle=29)
    assert client.get("/auth/account").status_code == 200
    _age_session(minutes_idle=31)
    assert client.get("/auth/account").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert len(events("session_expired")) == 1


def test_absolute_lifetime_ends_an_active_session(client, people):
    login(client, "iv@example.com")
    _age_session(minutes_idle=1, hours_old=12)
    assert client.get("/auth/account").status_code == 302


def test_session_cookie_flags(app, people):
    client = app.test_client()
    page = client.get("/auth/login")
    from tests.conftest import csrf_from
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/auth/login", data={"email": "iv@example.com",
                                                 "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development
    secure = app.test_client()
    page = secure.get("/auth/login", base_url="https://localhost")
    token = csrf_from(page.get_data(as_text=True))
    response = secure.post("/auth/login", base_url="https://localhost", data={
        "email": "iv@example.com", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/auth/login"})  # CSRF checks it over https
    assert "Secure" in response.headers["Set-Cookie"]


def test_deactivating_a_user_ends_their_sessions(app, people):
    victim, admin = app.test_client(), app.test_client()
    login(victim, "iv@example.com")
    login(admin, "admin@example.com")
    user_id = people["interviewer"].id
    response = admin.post(f"/admin/users/{user_id}/deactivate",
                          data={"csrf_token": csrf_for(admin)})
    assert response.status_code == 302
    assert victim.get("/auth/account").status_code == 302
    assert len(events("user_deactivated")) == 1


def test_users_create_cli_generates_and_prints_password_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "New@Example.com", "--role", "interviewer",
                                 "--name", "New Person", "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    assert len(password) >= 12
    assert login(app.test_client(), "new@example.com", password).status_code == 302
    again = runner.invoke(args=["users", "create", "new@example.com", "--role", "admin"])
    assert again.exit_code == 1 and "already exists" in again.output
    # the password appears nowhere in the audit log
    assert all(password not in str(e.details) for e in db.session.scalars(select(AuditEvent)))


def test_users_create_cli_prompts_for_a_password(app):
    runner = app.test_cli_runner()
    typed = "typed passphrase here"
    result = runner.invoke(args=["users", "create", "p@example.com", "--role", "admin"],
                           input=f"{typed}\n{typed}\n")
    assert result.exit_code == 0, result.output
    assert "shown once" not in result.output
    assert login(app.test_client(), "p@example.com", typed).status_code == 302
    empty = runner.invoke(args=["users", "create", "q@example.com", "--role", "admin"],
                          input="\n\n")
    assert "Password (shown once): " in empty.output  # empty answer: one is generated


def test_bootstrap_creates_one_admin_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "bootstrap"])
    assert "Email:    admin@hiring.local" in first.output
    password = first.output.split("Password: ")[1].split()[0]
    assert runner.invoke(args=["users", "bootstrap"]).output == ""
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    response = login(app.test_client(), "admin@hiring.local", password)
    assert response.status_code == 302


def test_audit_log_is_append_only_in_the_orm(app, people):
    login(app.test_client(), "iv@example.com")
    event = db.session.scalar(select(AuditEvent))
    event.summary = "tampered"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
