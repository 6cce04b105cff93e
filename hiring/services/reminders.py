"""What is due to be emailed now: the sweep behind `flask reminders send`, and the single
emails the app sends as things happen (assignment, remind now, ready, decision)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import (
    Candidate,
    Decision,
    Interview,
    Notification,
    Requisition,
    User,
    own_scorecard_submitted,
)
from ..models.base import utcnow
from ..policy_rules import may_see_feedback
from .errors import NotAllowed
from .notifications import Email, interval_slot, link, send

CLOSED_STAGES = ("hired", "rejected", "withdrawn")
BATCH = 500  # per kind and run: a cron run stays bounded; the next run continues


_submitted = own_scorecard_submitted  # the name the queries below use


def _not_erased():
    """The interview's candidate was not erased: an erased candidate takes no feedback
    (hiring/services/scorecards.py) and no decision, so nobody is invited, reminded or told
    a debrief is ready for them."""
    return ~exists().where(Candidate.id == Interview.candidate_id,
                           Candidate.erased_at.is_not(None))


def _load(query):
    return db.session.scalars(query.options(
        selectinload(Interview.interviewer), selectinload(Interview.focus),
        selectinload(Interview.candidate).selectinload(Candidate.requisition))
        .limit(BATCH)).all()


def due_at(interview: Interview) -> datetime:
    return interview.ends_at + timedelta(hours=current_app.config["SCORECARD_DUE_HOURS"])


def _interview_context(interview: Interview) -> dict:
    return {"interview": interview, "candidate": interview.candidate,
            "kit_url": link("workflow.kit", interview_id=interview.id),
            "ics_url": link("workflow.calendar", interview_id=interview.id),
            "scorecard_url": link("scorecards.fill", interview_id=interview.id),
            "due": due_at(interview)}


def _assignment(interview: Interview) -> Email:
    # the slot is the start minute: moving the interview sends a fresh invitation
    return Email("assigned", f"interview:{interview.id}",
                 int(interview.scheduled_at.timestamp() // 60), interview.interviewer,
                 f"Interview assigned: {interview.candidate.name} "
                 f"({interview.display_title})", "assigned", _interview_context(interview))


def assignment_emails(interview_ids: list[int] | None = None, now: datetime | None = None
                      ) -> list[Email]:
    """Invitations for upcoming interviews (the given ones, or all upcoming)."""
    now = now or utcnow()
    query = select(Interview).where(Interview.scheduled_at > now, _not_erased())
    if interview_ids is not None:
        query = query.where(Interview.id.in_(interview_ids))
    return [_assignment(i) for i in _load(query.order_by(Interview.scheduled_at))]


def scorecard_reminders(now: datetime | None = None) -> list[Email]:
    """"Due" once the interview has ended, then "overdue" once per interval after the due
    time, for every interview in the look-back window without a submitted scorecard."""
    now = now or utcnow()
    lookback = now - timedelta(days=current_app.config["REMINDER_LOOKBACK_DAYS"])
    interviews = _load(select(Interview).where(
        Interview.scheduled_at <= now, Interview.scheduled_at >= lookback, ~_submitted(),
        _not_erased())
        .order_by(Interview.scheduled_at))
    emails = []
    for interview in interviews:
        if interview.ends_at > now:
            continue
        context = _interview_context(interview)
        if now < context["due"]:
            emails.append(Email("due", f"interview:{interview.id}", 0, interview.interviewer,
                                f"Scorecard due: {interview.candidate.name}", "due", context))
        else:
            emails.append(Email("overdue", f"interview:{interview.id}",
                                interval_slot(context["due"], now), interview.interviewer,
                                f"Scorecard overdue: {interview.candidate.name}", "overdue",
                                context))
    return emails


def _ready_candidates(candidate_ids: list[int] | None = None) -> list[Candidate]:
    has_interview = exists().where(Interview.candidate_id == Candidate.id)
    missing = exists().where(Interview.candidate_id == Candidate.id, ~_submitted())
    decided = exists().where(Decision.candidate_id == Candidate.id)
    query = select(Candidate).where(has_interview, ~missing, ~decided,
                                    Candidate.stage.not_in(CLOSED_STAGES),
                                    Candidate.erased_at.is_(None))
    if candidate_ids is not None:
        query = query.where(Candidate.id.in_(candidate_ids))
    return db.session.scalars(query.options(
        selectinload(Candidate.requisition).selectinload(Requisition.hiring_manager))
        .order_by(Candidate.id).limit(BATCH)).all()


def ready_emails(candidate_ids: list[int] | None = None) -> list[Email]:
    """All scorecards in: tell the hiring manager the debrief is ready. The slot is the
    number of interviews, so a loop that grows and completes again is announced again."""
    candidates = _ready_candidates(candidate_ids)
    counts = dict(db.session.execute(
        select(Interview.candidate_id, func.count(Interview.id))
        .where(Interview.candidate_id.in_([c.id for c in candidates]))
        .group_by(Interview.candidate_id)).all())
    emails = []
    for candidate in candidates:
        manager = candidate.requisition.hiring_manager
        emails.append(Email("ready", f"candidate:{candidate.id}", counts.get(candidate.id, 0),
                            manager, f"Ready for debrief: {candidate.name}", "ready",
                            {"candidate": candidate, "count": counts.get(candidate.id, 0),
                             "debrief_url": link("debriefs.debrief",
                                                 candidate_id=candidate.id)}))
    return emails


def decision_emails(decision_ids: list[int] | None = None, now: datetime | None = None
                    ) -> list[Email]:
    """A decision recorded: the recruiting team (admins) and the hiring manager hear of it;
    the decision itself is named only to those who may see it."""
    now = now or utcnow()
    query = select(Decision).where(Decision.decided_at >= now - timedelta(days=7))
    if decision_ids is not None:
        query = select(Decision).where(Decision.id.in_(decision_ids))
    decisions = db.session.scalars(query.order_by(Decision.id).limit(BATCH)).all()
    if not decisions:
        return []
    team = db.session.scalars(select(User).where(User.role == "admin", User.active)).all()
    emails = []
    for decision in decisions:
        candidate = db.session.get(Candidate, decision.candidate_id)
        people = {u.id: u for u in team}
        people[candidate.requisition.hiring_manager_id] = candidate.requisition.hiring_manager
        for person in people.values():
            shown = may_see_feedback(person, candidate)
            emails.append(Email("decision", f"decision:{decision.id}", 0, person,
                                f"Decision recorded: {candidate.name}", "decision",
                                {"candidate": candidate, "decision": decision, "shown": shown,
                                 "candidate_url": link("requisitions.candidate",
                                                       candidate_id=candidate.id)}))
    return emails


def due_now(now: datetime | None = None) -> list[Email]:
    """Everything the cron sweep would send now."""
    now = now or utcnow()
    return (assignment_emails(now=now) + scorecard_reminders(now) + ready_emails()
            + decision_emails(now=now))


NOTHING_OWED_ERASED = ("This candidate's data was erased: no scorecard can be added, so no "
                       "reminder is sent.")


class TooSoon(Exception):
    def __init__(self, last: datetime):
        super().__init__(last.isoformat())
        self.last = last


class OptedOut(Exception):
    pass


def last_reminder(interview: Interview) -> datetime | None:
    return db.session.scalar(select(func.max(Notification.created_at)).where(
        Notification.subject == f"interview:{interview.id}",
        Notification.kind.in_(("due", "overdue", "nudge")),
        Notification.recipient_id == interview.interviewer_id))


def remind_now(interview: Interview, by: User, now: datetime | None = None) -> str:
    """The hiring manager's "remind now": one email, at most one reminder of any kind per
    interval per scorecard, audited. Returns the outcome of send(). Refused (NotAllowed,
    nothing recorded or sent) for an erased candidate (no feedback can be added there), and
    for a deactivated interviewer: send() skips inactive people, so the request would be
    recorded as a reminder that never goes out."""
    if interview.candidate.erased:
        raise NotAllowed(NOTHING_OWED_ERASED)
    if not interview.interviewer.active:
        raise NotAllowed(f"{interview.interviewer.name} is deactivated: reassign the "
                         "interview to someone active. No reminder was sent.")
    now = now or utcnow()
    hours = current_app.config["REMINDER_INTERVAL_HOURS"]
    last = last_reminder(interview)
    if last is not None and now - last < timedelta(hours=hours):
        raise TooSoon(last)
    if not interview.interviewer.reminder_emails:
        raise OptedOut
    context = _interview_context(interview) | {"by": by}
    # the slot counts intervals since the epoch: two clicks at once claim the same key
    slot = int(now.timestamp() // (hours * 3600))
    email = Email("nudge", f"interview:{interview.id}", slot, interview.interviewer,
                  f"Reminder: your scorecard for {interview.candidate.name}", "nudge", context)
    record("reminder_requested", actor=by, target=f"interview:{interview.id}",
           details={"interviewer_id": interview.interviewer_id})
    db.session.commit()
    results = send([email])
    return results[0][1] if results else "skipped"
