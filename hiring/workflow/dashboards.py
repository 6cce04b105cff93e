"""Home pages that say what to do next: the hiring manager's and the admin's dashboards,
and the "remind now" button. Every list is bounded (a page at a time) and loads what it
shows in a fixed number of queries. Nothing here shows anyone's ratings, evidence or vote;
decisions only to those the policy lets see them."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Candidate, Decision, Interview, Notification, Requisition, Scorecard, User
from ..models.base import utcnow
from ..policy import authorize, requires
from ..policy_rules import may_see_feedback
from ..services.notifications import mail_enabled
from ..services.reminders import (
    CLOSED_STAGES,
    OptedOut,
    TooSoon,
    due_at,
    remind_now,
)
from ..timezones import fmt_local
from . import bp

PAGE = 25


def _page(name: str) -> int:
    try:
        return max(1, min(int(request.args.get(name, 1)), 10_000))
    except ValueError:
        return 1


def _submitted():
    return exists().where(and_(Scorecard.interview_id == Interview.id,
                               Scorecard.author_id == Interview.interviewer_id,
                               Scorecard.status == "submitted"))


def _owned(query):
    """Only the current user's requisitions, unless they are an admin."""
    if current_user.role != "admin":
        query = query.where(Requisition.hiring_manager_id == current_user.id)
    return query


def _interview_options():
    return (selectinload(Interview.interviewer),
            selectinload(Interview.candidate).selectinload(Candidate.requisition))


def ready_for_decision(page: int):
    has_interview = exists().where(Interview.candidate_id == Candidate.id)
    missing = exists().where(Interview.candidate_id == Candidate.id, ~_submitted())
    decided = exists().where(Decision.candidate_id == Candidate.id)
    query = _owned(select(Candidate).join(Requisition).where(
        has_interview, ~missing, ~decided, Candidate.stage.not_in(CLOSED_STAGES)))
    rows = db.session.scalars(query.options(
        selectinload(Candidate.requisition),
        selectinload(Candidate.interviews).selectinload(Interview.scorecards))
        .order_by(Candidate.id).offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return rows[:PAGE], len(rows) > PAGE


def late_feedback(page: int, now):
    """Interviews whose scorecard is past due, oldest first. The SQL filter uses the start
    time (portable); the end-based due time is then checked per row."""
    hours = current_app.config["SCORECARD_DUE_HOURS"]
    query = _owned(select(Interview).join(Candidate).join(Requisition).where(
        Interview.scheduled_at < now - timedelta(hours=hours), ~_submitted(),
        Candidate.stage.not_in(CLOSED_STAGES)))
    rows = db.session.scalars(query.options(*_interview_options())
                              .order_by(Interview.scheduled_at, Interview.id)
                              .offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    more = len(rows) > PAGE
    late = [i for i in rows[:PAGE] if due_at(i) < now]
    last = dict(db.session.execute(
        select(Notification.subject, func.max(Notification.created_at))
        .where(Notification.subject.in_([f"interview:{i.id}" for i in late]),
               Notification.kind.in_(("due", "overdue", "nudge")))
        .group_by(Notification.subject)).all()) if late else {}
    interval = timedelta(hours=current_app.config["REMINDER_INTERVAL_HOURS"])
    items = []
    for interview in late:
        reminded = last.get(f"interview:{interview.id}")
        items.append({"interview": interview, "late": now - due_at(interview),
                      "reminded": reminded,
                      "can_remind": (reminded is None or now - reminded >= interval)
                      and interview.interviewer.reminder_emails})
    return items, more


def upcoming(now, limit: int = 20):
    query = _owned(select(Interview).join(Candidate).join(Requisition).where(
        Interview.scheduled_at >= now))
    return db.session.scalars(query.options(*_interview_options())
                              .order_by(Interview.scheduled_at).limit(limit)).all()


def recent_decisions(limit: int = 10):
    query = _owned(select(Decision).join(Candidate).join(Requisition))
    decisions = db.session.scalars(query.options(
        selectinload(Decision.decided_by)).order_by(Decision.decided_at.desc())
        .limit(limit)).all()
    candidates = {c.id: c for c in db.session.scalars(select(Candidate).where(
        Candidate.id.in_([d.candidate_id for d in decisions])).options(
        selectinload(Candidate.requisition),
        selectinload(Candidate.interviews).selectinload(Interview.scorecards)))}
    return [{"decision": d, "candidate": candidates[d.candidate_id],
             "shown": may_see_feedback(current_user, candidates[d.candidate_id])}
            for d in decisions]


def humane(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{max(hours, 0)} h"


@bp.get("/dashboard")
@requires("dashboards.manager")
def manager_dashboard():
    now = utcnow()
    ready, ready_more = ready_for_decision(_page("ready_page"))
    late, late_more = late_feedback(_page("late_page"), now)
    return render_template(
        "workflow/manager_dashboard.html",
        ready=[{"candidate": c, "open": may_see_feedback(current_user, c)} for c in ready],
        ready_more=ready_more, late=late, late_more=late_more, upcoming=upcoming(now),
        decisions=recent_decisions(), ready_page=_page("ready_page"),
        late_page=_page("late_page"), humane=humane)


@bp.post("/interviews/<int:interview_id>/remind")
@requires("reminders.nudge")
def remind(interview_id: int):
    interview = db.session.get(Interview, interview_id)
    if interview is None:
        abort(404)
    authorize("reminders.nudge", interview)
    back = redirect(url_for("workflow.manager_dashboard"))
    if interview.scorecard is not None and interview.scorecard.submitted:
        flash("That scorecard is already in.", "info")
        return back
    try:
        outcome = remind_now(interview, current_user)
    except TooSoon as soon:
        flash(f"{interview.interviewer.name} was reminded at {fmt_local(soon.last)}; one "
              "reminder per interval.", "warning")
        return back
    except OptedOut:
        flash(f"{interview.interviewer.name} has turned reminder emails off.", "warning")
        return back
    messages = {"sent": ("success", f"Reminder sent to {interview.interviewer.name}."),
                "failed": ("error", "The reminder could not be sent; it is listed on the "
                                    "admin dashboard."),
                "mail off": ("warning", "Email is off (MAIL_SERVER is not set): nothing "
                                        "was sent."),
                "skipped": ("info", "A reminder was just sent.")}
    category, text = messages.get(outcome, ("info", outcome))
    flash(text, category)
    return back


@bp.get("/admin/dashboard")
@requires("dashboards.admin")
def admin_dashboard():
    now = utcnow()
    hours = current_app.config["SCORECARD_DUE_HOURS"]
    no_interviews = ~exists().where(Interview.candidate_id == Candidate.id)
    empty_loops = db.session.scalars(
        select(Candidate).where(no_interviews, Candidate.stage.in_(("screening",
                                                                     "interviewing")))
        .options(selectinload(Candidate.requisition)).order_by(Candidate.id).limit(50)).all()
    overdue = db.session.execute(
        select(User, func.count(Interview.id).label("late"))
        .join(Interview, Interview.interviewer_id == User.id)
        .where(Interview.scheduled_at < now - timedelta(hours=hours), ~_submitted())
        .group_by(User.id).order_by(func.count(Interview.id).desc(), User.id)
        .limit(10)).all()
    failed = db.session.scalars(
        select(Notification).where(Notification.status == "failed")
        .options(selectinload(Notification.recipient))
        .order_by(Notification.created_at.desc()).limit(50)).all()
    sent_week = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.status == "sent", Notification.created_at >= now - timedelta(days=7)))
    no_template = db.session.scalars(
        select(Requisition).where(Requisition.status == "open", ~Requisition.loop_steps.any())
        .order_by(Requisition.id).limit(50)).all()
    return render_template("workflow/admin_dashboard.html", mail_on=mail_enabled(),
                           mail_server=current_app.config.get("MAIL_SERVER"),
                           empty_loops=empty_loops, overdue=overdue, failed=failed,
                           sent_week=sent_week, no_template=no_template)
