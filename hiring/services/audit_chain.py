"""Checking the audit log's hash chain, and the one way to delete from it.

verify(): walks the log in id order and reports the first broken link.

purge_through(cutoff, actor=..., reason=...): the ONLY deletion path (retention uses it,
see docs/audit.md). Inside one transaction it takes the chain lock, lifts the database
guard for this transaction only (SQLite: a row in audit_purge_flag; PostgreSQL:
SET LOCAL hiring.audit_purge = 'on'), deletes the oldest rows up to the newest one older
than `cutoff`, puts the guard back, and records an `audit_purged` event whose details name
the anchor (the last deleted row's hash): the first remaining row still carries it as its
prev_hash, and verify() accepts it because a chained purge event vouches for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, text

from ..audit import chain_head, lock_chain, record
from ..audit_integrity import PURGE_SETTING, row_digest
from ..extensions import db
from ..models import AuditEvent
from ..models.users import audit_purge_flag
from .errors import Invalid


@dataclass
class Verification:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _digest(row: AuditEvent) -> str:
    return row_digest(row.prev_hash, at=row.at, event=row.event, actor_id=row.actor_id,
                      actor_email=row.actor_email, target=row.target,
                      client_address=row.client_address, details=row.details,
                      summary=row.summary)


def verify(batch: int = 1000) -> Verification:
    """Every row's hash matches its content, and every row names the previous row's hash
    (the first row: "" or an anchor recorded by a purge)."""
    anchors = {""} | {
        (d or {}).get("anchor", "") for d in db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.event == "audit_purged"))}
    previous: str | None = None
    checked = 0
    last_id = 0
    while True:  # keyset pages: memory stays flat on a long log
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_id)
                                  .order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            return Verification(checked)
        for row in rows:
            if previous is None and row.prev_hash not in anchors:
                return Verification(checked, row.id, "the first row does not start the chain "
                                    "and no purge event vouches for it")
            if previous is not None and row.prev_hash != previous:
                return Verification(checked, row.id, "previous hash does not match the row "
                                    "before it (a row was removed or inserted)")
            if _digest(row) != row.row_hash:
                return Verification(checked, row.id, "content does not match its hash "
                                    "(the row was changed)")
            previous = row.row_hash
            checked += 1
            last_id = row.id
        db.session.expunge_all()


def _lift_guard(on: bool) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT set_config(:name, :value, true)"),
                           {"name": PURGE_SETTING, "value": "on" if on else "off"})
    elif on:
        db.session.execute(insert(audit_purge_flag).values(id=1))
    else:
        db.session.execute(delete(audit_purge_flag))


def purge_through(cutoff: datetime, *, actor=None, reason: str) -> int:
    """Delete the audit rows older than `cutoff` (a prefix of the chain: every row up to the
    newest one older than cutoff), record the purge, commit. Returns how many went."""
    if not (reason or "").strip():
        raise Invalid.on("reason", "a purge needs a reason; it is recorded")
    lock_chain()
    chain_head()  # the lock is held; no writer can chain onto a row being deleted
    through = db.session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.at < cutoff))
    if through is None:
        db.session.rollback()
        return 0
    anchor = db.session.scalar(select(AuditEvent.row_hash).where(AuditEvent.id == through))
    _lift_guard(True)
    try:
        deleted = db.session.execute(delete(AuditEvent).where(AuditEvent.id <= through)
                                     .execution_options(synchronize_session=False)).rowcount
    finally:
        _lift_guard(False)
    record("audit_purged", actor=actor, target="audit_event",
           details={"deleted": deleted, "through_id": through, "anchor": anchor,
                    "cutoff": cutoff.isoformat(), "reason": reason[:200]})
    db.session.commit()
    return deleted
