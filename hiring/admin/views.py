from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..audit import EVENTS, record
from ..auth.passwords import generate_password, hash_password
from ..auth.sessions import end_all_sessions
from ..core.vocabulary import UserRole
from ..extensions import db
from ..models import AuditEvent, User
from ..policy import requires
from ..routing import page_arg
from ..services.passwords import SelfReset
from ..services.passwords import reset_password as reset_password_service
from . import bp
from .forms import AuditFilterForm, NewUserForm, UserForm

PAGE_SIZE = 50


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


@bp.get("/users")
@requires("users.manage")
def users():
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        if _email_taken(form.email.data):
            form.email.errors.append("A user with this email already exists.")
        else:
            password = form.password.data or generate_password()
            # the admin chose or saw it: the user picks their own at the first login
            user = User(email=form.email.data, name=form.name.data, role=form.role.data,
                        active=form.active.data, password_hash=hash_password(password),
                        must_change_password=True)
            db.session.add(user)
            db.session.flush()
            record("user_created", actor=current_user, target=f"user:{user.id}",
                   details={"email": user.email, "role": user.role, "active": user.active})
            db.session.commit()
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
        if _email_taken(form.email.data, except_id=user.id):
            form.email.errors.append("A user with this email already exists.")
        elif user.id == current_user.id and (form.role.data != UserRole.ADMIN
                                             or not form.active.data):
            form.role.errors.append("You cannot remove your own admin access.")
        else:
            _apply_changes(user, form)
            db.session.commit()
            flash(f"Saved {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


def _apply_changes(user: User, form: UserForm) -> None:
    before = {"email": user.email, "name": user.name, "role": user.role, "active": user.active}
    form.populate_obj(user)
    after = {"email": user.email, "name": user.name, "role": user.role, "active": user.active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return
    target = f"user:{user.id}"
    if "role" in changed:
        record("role_changed", actor=current_user, target=target, details=changed["role"])
    if "active" in changed:
        event = "user_reactivated" if user.active else "user_deactivated"
        record(event, actor=current_user, target=target)
    if not user.active:
        end_all_sessions(user)
    record("user_changed", actor=current_user, target=target, details=changed)


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
    if user.id == current_user.id:
        flash("You cannot deactivate yourself.", "error")
    elif user.active:
        user.active = False
        end_all_sessions(user)
        record("user_deactivated", actor=current_user, target=f"user:{user.id}")
        db.session.commit()
        flash(f"{user.email} is deactivated and logged out everywhere.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/activate")
@requires("users.manage")
def activate_user(user_id: int):
    user = _user_or_404(user_id)
    if not user.active:
        user.active = True
        record("user_reactivated", actor=current_user, target=f"user:{user.id}")
        db.session.commit()
        flash(f"{user.email} can log in again.", "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@requires("audit.view")
def audit():
    form = AuditFilterForm(request.args)
    form.event.choices += [SelectChoice(e, e.replace("_", " ")) for e in EVENTS]
    query = select(AuditEvent)
    if form.event.data in EVENTS:
        query = query.where(AuditEvent.event == form.event.data)
    if form.actor.data:
        # a search term is never stored; PostgreSQL cannot take a NUL even in a LIKE
        needle = form.actor.data.lower().replace("\x00", "")
        query = query.where(AuditEvent.actor_email.contains(needle, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page_arg(), pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("admin/audit.html", form=form, events=events, page=page,
                           pages=pages, total=total)
