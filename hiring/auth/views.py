from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..audit import record_now
from ..extensions import db
from ..models import User, UserSession
from ..policy import public, requires
from ..services import accounts
from ..services.errors import DomainError, Throttled
from ..validators import show_errors
from . import bp
from .forms import LoginForm, PasswordChangeForm
from .passwords import check_password
from .throttle import known_accounts, remember_device, throttle

FAILED = "That email and password do not match an active account."


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr or ""
        user = db.session.scalar(select(User).where(User.email == email))
        # the attempt is counted before the password is checked (parallel guesses too)
        attempt = throttle().begin(email, address,
                                   known=user is not None and user.id in known_accounts())
        refusal = attempt.refusal
        if refusal is not None:
            record_now("login_throttled", actor_email=email[:254],
                       details={"limit": refusal.reason, "retry_after": refusal.retry_after})
            flash(refusal.message, "error")
            form.password.data = ""
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(refusal.retry_after)}
        ok = check_password(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            attempt.succeeded()
            accounts.log_in(user)
            if user.must_change_password:
                response = redirect(url_for("auth.change_password"))
            else:
                response = redirect(safe_next(request.args.get("next")) or url_for("home"))
            remember_device(response, user.id)
            return response
        attempt.failed()
        record_now("login_failure", actor=user, actor_email=email[:254],
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
            accounts.change_password(user, form.current_password.data, form.new_password.data,
                                     address=request.remote_addr or "",
                                     known=user.id in known_accounts())
        except Throttled as exc:
            flash(exc.message, "error")
            return render_template("auth/password.html", form=form,
                                   forced=user.must_change_password), exc.status, {
                "Retry-After": str(exc.retry_after)}
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
