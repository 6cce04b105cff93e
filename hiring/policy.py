"""Who may do what to which object. Every view, list, aggregate, PDF and email asks here;
views hold no permission logic. Default deny: nothing is allowed unless a rule allows it.

The rules are a table (hiring/policy_rules.py), keyed by model classes:
- PERMISSIONS: action -> roles that may take it at all (the route gate);
- VISIBILITY: model class -> predicate(user, obj): may the user know the object exists?
  No entry for the class: nobody may (404).
- RULES: (action, model class) -> predicate(user, obj). No entry: nobody may (403).

One way for a view to ask:
- `@requires(action)` on the route: logged in, active, and the role holds `action`; else
  403 before any object is loaded (so ids cannot be probed by a role that has no business
  with them).
- `authorize(action, obj)` for the object the route works on: 404 when not visible, 403
  when the rule refuses. It is `can(user, action, obj)` with the answer turned into an HTTP
  error, so a template's `can(...)` and the view never disagree.

Independence (blinding), for pages, lists, dashboards, reports, PDFs, exports, emails:
- `may_see_feedback(user, candidate)`: may this user see anyone's scorecards, composite,
  band, votes, red flags or decision on this candidate? False while the user interviews the
  candidate and has not submitted ("blinded"), whatever their role, and for anyone who
  neither owns the requisition nor interviews the candidate.
- `blinded(user, candidate)`: the staff view of the same rule (True = hide the numbers).
- `feedback_visible(user)`: the same rule as a SQL WHERE clause over Candidate, and
  `blind_candidate_ids(user)` as a SELECT of candidate ids, for queries over many
  candidates (a dashboard or report filters with
  `.where(Candidate.id.not_in(blind_candidate_ids(user)))` or `.where(feedback_visible(u))`
  and stays one query).
- `audit_entries_visible(user)`: a WHERE clause for the audit log view (decisions and
  scorecard events about a candidate one is blind to stay hidden).
- `hide_blinded(user, rows, candidate_of)`: splits already-loaded rows into
  (visible, blinded) for pages that list candidates with numbers (compare).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .audit import record_now
from .core.vocabulary import UserRole
from .policy_rules import (  # noqa: F401  (re-exported: the one place views import from)
    RULES,
    VISIBILITY,
    audit_entries_visible,
    blind_candidate_ids,
    blinded,
    feedback_visible,
    may_see_feedback,
)

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


def _model(model) -> type:
    if not isinstance(model, type):
        raise TypeError(f"policy rules are keyed by model classes, not {model!r}")
    return model


def register_visibility(model: type, predicate: Callable) -> None:
    """For a feature with its own model: who may know one of its objects exists."""
    VISIBILITY[_model(model)] = predicate


def register_rule(action: str, model: type, predicate: Callable) -> None:
    """For a feature with its own action or model: who may do `action` to such an object."""
    RULES[(action, _model(model))] = predicate


def has_permission(user, action: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in PERMISSIONS.get(action, frozenset())


def visible(user, obj) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    predicate = VISIBILITY.get(type(obj))
    return predicate is not None and bool(predicate(user, obj))


def can(user, action: str, obj=None) -> bool:
    """The role holds `action`, and, for an object, it is visible and its rule allows."""
    if not has_permission(user, action):
        return False
    if obj is None:
        return True
    rule = RULES.get((action, type(obj)))
    return rule is not None and visible(user, obj) and bool(rule(user, obj))


def hide_blinded(user, rows: Iterable, candidate_of: Callable) -> tuple[list, list]:
    """(rows whose candidate's feedback the user may see, rows they are blind to)."""
    shown, hidden = [], []
    for row in rows:
        (shown if may_see_feedback(user, candidate_of(row)) else hidden).append(row)
    return shown, hidden


def _deny(code: int, action: str, target: str = "", message: str | None = None) -> None:
    record_now("access_denied", actor=current_user if current_user.is_authenticated else None,
               target=target, details={"action": action, "status": code})
    abort(code, message) if message else abort(code)


def authorize(action: str, obj=None, denied: str | None = None) -> None:
    """Abort with 404 when obj is not visible to the current user, 403 (with `denied` as the
    message, if given) when the action is not allowed."""
    target = f"{type(obj).__name__.lower()}:{getattr(obj, 'id', '')}" if obj is not None else ""
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
