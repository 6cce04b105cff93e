"""Home pages that say what to do next: the hiring manager's and the admin's dashboards,
and the "remind now" button. Every list is bounded (a page at a time) and loads what it
shows in a fixed number of queries. Nothing here shows anyone's ratings, evidence or vote;
decisions only to those the policy lets see them."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Candidate, Decision, Interview, Notification, Requisition, User
from ..models.base import utcnow
from ..policy import authorize, requires
from ..policy_rules import blind_candidate_ids, feedback_visible
from ..services.errors import DomainError
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


def _waiting():
    """The interview's own scorecard is not submitted yet (Interview.scorecard_in, which the
    models keep in step with the scorecards): read from an index, where a probe of the
    scorecards per interview walks every interview ever held."""
    return Interview.scorecard_in == false()


def _owned(query):
    """Only the current user's requisitions, unless they are an admin."""
    if current_user.role != "admin":
        query = query.where(Requisition.hiring_manager_id == current_user.id)
    return query


def _owned_candidate(candidate_id):
    """The row's candidate is on one of the current user's requisitions (any, for an
    admin), as a correlated EXISTS rather than a join: the page is then read in the order
    of the row's own date index and stops at its limit, instead of starting from the
    manager's requisitions and sorting every interview or decision of theirs."""
    if current_user.role == "admin":
        return true()
    return exists().where(Candidate.id == candidate_id,
                          Requisition.id == Candidate.requisition_id,
                          Requisition.hiring_manager_id == current_user.id)


def _visible(candidate_ids: list[int]) -> set[int]:
    """Which of these candidates' feedback (decision, debrief) the current user may see:
    the policy's SQL form, one query for the page instead of loading every interview and
    scorecard of every row to ask may_see_feedback."""
    if not candidate_ids:
        return set()
    return set(db.session.scalars(select(Candidate.id).where(
        Candidate.id.in_(candidate_ids), feedback_visible(current_user))))


def _interview_options():
    return (selectinload(Interview.interviewer),
            selectinload(Interview.candidate).selectinload(Candidate.requisition))


def ready_for_decision(page: int):
    has_interview = exists().where(Interview.candidate_id == Candidate.id)
    missing = exists().where(Interview.candidate_id == Candidate.id, _waiting())
    decided = exists().where(Decision.candidate_id == Candidate.id)
    # candidates in id order until a page is ready (the cheap stage test first); the
    # waiting-interview test reads the stored flag, not each interview's scorecards
    # an erased candidate takes no decision (hiring/services/decisions.py): not work
    query = _owned(select(Candidate).join(Requisition).where(
        Candidate.stage.not_in(CLOSED_STAGES), Candidate.erased_at.is_(None), has_interview,
        ~missing, ~decided))
    rows = db.session.scalars(query.options(selectinload(Candidate.requisition))
                              .order_by(Candidate.id).offset((page - 1) * PAGE)
                              .limit(PAGE + 1)).all()
    shown = rows[:PAGE]
    ids = [c.id for c in shown]
    # every interview of a ready candidate has its scorecard in: their number is the count
    counts = dict(db.session.execute(
        select(Interview.candidate_id, func.count(Interview.id))
        .where(Interview.candidate_id.in_(ids)).group_by(Interview.candidate_id)).all()
    ) if ids else {}
    visible = _visible(ids)
    return ([{"candidate": c, "scorecards_in": counts.get(c.id, 0), "open": c.id in visible}
             for c in shown], len(rows) > PAGE)


def late_feedback(page: int, now):
    """Interviews whose scorecard is past due, oldest first. The SQL filter uses the start
    time (portable); the end-based due time is then checked per row."""
    hours = current_app.config["SCORECARD_DUE_HOURS"]
    # A decision closes a candidate's stage (No hire: Rejected, Hire: Offer), so on a
    # candidate the viewer still owes a scorecard on, the stage must not decide whether a
    # row is listed: whether the late interviews vanish would tell the decision.
    # An erased candidate takes no feedback (hiring/services/scorecards.py): nothing is
    # late there (erasure is not feedback: leaving those rows out tells no decision).
    query = _owned(select(Interview).join(Candidate).join(Requisition).where(
        _waiting(), Interview.scheduled_at < now - timedelta(hours=hours),
        Candidate.erased_at.is_(None),
        or_(Candidate.stage.not_in(CLOSED_STAGES),
            Candidate.id.in_(blind_candidate_ids(current_user)))))
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
                      and interview.interviewer.reminder_emails
                      and interview.interviewer.active})
    return items, more


def upcoming(now, limit: int = 20):
    query = select(Interview).where(Interview.scheduled_at >= now,
                                    _owned_candidate(Interview.candidate_id))
    return db.session.scalars(query.options(*_interview_options())
                              .order_by(Interview.scheduled_at, Interview.id)
                              .limit(limit)).all()


def recent_decisions(limit: int = 10):
    decisions = db.session.scalars(
        select(Decision).where(_owned_candidate(Decision.candidate_id))
        .options(selectinload(Decision.decided_by))
        .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(limit)).all()
    ids = list({d.candidate_id for d in decisions})
    candidates = {c.id: c for c in db.session.scalars(select(Candidate).where(
        Candidate.id.in_(ids)).options(selectinload(Candidate.requisition)))}
    visible = _visible(ids)
    return [{"decision": d, "candidate": candidates[d.candidate_id],
             "shown": d.candidate_id in visible} for d in decisions]


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
        ready=ready,
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
    except DomainError as exc:  # erased candidate, deactivated interviewer
        flash(exc.message, "warning")
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
    # counted over the waiting interviews alone (an index range), then joined to the few
    # people concerned, rather than every user's interviews probed for a scorecard
    late = (select(Interview.interviewer_id, func.count(Interview.id).label("late"))
            .where(_waiting(), Interview.scheduled_at < now - timedelta(hours=hours))
            .group_by(Interview.interviewer_id).subquery())
    overdue = db.session.execute(
        select(User, late.c.late).join(late, late.c.interviewer_id == User.id)
        .order_by(late.c.late.desc(), User.id).limit(10)).all()
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
