"""Managing user accounts (admin pages and `flask users`): one function per use case."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..auth.passwords import generate_password, hash_password
from ..auth.sessions import end_all_sessions
from ..core.password_policy import password_problem
from ..core.vocabulary import UserRole
from ..extensions import db
from ..models import User
from ..validators import EMAIL, normalise_email
from .derived_work import packets_naming, person_renamed
from .errors import Invalid, NotAllowed
from .locks import lock_candidates
from .transaction import transaction

EMAIL_TAKEN = "A user with this email already exists."
# the user_account columns (hiring/models/users.py); the admin form shows the same limits
EMAIL_MAX, NAME_MAX = 254, 200


def _check_text(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        label = "display name" if field == "name" else field
        raise Invalid.on(field, f"Keep the {label} under {limit:,} characters.")
    if "\x00" in value:
        raise Invalid.on(field, "Contains a NUL character, which cannot be stored. Remove it.")


def _check(email: str, name: str, role: str, except_id: int | None = None) -> None:
    """Every stored text field of a user: the email (its form and length, unique), the
    display name (given, its length) and the role (one of the list). The password is
    checked by the caller (password_problem) and stored only as its hash."""
    _check_text("email", email or "", EMAIL_MAX)
    if not EMAIL.match(email or ""):
        raise Invalid.on("email", "Enter an email address such as name@example.com.")
    if role not in {r.value for r in UserRole}:
        raise Invalid.on("role", "Choose a role from the list.")
    if not (name or "").strip():
        raise Invalid.on("name", "Give a display name.")
    _check_text("name", name, NAME_MAX)
    if email_taken(email, except_id):
        raise Invalid.on("email", EMAIL_TAKEN)


@contextmanager
def _unique_email(email: str, except_id: int | None = None):
    """The transaction that stores `email`. email_taken() is checked first, but another
    admin may store the same email between that check and this commit: the unique index
    then refuses ours, and the refusal is the same domain error as the check's."""
    try:
        with transaction():
            yield
    except IntegrityError:
        if email_taken(email, except_id):
            raise Invalid.on("email", EMAIL_TAKEN) from None
        raise


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(email: str, name: str, role: str, active: bool = True,
                password: str | None = None, actor: User | None = None,
                via: str = "", one_time: bool = True,
                check_strength: bool = True) -> tuple[User, str]:
    """Create an account; returns it with its password (generated when none is given).
    A password someone else chose or saw is one-time: changed at the first login."""
    email = normalise_email(email)
    _check(email, name, role)
    problem = password_problem(password, (email, name)) if password and check_strength else None
    if problem:
        raise Invalid.on("password", problem)
    password = password or generate_password()
    with _unique_email(email):
        user = User(email=email, name=name.strip(), role=role, active=active,
                    password_hash=hash_password(password), must_change_password=one_time)
        db.session.add(user)
        db.session.flush()
        details = {"email": user.email, "role": user.role, "active": user.active}
        if via:
            details["via"] = via
        record("user_created", actor=actor, actor_email="" if actor else via,
               target=f"user:{user.id}", details=details)
    return user, password


def bootstrap_admin(email: str) -> tuple[User, str] | None:
    """The first admin, when there are no users at all; None otherwise."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    return create_user(email, "Administrator", UserRole.ADMIN, via="cli")


def update_user(user: User, email: str, name: str, role: str, active: bool,
                actor: User) -> None:
    """Change an account; an admin cannot remove their own admin access."""
    email = normalise_email(email)
    _check(email, name, role, except_id=user.id)
    if user.id == actor.id and (role != UserRole.ADMIN or not active):
        raise Invalid.on("role", "You cannot remove your own admin access.")
    before = {"email": user.email, "name": user.name, "role": user.role, "active": user.active}
    after = {"email": email, "name": name, "role": role, "active": active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    with _unique_email(email, except_id=user.id):
        renamed = packets_naming(user.id) if "name" in changed else []
        lock_candidates(renamed)  # before anything is recorded (the global lock order)
        user.email, user.name, user.role, user.active = email, name, role, active
        if not changed:
            return
        person_renamed(renamed)  # the packets print interviewers' and deciders' names
        target = f"user:{user.id}"
        if "role" in changed:
            record("role_changed", actor=actor, target=target, details=changed["role"])
        if "active" in changed:
            event = "user_reactivated" if user.active else "user_deactivated"
            record(event, actor=actor, target=target)
        if not user.active:
            end_all_sessions(user)
        record("user_changed", actor=actor, target=target, details=changed)


def deactivate_user(user: User, actor: User) -> bool:
    """Deactivate and log out everywhere; False when already inactive."""
    if user.id == actor.id:
        raise NotAllowed("You cannot deactivate yourself.")
    if not user.active:
        return False
    with transaction():
        user.active = False
        end_all_sessions(user)
        record("user_deactivated", actor=actor, target=f"user:{user.id}")
    return True


def activate_user(user: User, actor: User) -> bool:
    if user.active:
        return False
    with transaction():
        user.active = True
        record("user_reactivated", actor=actor, target=f"user:{user.id}")
    return True
