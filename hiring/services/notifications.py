"""Email notifications: claim a row, then send, so nobody gets the same email twice.

Every email is recorded in `notification` under a unique key (kind, subject, slot,
recipient). The row is inserted and committed *before* the message goes out: a second
sender (another cron run, a web request, a queue worker) racing for the same key fails on
the unique constraint and skips. A failure to send is recorded on the row (shown on the
admin dashboard) and never retried automatically, since a half-delivered message might be
sent twice.

What an email may say: who, what, when and a link. Never an interviewer's ratings,
evidence or vote (the templates in templates/email/ get no scorecard at all), and a
decision only to someone who may see it (hiring.policy_rules.may_see_feedback).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template, url_for
from flask_mail import Message
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.text import one_line
from ..extensions import db, mail
from ..models import Notification, User
from ..models.base import utcnow
from ..validators import EMAIL

OPT_OUT_EXEMPT = frozenset({"assigned"})  # assignment emails are always sent


@dataclass(frozen=True)
class Email:
    kind: str
    subject: str  # what it is about, e.g. "interview:12"
    slot: int
    recipient: User
    title: str  # the email's Subject line
    template: str
    context: dict

    @property
    def key(self) -> tuple:
        return (self.kind, self.subject, self.slot, self.recipient.id)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def link(endpoint: str, **values) -> str:
    """An absolute link for an email: APP_BASE_URL, never the request's Host header (which
    a client chooses)."""
    base = current_app.config["APP_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values, _external=False)


def clean_header(text: str) -> str:
    """A Subject line: one line, no control characters, bounded."""
    return one_line(text).strip()[:250]


def wanted(email: Email) -> bool:
    person = email.recipient
    if not person.active or not person.email:
        return False
    return email.kind in OPT_OUT_EXEMPT or person.reminder_emails


def already(keys: list[tuple]) -> set[tuple]:
    """Which of these keys have a row already (one query per 500 subjects)."""
    found: set[tuple] = set()
    subjects = sorted({k[1] for k in keys})
    for start in range(0, len(subjects), 500):
        rows = db.session.execute(select(
            Notification.kind, Notification.subject, Notification.slot,
            Notification.recipient_id).where(
            Notification.subject.in_(subjects[start:start + 500])))
        found |= {tuple(r) for r in rows}
    return found


def claim(email: Email) -> Notification | None:
    """Insert the row and commit; None when someone else holds the key."""
    row = Notification(kind=email.kind, subject=email.subject, slot=email.slot,
                       recipient_id=email.recipient.id, title=clean_header(email.title),
                       status="claimed", error="")
    try:
        with db.session.begin_nested():
            db.session.add(row)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return row


def deliver(email: Email, row: Notification) -> bool:
    if not EMAIL.match(email.recipient.email):
        # stored before addresses were checked this strictly: a mail library would read it
        # as another address than the one shown, so it is not sent (shown as failed)
        row.status, row.error = "failed", "not a single plain email address"
        db.session.commit()
        return False
    body = render_template(f"email/{email.template}.txt", recipient=email.recipient,
                           prefs_url=link("workflow.preferences"), **email.context)
    message = Message(subject=clean_header(email.title), recipients=[email.recipient.email],
                      body=body, sender=current_app.config["MAIL_DEFAULT_SENDER"])
    try:
        mail.send(message)
    except Exception as exc:  # noqa: BLE001 - any SMTP/socket failure is recorded, not raised
        row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
        db.session.commit()
        current_app.logger.warning("email %s to user %s failed: %s", email.key,
                                   email.recipient.id, row.error)
        return False
    row.status, row.sent_at = "sent", utcnow()
    db.session.commit()
    return True


def send(emails: list[Email], dry_run: bool = False) -> list[tuple[Email, str]]:
    """Send each wanted email whose key is free. Returns (email, outcome) with outcome one
    of "sent", "failed", "skipped" (already sent, or claimed by a concurrent run),
    "would send" (dry run) or "mail off" (MAIL_SERVER unset: nothing claimed)."""
    emails = [e for e in emails if wanted(e)]
    taken = already([e.key for e in emails]) if emails else set()
    results = []
    for email in emails:
        if email.key in taken:
            continue
        taken.add(email.key)
        if dry_run:
            results.append((email, "would send"))
        elif not mail_enabled():
            results.append((email, "mail off"))
        else:
            row = claim(email)
            if row is None:
                results.append((email, "skipped"))
            else:
                results.append((email, "sent" if deliver(email, row) else "failed"))
    return results


def interval_slot(since: datetime, now: datetime) -> int:
    """Which reminder interval `now` falls in, counted from `since` (0, 1, 2, ...)."""
    hours = current_app.config["REMINDER_INTERVAL_HOURS"]
    return max(0, int((now - since).total_seconds() // (hours * 3600)))


def notify_assigned(interview_id: int) -> None:
    """After the commit that assigned or moved an interview: tell the interviewer now."""
    from .reminders import assignment_emails

    if not mail_enabled():  # nothing to send: skip the queries (cron catches up later)
        return
    send(assignment_emails([interview_id]))


def notify_ready(candidate_id: int) -> None:
    """After a submission: if that was the last scorecard, tell the hiring manager."""
    from .reminders import ready_emails

    if not mail_enabled():
        return
    send(ready_emails([candidate_id]))


def notify_decision(decision_id: int) -> None:
    from .reminders import decision_emails

    if not mail_enabled():
        return
    send(decision_emails([decision_id]))
