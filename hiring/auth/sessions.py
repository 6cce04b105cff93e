"""Login sessions held server-side, so logout and password changes really end them.

Flask's session is a signed cookie that stays valid when copied; we keep only a random
token in it (through Flask-Login's user id) and look the token up on every request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from ..audit import client_address
from ..extensions import db, login_manager
from ..models import User, UserSession, hash_token
from ..models.base import utcnow

# last_seen_at is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


def _attach(user: User, token: str, login_session: UserSession) -> User:
    user.get_id = lambda: token  # Flask-Login stores this in the cookie
    g.login_session = login_session
    return user


def start_session(user: User) -> None:
    token = secrets.token_urlsafe(32)
    login_session = UserSession(
        token_hash=hash_token(token), user=user, client_address=client_address()
    )
    db.session.add(login_session)
    session.clear()  # nothing from before the login carries over
    login_user(_attach(user, token, login_session))
    session.permanent = True


def end_session() -> None:
    login_session = g.pop("login_session", None)
    if login_session is not None:
        db.session.delete(login_session)
    logout_user()
    session.clear()


def end_all_sessions(user: User, keep_current: bool = False) -> None:
    query = delete(UserSession).where(UserSession.user_id == user.id)
    current = g.get("login_session")
    if keep_current and current is not None:
        query = query.where(UserSession.id != current.id)
    db.session.execute(query)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    login_session = db.session.scalar(
        select(UserSession)
        .where(UserSession.token_hash == hash_token(token))
        .options(joinedload(UserSession.user))
    )
    if login_session is None or not login_session.user.active:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    from ..services.accounts import expire_session, touch_session  # services import us

    if now - login_session.last_seen_at > idle or now - login_session.created_at > lifetime:
        expire_session(login_session, str(now - login_session.last_seen_at).split(".")[0])
        g.session_expired = True
        return None
    if now - login_session.last_seen_at > TOUCH_INTERVAL:
        touch_session(login_session, now)
    return _attach(login_session.user, token, login_session)
