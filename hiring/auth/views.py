from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..audit import record_now
from ..extensions import db
from ..models import User, UserSession
from ..policy import public, requires
from ..security import limiter
from ..services import accounts
from ..services.errors import DomainError
from ..validators import show_errors
from . import bp
from .forms import LoginForm, PasswordChangeForm
from .passwords import check_password

FAILED = "That email and password do not match an active account."


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _throttled(limit) -> None:
    record_now("login_throttled", actor_email=(request.form.get("email") or "")[:254],
               details={"limit": str(limit.limit)})


def _account_limit() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ADDRESS"]


THROTTLED = "Too many failed sign-in attempts. Wait 15 minutes and try again, or ask an admin."


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], scope="login-account",
               deduct_when=_login_failed, on_breach=_throttled, error_message=THROTTLED)
@limiter.limit(_address_limit, methods=["POST"], scope="login-address",
               deduct_when=_login_failed, on_breach=_throttled, error_message=THROTTLED)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data))
        ok = check_password(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            accounts.log_in(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("home"))
        g.login_failed = True
        record_now("login_failure", actor=user, actor_email=form.email.data[:254],
                   details={"reason": "inactive" if ok else "bad credentials"})
        flash(FAILED, "error")
        form.password.data = ""
    elif g.get("session_expired") or request.args.get("expired"):
        flash("Your session expired. Log in again; drafts you were typing are kept.", "warning")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires("account.manage_own")
def logout():
    accounts.log_out(current_user._get_current_object())
    flash("You are logged out.", "success")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@requires("account.manage_own")
def account():
    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == current_user.id)
        .order_by(UserSession.created_at.desc())
    ).all()
    return render_template("auth/account.html", sessions=sessions,
                           current_session=g.get("login_session"))


@bp.route("/password", methods=["GET", "POST"])
@requires("account.manage_own")
def change_password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as exc:
            show_errors(form, exc.errors)
        else:
            flash("Password changed. You were logged out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form, forced=user.must_change_password)


# Until a one-time password is replaced, only these are reachable.
WHILE_MUST_CHANGE = frozenset({"auth.change_password", "auth.logout", "static", "healthz"})


@bp.before_app_request
def one_time_password_must_be_changed():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in WHILE_MUST_CHANGE):
        if request.method == "GET":
            flash("Choose your own password to continue: the one you were given works "
                  "only once.", "warning")
        return redirect(url_for("auth.change_password"))
