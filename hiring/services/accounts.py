"""Signing in and out, password changes, and the life of a login session."""

from __future__ import annotations

from datetime import datetime

from ..audit import record, record_now
from ..auth.passwords import check_password
from ..auth.sessions import end_session, start_session
from ..auth.throttle import throttle
from ..extensions import db
from ..models import User, UserSession
from .errors import Invalid, Throttled
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


def change_password(user: User, current: str, new: str, *, address: str,
                    known: bool) -> None:
    """Needs the current password and a different new one; clears a one-time password and
    ends every other session of the user (services.passwords.change_own_password).

    The current password is checked like a sign-in (hiring/auth/throttle.py), from
    `address` (the client's) with `known` (does this browser's device cookie name the
    user?): a wrong one counts as a failed sign-in at the account, and past the login
    limits the change is refused (Throttled) without checking it. Otherwise whoever holds
    an open session could guess the password here without limit, then take the account
    over with the right guess."""
    attempt = throttle().begin(user.email, address, known=known)
    refusal = attempt.refusal
    if refusal is not None:
        record_now("login_throttled", actor=user, details={
            "limit": refusal.reason, "retry_after": refusal.retry_after,
            "form": "password_change"})
        raise Throttled(refusal.message, refusal.retry_after)
    if not check_password(user.password_hash, current):
        attempt.failed()
        record_now("login_failure", actor=user, details={
            "reason": "bad credentials", "form": "password_change"})
        raise Invalid.on("current_password", "That is not your current password.")
    attempt.succeeded()
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
