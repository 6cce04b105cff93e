"""Record security events in the append-only audit log."""

from __future__ import annotations

from flask import has_request_context, request

from .extensions import db
from .models import AuditEvent, User

EVENTS = (
    "login_success", "login_failure", "login_throttled", "logout", "session_expired",
    "password_changed", "password_reset", "user_created", "user_changed", "role_changed",
    "user_deactivated",
    "user_reactivated", "access_denied", "decision_recorded", "weights_changed",
    "settings_changed", "stage_changed", "demo_created", "demo_reset",
    # retention (hiring/services/retention.py, erasure.py): ids and counts, never content
    "retention_policy_changed", "legal_hold_placed", "legal_hold_lifted", "candidate_erased",
    "retention_purge", "candidate_exported",
    "preferences_changed", "reminder_requested", "loop_template_changed", "loop_applied",
    "assessment_mapping_changed",
)


def client_address() -> str:
    return (request.remote_addr or "") if has_request_context() else "cli"


def record(event: str, *, actor: User | None = None, actor_email: str = "", target: str = "",
           details: dict | None = None, summary: str = "") -> AuditEvent:
    """Add an event to the current transaction; the caller commits."""
    assert event in EVENTS, event
    entry = AuditEvent(
        event=event,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        target=target,
        client_address=client_address(),
        details=details or {},
        summary=summary,
    )
    db.session.add(entry)
    return entry


def record_now(event: str, **kwargs) -> None:
    """Record and commit at once, for events that happen outside any other change."""
    from .services.transaction import transaction

    with transaction():
        record(event, **kwargs)
