"""Record security events and changes in the append-only, hash-chained audit log.

Details hold ids, field names and enumerated values, never scorecard text (evidence, notes,
concerns, amendment reasons), so erasing a candidate never has to rewrite the log.
"""

from __future__ import annotations

from flask import has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from . import audit_limits
from .audit_integrity import row_digest
from .extensions import db
from .models import AuditEvent, User
from .models.base import utcnow

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
    "audit_purged", "anonymous_events_suppressed",
    "scorecard_submitted", "scorecard_amended", "requisition_created", "requisition_changed",
    "candidate_created", "candidate_changed", "interview_created", "interview_changed",
    "interview_deleted", "loop_planned", "role_version_imported",
    # a deactivated author's draft discarded as its interview is reassigned or removed: ids
    "scorecard_discarded",
)

# Serialises writers of the chain on PostgreSQL for the rest of their transaction, so two
# requests at once never both chain to the same previous row. (SQLite write transactions
# already hold the database's single write lock: BEGIN IMMEDIATE, hiring/database.py.)
# It is the LAST lock of the global lock order (hiring/services/locks.py): a transaction
# takes its row locks before its first audit row is flushed, never after.
CHAIN_LOCK_KEY = 0x61756469740001
_HEAD = "audit_chain_head"  # session.info key: the hash of this transaction's last row
_PENDING = "audit_pending"  # session.info key: entries recorded, not yet flushed, in order


def client_address() -> str:
    return (request.remote_addr or "") if has_request_context() else "cli"


def lock_chain(session=None) -> None:
    session = session or db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def chain_head(session=None) -> str:
    """The newest row's hash, taking the chain lock first; "" for an empty log."""
    session = session or db.session
    if _HEAD in session.info:
        return session.info[_HEAD]
    lock_chain(session)
    head = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    return head or ""


def _anonymous() -> bool:
    return has_request_context() and not current_user.is_authenticated


def _add(entry: AuditEvent) -> AuditEvent:
    db.session.add(entry)
    db.session.info.setdefault(_PENDING, []).append(entry)
    return entry


def _flush_suppressed() -> None:
    """One row per client and closed window that had events over the limit."""
    for client, _start, counts in audit_limits.tally().due(audit_limits.now()):
        _add(AuditEvent(at=utcnow(), event="anonymous_events_suppressed", actor_email="",
                        target="", client_address=client, summary="",
                        details={"counts": counts, "total": sum(counts.values()),
                                 "window_seconds": audit_limits.tally().seconds}))


def record(event: str, *, actor: User | None = None, actor_email: str = "", target: str = "",
           details: dict | None = None, summary: str = "") -> AuditEvent | None:
    """Add an event to the current transaction; the caller commits. An anonymous client's
    login failures and denials beyond a few a minute are counted, not written (None)."""
    assert event in EVENTS, event
    if has_app_context():
        _flush_suppressed()
        if event in audit_limits.LIMITED and _anonymous() and not audit_limits.tally().admit(
                client_address(), event, audit_limits.now()):
            return None
    entry = AuditEvent(
        at=utcnow(),
        event=event,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        target=target,
        client_address=client_address(),
        details=details or {},
        summary=summary,
    )
    return _add(entry)


def snapshot(obj, names: tuple[str, ...]) -> dict:
    """The named attributes' current values, to name what an edit changed."""
    return {name: getattr(obj, name) for name in names}


def changed(before: dict, obj) -> list[str]:
    """Names of the attributes whose value differs from `before` (names only: values may
    be personal data or free text)."""
    return sorted(name for name, value in before.items() if getattr(obj, name) != value)


def record_now(event: str, **kwargs) -> None:
    """Record and commit at once, for events that happen outside any other change."""
    from .services.transaction import transaction

    with transaction():
        record(event, **kwargs)


def _link(entry: AuditEvent, prev: str) -> str:
    if entry.at is None:
        entry.at = utcnow()
    for name, default in (("actor_email", ""), ("target", ""), ("client_address", ""),
                          ("details", {}), ("summary", "")):
        if getattr(entry, name) is None:
            setattr(entry, name, default)
    entry.prev_hash = prev
    entry.row_hash = row_digest(
        prev, at=entry.at, event=entry.event, actor_id=entry.actor_id,
        actor_email=entry.actor_email, target=entry.target,
        client_address=entry.client_address, details=entry.details, summary=entry.summary)
    return entry.row_hash


@sa_event.listens_for(Session, "before_flush")
def _chain_new_entries(session, _context, _instances):
    """Link new entries when they are written, not when recorded: the chain lock is then
    taken as late as possible (at the first flush after a record: often the commit, but
    any query autoflushes), so it is held briefly. It must come after the transaction's
    row locks: the use cases take those first (the global order: hiring/services/locks.py)."""
    recorded = session.info.pop(_PENDING, [])
    new = [o for o in session.new if isinstance(o, AuditEvent)]
    if not new:
        return
    unrecorded = [o for o in new if not any(o is r for r in recorded)]  # added directly
    ordered = [r for r in recorded if r in session.new] + unrecorded
    prev = chain_head(session)
    for entry in ordered:
        prev = _link(entry, prev)
    session.info[_HEAD] = prev


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_head(session, *_args):
    # The cached head is only valid inside the transaction (and its lock) that wrote it.
    session.info.pop(_HEAD, None)
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
