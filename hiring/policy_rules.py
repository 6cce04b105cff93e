"""The policy's table: per model class, who may know an object exists, and who may do what to
it. hiring.policy reads VISIBILITY and RULES; an object whose class (or action and class)
has no entry here is refused (default deny).

Independence: until an interviewer has submitted their own scorecard on a candidate, they
see nothing of anyone else's feedback on that candidate. A hiring manager or admin who also
interviews the candidate is blind in the same way until they submit ("blinded"). A draft is
its author's alone.

"May see feedback" is written twice on purpose, once per place it is asked:
- may_see_feedback(user, candidate): Python, for one object a view holds;
- feedback_visible(user) / blind_candidate_ids(user): SQL, for lists and aggregates that
  must filter many candidates in one query.
tests/test_policy_forms.py checks the two agree on Hypothesis-generated loops.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, exists, inspect, or_, select

from .core.vocabulary import UserRole
from .extensions import db
from .models import AuditEvent, Candidate, Interview, Requisition, Scorecard


def owns(user, requisition: Requisition) -> bool:
    return user.role == UserRole.ADMIN or (
        user.role == UserRole.HIRING_MANAGER and requisition.hiring_manager_id == user.id
    )


def interviews_candidate(user, candidate_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id, Interview.interviewer_id == user.id))))


# ------------------------------------------------------------------ SQL form


def _own_submission(user_id):
    return exists().where(and_(
        Scorecard.interview_id == Interview.id, Scorecard.author_id == user_id,
        Scorecard.status == "submitted"))


def blind_candidate_ids(user):
    """SELECT of the ids of candidates this user is blind to: they interview the candidate
    and have not submitted every one of their scorecards on them."""
    return blind_candidate_ids_of(user.id)


def blind_candidate_ids_of(user_id):
    """blind_candidate_ids by the user's id, which may be a bind parameter: a statement
    built once and run for each viewer (the debrief asks on every view)."""
    return select(Interview.candidate_id).where(
        Interview.interviewer_id == user_id, ~_own_submission(user_id))


def feedback_visible(user):
    """A WHERE clause over Candidate: the candidates whose feedback (scorecards, composite,
    band, votes, flags, decision) this user may see. The SQL twin of may_see_feedback."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Candidate.id.is_(None)  # matches nothing
    interviews = Candidate.id.in_(
        select(Interview.candidate_id).where(Interview.interviewer_id == user.id))
    if user.role == "admin":
        owned = Candidate.id.is_not(None)
    elif user.role == "hiring_manager":
        owned = Candidate.requisition_id.in_(
            select(Requisition.id).where(Requisition.hiring_manager_id == user.id))
    else:
        owned = Candidate.id.is_(None)
    return and_(or_(owned, interviews), Candidate.id.not_in(blind_candidate_ids(user)))


# Audit events that tell something of a candidate's feedback; their target is
# "candidate:<id>". A blinded reader of the audit log does not see them.
FEEDBACK_EVENTS = frozenset({
    "decision_recorded", "scorecard_submitted", "scorecard_amended", "stage_changed",
})


def audit_entries_visible(user):
    """A WHERE clause over AuditEvent: hides feedback events about candidates the user is
    blind to. One query: the blind set is read first (it is small: a person's own open
    interviews)."""
    blind = db.session.scalars(blind_candidate_ids(user)).all()
    if not blind:
        return AuditEvent.id.is_not(None)
    return ~and_(AuditEvent.event.in_(FEEDBACK_EVENTS),
                 AuditEvent.target.in_([f"candidate:{i}" for i in set(blind)]))


# ------------------------------------------------------------------ Python form


def has_pending_own_feedback(user, candidate: Candidate) -> bool:
    """True while the user has an interview on the candidate without a submitted scorecard.
    Uses the candidate's interviews when they are already loaded (the debrief loads them),
    else asks the database."""
    if "interviews" not in inspect(candidate).unloaded:
        return any(i.interviewer_id == user.id and not any(
            s.author_id == user.id and s.submitted for s in i.scorecards)
            for i in candidate.interviews)
    return bool(db.session.scalar(select(exists(
        blind_candidate_ids(user).where(Interview.candidate_id == candidate.id)))))


def blinded(user, candidate: Candidate) -> bool:
    """The blinding rule, for staff pages: a hiring manager or admin who is an interviewer
    on this candidate and has not submitted sees no composite, band, votes, flags or
    decision for them anywhere."""
    return has_pending_own_feedback(user, candidate)


def may_see_feedback(user, candidate: Candidate) -> bool:
    """May this user see others' scorecards, aggregates, decisions and debriefs on this
    candidate?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if has_pending_own_feedback(user, candidate):
        return False
    if owns(user, candidate.requisition):
        return True
    # an interviewer whose every interview is submitted
    if "interviews" not in inspect(candidate).unloaded:
        return any(i.interviewer_id == user.id for i in candidate.interviews)
    return interviews_candidate(user, candidate.id)


# ------------------------------------------------------------------ the table


def _candidate_visible(user, candidate: Candidate) -> bool:
    return owns(user, candidate.requisition) or interviews_candidate(user, candidate.id)


def _interview_visible(user, interview: Interview) -> bool:
    return interview.interviewer_id == user.id or owns(user, interview.candidate.requisition)


def _scorecard_visible(user, scorecard: Scorecard) -> bool:
    """A draft is its author's alone: to everyone else it does not exist (404)."""
    if scorecard.author_id == user.id:
        return True
    return scorecard.submitted and may_see_feedback(user, scorecard.interview.candidate)


def _allow(_user, _obj) -> bool:
    """The route's role permission is the whole rule (e.g. admins manage every loop)."""
    return True


def _owns_candidate(user, candidate: Candidate) -> bool:
    return owns(user, candidate.requisition)


# model class -> may the user know this object exists? (no entry: nobody may)
VISIBILITY: dict[type, Callable] = {
    Requisition: owns,
    Candidate: _candidate_visible,
    Interview: _interview_visible,
    Scorecard: _scorecard_visible,
}

# (action, model class) -> may the user do this to this visible object? The role must also
# hold the action in hiring.policy.PERMISSIONS. (no entry: nobody may)
RULES: dict[tuple[str, type], Callable] = {
    ("requisitions.view", Requisition): owns,
    ("requisitions.view", Candidate): _owns_candidate,
    ("requisitions.manage", Requisition): _allow,
    ("requisitions.manage", Candidate): _allow,
    ("requisitions.manage", Interview): _allow,
    ("weights.adjust", Requisition): owns,
    # an erased candidate takes no new feedback or decision (the services refuse it too)
    ("decisions.record", Candidate): lambda u, c: not c.erased and _owns_candidate(u, c),
    ("debriefs.view", Candidate): may_see_feedback,
    ("scorecards.write", Interview):
        lambda u, i: i.interviewer_id == u.id and not i.candidate.erased,
    ("scorecards.write", Scorecard):
        lambda u, s: s.author_id == u.id and not s.interview.candidate.erased,
    ("scorecards.view", Scorecard): _scorecard_visible,
    ("reminders.nudge", Interview): lambda u, i: owns(u, i.candidate.requisition),
    # the interview kit: whoever may see the interview (its interviewer, the owner)
    ("interviews.kit", Interview): _allow,
    ("loops.manage", Requisition): _allow,
    ("loops.manage", Candidate): _allow,
    # retention pages (admins); the subject export also asks blinded() (services)
    ("retention.manage", Candidate): _allow,
    ("retention.manage", Requisition): _allow,
}
