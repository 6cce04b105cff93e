"""The audit log's integrity, in plain SQL and hashing: no Flask, no models, so the
migration (migrations/versions/i11a_audit_chain.py) and db.create_all() (the DDL events in
hiring/models/users.py) install exactly the same guard.

Changing a statement here changes what new databases get: add a migration that drops and
recreates the triggers, so existing databases follow.

Guard:
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers abort; a BEFORE INSERT trigger refuses a
  row whose id already exists, because INSERT OR REPLACE deletes the old row without firing
  delete triggers (they fire for REPLACE only with PRAGMA recursive_triggers). DELETE is let
  through only while the purge flag table holds a row, which only the documented purge path
  (hiring.services.audit_chain.purge_through) inserts, and removes, inside its own transaction.
- PostgreSQL: a trigger function refuses UPDATE and DELETE (FOR EACH ROW) and TRUNCATE (FOR
  EACH STATEMENT); DELETE passes only when the transaction ran
  `SET LOCAL hiring.audit_purge = 'on'` (the purge path). Where a deployment separates
  roles, also REVOKE UPDATE, DELETE, TRUNCATE ON audit_event from the application's role.

Hash chain: each row stores prev_hash (the previous row's row_hash, "" for the first) and
row_hash = sha256 over prev_hash and the row's fields in a canonical form.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

MESSAGE = "the audit log is append-only"
PURGE_FLAG_TABLE = "audit_purge_flag"
PURGE_SETTING = "hiring.audit_purge"

# Built from the constants above only, never from input.
SQLITE_DDL = (
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "  # noqa: S608
    f"WHEN NOT EXISTS (SELECT 1 FROM {PURGE_FLAG_TABLE}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "  # noqa: S608
    f"WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS audit_event_no_{name}"
                    for name in ("update", "delete", "replace"))

POSTGRESQL_DDL = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    "BEGIN "
    f"IF TG_OP = 'DELETE' AND current_setting('{PURGE_SETTING}', true) = 'on' THEN "
    "RETURN OLD; END IF; "
    f"RAISE EXCEPTION '{MESSAGE}'; "
    "END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
)


def ddl_for(dialect: str) -> tuple[str, ...]:
    return POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL


def drop_for(dialect: str) -> tuple[str, ...]:
    return POSTGRESQL_DROP if dialect == "postgresql" else SQLITE_DROP


def canonical_time(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def row_digest(prev_hash: str, *, at: datetime, event: str, actor_id: int | None,
               actor_email: str, target: str, client_address: str, details,
               summary: str) -> str:
    """sha256 hex of the previous hash and this row's fields, canonically encoded."""
    body = json.dumps(
        [prev_hash, canonical_time(at), event, actor_id, actor_email, target,
         client_address, details, summary],
        sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(body.encode("ascii")).hexdigest()
