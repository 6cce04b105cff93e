from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from ..audit import EVENTS
from ..core.text import search_key
from ..extensions import db
from ..models import AuditEvent, User
from ..pagination import paginate, prefix_match
from ..policy import audit_entries_visible, requires
from ..routing import MAX_ID
from ..services import users as users_service
from ..services.errors import DomainError
from ..services.passwords import SelfReset
from ..services.passwords import reset_password as reset_password_service
from ..validators import normalise_email, refused
from . import bp
from .forms import AuditFilterForm, NewUserForm, UserForm

PAGE_SIZE = 50


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@requires("users.manage")
def users():
    page = paginate(select(User).order_by(User.active.desc(), User.name, User.id), PAGE_SIZE)
    return render_template("admin/users.html", users=page.items, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, password = users_service.create_user(
                form.email.data, form.name.data, form.role.data, active=form.active.data,
                password=form.password.data or None, actor=current_user)
        except DomainError as exc:
            _refused(form, exc)
        else:
            if form.password.data:
                flash(f"User {user.email} created.", "success")
                return redirect(url_for("admin.users"))
            return render_template("admin/user_created.html", user=user, password=password)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            users_service.update_user(user, form.email.data, form.name.data, form.role.data,
                                      form.active.data, actor=current_user)
        except DomainError as exc:
            _refused(form, exc)
        else:
            flash(f"Saved {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


def _refused(form, error: DomainError) -> None:
    for message in refused(form, error):
        flash(message, "error")


@bp.post("/users/<int:user_id>/reset-password")
@requires("users.manage")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    try:
        password = reset_password_service(current_user._get_current_object(), user)
    except SelfReset:
        flash("Change your own password under your account.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_created.html", user=user, password=password,
                           reset=True)


@bp.post("/users/<int:user_id>/deactivate")
@requires("users.manage")
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    try:
        if users_service.deactivate_user(user, current_user):
            flash(f"{user.email} is deactivated and logged out everywhere.", "success")
    except DomainError as exc:
        flash(exc.message, "error")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/activate")
@requires("users.manage")
def activate_user(user_id: int):
    user = _user_or_404(user_id)
    if users_service.activate_user(user, current_user):
        flash(f"{user.email} can log in again.", "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@requires("audit.view")
def audit():
    """Newest first, in keyset pages (`?before=<id>` / `?after=<id>`): no COUNT over the
    whole log and no deep OFFSET, so the page costs the same at any size of log. The actor
    filter matches the start of the email, from an index."""
    form = AuditFilterForm(request.args)
    form.event.choices += [SelectChoice(e, e.replace("_", " ")) for e in EVENTS]
    query = select(AuditEvent).where(audit_entries_visible(current_user))
    if form.event.data in EVENTS:
        query = query.where(AuditEvent.event == form.event.data)
    # a search term is never stored; PostgreSQL cannot take a NUL even in a LIKE
    typed = (form.actor.data or "").replace("\x00", "")
    # emails are stored as the login form normalises them (trimmed, lower-cased): the term
    # in that form finds what the log shows; its search key ("strasse" for "straße",
    # "eve" for "ｅｖｅ") also finds an address stored in plain ASCII
    needles = {n for n in (normalise_email(typed)[:254], search_key(typed)[:254]) if n}
    if needles:
        query = query.where(or_(*(prefix_match(AuditEvent.actor_email, n)
                                  for n in sorted(needles))))
    before, after = _cursor("before"), _cursor("after")
    if after is not None:
        rows = db.session.scalars(query.where(AuditEvent.id > after)
                                  .order_by(AuditEvent.id.asc()).limit(PAGE_SIZE + 1)).all()
        newer, events = len(rows) > PAGE_SIZE, list(reversed(rows[:PAGE_SIZE]))
        older = bool(events)
    else:
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = db.session.scalars(query.order_by(AuditEvent.id.desc())
                                  .limit(PAGE_SIZE + 1)).all()
        older, events = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
        newer = before is not None and bool(events)
    filters = {k: v for k, v in (("event", form.event.data), ("actor", form.actor.data)) if v}
    return render_template("admin/audit.html", form=form, events=events, filters=filters,
                           newer=newer, older=older)


def _cursor(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    # ids are 32-bit integers on PostgreSQL: a bigger cursor is past every row anyway
    return min(int(raw[:20]), MAX_ID)
