"""Passwords set by someone else (bootstrap, admin reset, account creation) are one-time:
the user must choose their own at the next login. Users change their own at any time."""

from __future__ import annotations

from ..audit import record
from ..auth.passwords import generate_password, hash_password
from ..auth.sessions import end_all_sessions, start_session
from ..extensions import db
from ..models import User
from ..models.base import utcnow


class SelfReset(Exception):
    """An admin resets others' passwords; their own they change like everyone."""


def reset_password(admin: User, user: User) -> str:
    """A new one-time password for `user`, shown once to the admin; every session of the
    user ends, and they must change it at their next login."""
    if admin.id == user.id:
        raise SelfReset
    password = generate_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    end_all_sessions(user)
    record("password_reset", actor=admin, target=f"user:{user.id}")
    db.session.commit()
    return password


def change_own_password(user: User, new_password: str) -> None:
    """The user's own choice: clears the one-time flag, ends their other sessions, and
    starts a fresh one for this browser."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    end_all_sessions(user)
    record("password_changed", actor=user, target=f"user:{user.id}")
    start_session(user)
    db.session.commit()
