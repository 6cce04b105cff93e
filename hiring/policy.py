"""Who may do what to which object. Every view asks here; views hold no permission logic.

Two questions, two answers:
- visible(user, obj): may this user know the object exists? If not, the view answers 404,
  so ids cannot be probed.
- can(user, action, obj): may they do this? If not, 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .audit import record_now
from .core.vocabulary import UserRole

ALL = frozenset(UserRole)
STAFF = frozenset({UserRole.ADMIN, UserRole.HIRING_MANAGER})
ADMIN = frozenset({UserRole.ADMIN})

# Route-level permissions: action -> roles allowed.
PERMISSIONS: dict[str, frozenset[str]] = {
    "roles.view": ALL,
    "account.manage_own": ALL,
    "users.manage": ADMIN,
    "audit.view": ADMIN,
    "retention.manage": ADMIN,  # holds, erasure, export, purge (docs/retention.md)
    "requisitions.view": STAFF,
    "requisitions.manage": ADMIN,
    "weights.adjust": STAFF,
    "interviews.mine": ALL,
    "scorecards.write": ALL,
    "scorecards.view": ALL,
    "debriefs.view": ALL,
    "decisions.record": STAFF,
    "calibration.view": ALL,  # interviewers see their own row only
    "interviews.kit": ALL,
    "loops.manage": ADMIN,
    "dashboards.manager": STAFF,
    "dashboards.admin": ADMIN,
    "reminders.nudge": STAFF,
}

# Object-level rules: (action, type name) -> predicate(user, obj). Later features add theirs
# with register_rule().
_VISIBILITY: dict[str, Callable] = {}
_RULES: dict[tuple[str, str], Callable] = {}


def register_visibility(type_name: str, predicate: Callable) -> None:
    _VISIBILITY[type_name] = predicate


def register_rule(action: str, type_name: str, predicate: Callable) -> None:
    _RULES[(action, type_name)] = predicate


def _type_name(obj) -> str:
    return type(obj).__name__


def has_permission(user, action: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in PERMISSIONS.get(action, frozenset())


def visible(user, obj) -> bool:
    if user is None or not user.is_authenticated:
        return False
    predicate = _VISIBILITY.get(_type_name(obj))
    return True if predicate is None else bool(predicate(user, obj))


def can(user, action: str, obj=None) -> bool:
    if obj is None:
        return has_permission(user, action)
    if not visible(user, obj):
        return False
    rule = _RULES.get((action, _type_name(obj)))
    if rule is not None:
        return bool(rule(user, obj))
    return has_permission(user, action)


def _deny(code: int, action: str, target: str = "", message: str | None = None) -> None:
    record_now("access_denied", actor=current_user if current_user.is_authenticated else None,
               target=target, details={"action": action, "status": code})
    abort(code, message) if message else abort(code)


def authorize(action: str, obj=None, denied: str | None = None) -> None:
    """Abort with 404 when obj is not visible to the current user, 403 (with `denied` as the
    message, if given) when the action is not allowed."""
    target = f"{_type_name(obj).lower()}:{getattr(obj, 'id', '')}" if obj is not None else ""
    if obj is not None and not visible(current_user, obj):
        _deny(404, action, target)
    if not can(current_user, action, obj):
        _deny(403, action, target, denied)


def requires(action: str):
    """View decorator: a logged-in user holding the route-level permission."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not has_permission(current_user, action):
                _deny(403, action)
            return view(*args, **kwargs)

        wrapper.required_permission = action
        return wrapper

    return decorator


def public(view):
    """Marks a view that anyone may open (login page, static)."""
    view.is_public = True
    return view
