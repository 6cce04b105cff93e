"""Per-object rules, registered with the policy module at start-up.

Independence: until an interviewer has submitted their own scorecard on a candidate, they
see nothing of anyone else's feedback on that candidate. A hiring manager or admin who also
interviews the candidate is blind in the same way until they submit.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, inspect, select

from .core.vocabulary import UserRole
from .extensions import db
from .models import Candidate, Interview, Requisition, Scorecard
from .policy import register_rule, register_visibility


def owns(user, requisition: Requisition) -> bool:
    return user.role == UserRole.ADMIN or (
        user.role == UserRole.HIRING_MANAGER and requisition.hiring_manager_id == user.id
    )


def interviews_candidate(user, candidate_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id, Interview.interviewer_id == user.id))))


def has_pending_own_feedback(user, candidate: Candidate) -> bool:
    """True while the user has an interview on the candidate without a submitted scorecard.
    Uses the candidate's interviews when they are already loaded (the debrief loads them),
    else asks the database."""
    if "interviews" not in inspect(candidate).unloaded:
        return any(i.interviewer_id == user.id and not any(
            s.author_id == user.id and s.submitted for s in i.scorecards)
            for i in candidate.interviews)
    candidate_id = candidate.id
    submitted = exists().where(and_(
        Scorecard.interview_id == Interview.id, Scorecard.author_id == user.id,
        Scorecard.status == "submitted"))
    return bool(db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id, Interview.interviewer_id == user.id,
        ~submitted))))


def may_see_feedback(user, candidate: Candidate) -> bool:
    """May this user see others' scorecards, aggregates and debriefs on this candidate?"""
    if has_pending_own_feedback(user, candidate):
        return False
    if owns(user, candidate.requisition):
        return True
    # an interviewer whose every interview is submitted
    if "interviews" not in inspect(candidate).unloaded:
        return any(i.interviewer_id == user.id for i in candidate.interviews)
    return interviews_candidate(user, candidate.id)


def _candidate_visible(user, candidate: Candidate) -> bool:
    return owns(user, candidate.requisition) or interviews_candidate(user, candidate.id)


def _interview_visible(user, interview: Interview) -> bool:
    return interview.interviewer_id == user.id or owns(user, interview.candidate.requisition)


def _scorecard_visible(user, scorecard: Scorecard) -> bool:
    """A draft is its author's alone: to everyone else it does not exist (404)."""
    if scorecard.author_id == user.id:
        return True
    return scorecard.submitted and may_see_feedback(user, scorecard.interview.candidate)


def register() -> None:
    register_visibility("Requisition", owns)
    register_visibility("Candidate", _candidate_visible)
    register_visibility("Interview", _interview_visible)
    register_visibility("Scorecard", _scorecard_visible)
    register_rule("weights.adjust", "Requisition", owns)
    register_rule("requisitions.view", "Requisition", owns)
    register_rule("requisitions.view", "Candidate", lambda u, c: owns(u, c.requisition))
    register_rule("decisions.record", "Candidate", lambda u, c: owns(u, c.requisition))
    register_rule("debriefs.view", "Candidate", may_see_feedback)
    register_rule("scorecards.write", "Interview", lambda u, i: i.interviewer_id == u.id)
    register_rule("scorecards.write", "Scorecard", lambda u, s: s.author_id == u.id)
    register_rule("scorecards.view", "Scorecard", _scorecard_visible)
    register_rule("reminders.nudge", "Interview", lambda u, i: owns(u, i.candidate.requisition))
