"""The user service enforces every stored text field's rules (the column limits included)
and turns the unique index's refusal of an email stored meanwhile by someone else into the
same "already exists" domain error as its own check, on create and on edit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import User
from hiring.services.errors import Invalid
from hiring.services.users import create_user, update_user
from tests.access import client_for
from tests.races import in_another_session, while_held

KEPT = "ZQX-user typed text"


@pytest.mark.parametrize(("field", "value"), [
    ("name", "N" * 201), ("name", "Al\x00ice"), ("email", "a" * 250 + "@example.com"),
    ("email", "al\x00ice@example.com")])
def test_create_user_refuses_text_its_columns_cannot_hold(app, people, field, value):
    data = {"email": "new@example.com", "name": "New Person"} | {field: value}
    before = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(Invalid) as refused:
        create_user(data["email"], data["name"], "interviewer")
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_update_user_refuses_an_overlong_name(app, people):
    user = people["interviewer"]
    with pytest.raises(Invalid) as refused:
        update_user(user, user.email, "N" * 201, user.role, True, actor=people["admin"])
    assert refused.value.errors == {"name": ["Keep the display name under 200 characters."]}


def test_the_cli_refuses_an_overlong_name_with_one_line(app, people):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "new@example.com", "--role", "interviewer", "--name", "N" * 300,
        "--generate-password"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "error: Keep the display name under 200 characters." in result.output


def test_two_admins_giving_two_users_the_same_email_at_once_get_a_form_error(
        app, people, backend, database_url):
    """update_user has the create race too: the first admin's change of an email is not
    yet committed when the second gives another account the same email. The second gets
    the form back with "already exists", not a 500."""
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")
    admin, token = client_for(app, "admin")
    first_id = people["interviewer"].id
    target = people["hiring_manager"]
    url, role = f"/admin/users/{target.id}", target.role  # read here: the thread has no app

    def first_admin_changes():
        db.session.get(User, first_id).email = "taken.now@example.com"
        db.session.flush()

    second = in_another_session(first_admin_changes)
    db.session.commit()
    response = while_held(database_url, second, lambda: admin.post(url, data={
        "csrf_token": token, "email": "taken.now@example.com", "name": "Second " + KEPT,
        "role": role, "active": "y"}))
    assert response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    assert "already exists" in html and KEPT in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "taken.now@example.com")) == 1
