"""Signing in and out, password changes, and the life of a login session."""

from __future__ import annotations

from datetime import datetime

from ..audit import record
from ..auth.passwords import check_password
from ..auth.sessions import end_session, start_session
from ..extensions import db
from ..models import User, UserSession
from .errors import Invalid
from .passwords import change_own_password
from .transaction import transaction


def log_in(user: User) -> None:
    """The credentials were checked: open a server-side session for the user."""
    with transaction():
        start_session(user)
        record("login_success", actor=user)


def log_out(user: User) -> None:
    with transaction():
        record("logout", actor=user)
        end_session()


def change_password(user: User, current: str, new: str) -> None:
    """Needs the current password and a different new one; clears a one-time password and
    ends every other session of the user (services.passwords.change_own_password)."""
    if not check_password(user.password_hash, current):
        raise Invalid.on("current_password", "That is not your current password.")
    if check_password(user.password_hash, new):
        raise Invalid.on("new_password", "Choose a password different from the current one.")
    change_own_password(user, new)


def expire_session(login_session: UserSession, idle: str) -> None:
    """Idle or too old: the session ends, and the audit log says so."""
    with transaction():
        record("session_expired", actor=login_session.user, details={"idle": idle})
        db.session.delete(login_session)


def touch_session(login_session: UserSession, now: datetime) -> None:
    with transaction():
        login_session.last_seen_at = now
