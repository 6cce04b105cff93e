"""The hiring team's workflow: loop templates per requisition and the email log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .roles import TemplateCaseStudy
from .users import User


class LoopStep(db.Model):
    """One interview of a requisition's loop template. Applying the template to a candidate
    copies each step into an Interview, which can then be edited on its own."""

    __tablename__ = "loop_step"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 600", name="duration_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # ids of the requisition template's dimensions; checked against the template on save
    focus: Mapped[list] = mapped_column(JSON, default=list)
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("template_case_study.id"))

    case_study: Mapped[TemplateCaseStudy | None] = relationship()


NOTIFICATION_KINDS = {
    "assigned": "Interview assigned",
    "due": "Scorecard due",
    "overdue": "Scorecard overdue",
    "nudge": "Reminder sent by the hiring manager",
    "ready": "Ready for debrief",
    "decision": "Decision recorded",
}
NOTIFICATION_STATUSES = ("claimed", "sent", "failed")


class Notification(db.Model):
    """One email to one person about one thing, claimed before it is sent.

    The unique key (kind, subject, slot, recipient) is what makes a reminder go out at most
    once: whoever inserts the row first sends; a concurrent run's insert fails and it skips.
    `slot` numbers the reminder interval (0 for one-off emails)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "slot", "recipient_id"),
        CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="status_known"),
        # the admin dashboard: the newest failed emails and the sent ones of the last week,
        # read from the index (not every email of that status ever)
        Index("ix_notification_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(60))  # "interview:12", "candidate:3"
    slot: Mapped[int] = mapped_column(Integer, default=0)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    title: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return NOTIFICATION_KINDS.get(self.kind, self.kind)
