"""People, their login sessions and the security audit log."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    false,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..audit_integrity import ddl_for
from ..core.vocabulary import UserRole, label_of, labels
from ..extensions import db
from .base import UTCDateTime, utcnow

# Derived from the vocabulary, for choices and older call sites.
ROLES = tuple(r.value for r in UserRole)
ROLE_LABELS = labels(UserRole)


class User(db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r.value) for r in UserRole)})",
                        name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A demo account made by `flask demo`; `flask demo --reset` removes it.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set for a password someone else chose or saw (bootstrap, admin reset, generated at
    # creation): until the user picks their own, they can reach only the change page.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    # An IANA zone name ("Europe/Paris"); "" means "the browser's zone" (see hiring.timezones).
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Reminders and notifications by email; assignment emails are always sent.
    reminder_emails: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol; the id it stores is the login session's token (see UserSession).
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        raise NotImplementedError("log in through hiring.auth.sessions.start_session")

    @property
    def role_label(self) -> str:
        return label_of(UserRole, self.role)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """One login. The browser's cookie holds a random token whose hash is stored here, so
    logging out (deleting the row) makes a copied cookie worthless."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(back_populates="sessions")


class AuditEvent(db.Model):
    """Append-only record of security events and changes. Never holds passwords, tokens or
    scorecard text (ids and field names only). The database refuses updates and deletes
    (hiring/audit_integrity.py); each row chains to the previous one by hash
    (hiring/services/audit_chain.py, `flask audit verify`)."""

    __tablename__ = "audit_event"
    # the audit view's actor filter is a prefix match (see hiring/pagination.py)
    __table_args__ = (Index("ix_audit_event_actor_email_prefix", "actor_email",
                            postgresql_ops={"actor_email": "text_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")


# Holds a row only inside the purge path's transaction: the SQLite delete trigger lets
# deletes through while it does (PostgreSQL uses a transaction-local setting instead).
audit_purge_flag = Table(
    "audit_purge_flag", db.metadata, Column("id", Integer, primary_key=True))


@event.listens_for(db.metadata, "after_create")
def _install_audit_guard(_target, connection, tables=(), **_kw):
    """db.create_all() installs the same triggers as the migration (once: when it creates
    the audit table, after the flag table the SQLite trigger reads)."""
    if "audit_event" not in {getattr(t, "name", t) for t in tables}:
        return
    for statement in ddl_for(connection.dialect.name):
        connection.exec_driver_sql(statement)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session, _context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise PermissionError("the audit log is append-only")
