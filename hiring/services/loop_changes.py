"""A candidate's interview loop: adding, changing and removing interviews, and planning
the loop's focus. One function per use case, each enforcing its rules (independence of a
new interviewer, what a submitted scorecard fixes, an erased candidate), auditing the change
under the acting user and committing once; row locks in the global order
(hiring/services/locks.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select

from ..audit import record
from ..core.plan import LoopPlan, PlanDimension, PlanSlot
from ..core.plan import plan_loop as core_plan_loop
from ..core.vocabulary import UserRole
from ..extensions import db
from ..models import (
    INTERVIEW_KINDS,
    PLANNER_CLOSED_KINDS,
    Candidate,
    Interview,
    Requisition,
    Scorecard,
    TemplateVersion,
    User,
)
from .derived_work import packet_content_changed
from .errors import Invalid, NotAllowed
from .interviews import check_independent, refuse_erased
from .locks import lock_candidates, lock_interview
from .requisitions import active_user, hold_candidate
from .transaction import transaction


@dataclass
class InterviewInput:
    interviewer_id: int
    kind: str
    scheduled_at: datetime
    focus: list[int]
    case_study_id: int | None = None
    title: str = ""
    duration_minutes: int = 60
    location: str = ""


def _check_interview(data: InterviewInput, template: TemplateVersion) -> None:
    if data.kind not in INTERVIEW_KINDS:
        raise Invalid.on("kind", "Choose an interview type from the list.")
    if set(data.focus) - {d.id for d in template.dimensions}:
        raise Invalid.on("focus", "Choose focus dimensions of this role.")
    if data.case_study_id and data.case_study_id not in {c.id for c in template.case_studies}:
        raise Invalid.on("case_study_id", "Choose a case study of this role.")


def _interviewer(data: InterviewInput, *, keep: int | None = None) -> User:
    return active_user(data.interviewer_id, tuple(UserRole), "interviewer_id",
                        "Choose an active interviewer.", keep=keep)


def _assign(interview: Interview, data: InterviewInput, template: TemplateVersion) -> None:
    """The checked input onto the interview (_check_interview, _interviewer first)."""
    dims = {d.id: d for d in template.dimensions}
    interview.interviewer_id = data.interviewer_id
    interview.kind = data.kind
    when = data.scheduled_at
    interview.scheduled_at = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    interview.focus = [dims[i] for i in sorted(set(data.focus))]
    interview.case_study_id = data.case_study_id or None
    interview.title = data.title
    interview.duration_minutes = data.duration_minutes or 60
    interview.location = data.location


INTERVIEW_VALUES = ("interviewer_id", "kind", "scheduled_at", "duration_minutes",
                    "case_study_id", "focus")
INTERVIEW_NAMED = ("title", "location")  # free text (a video link): named, not quoted


def _utc(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _interview_state(interview: Interview) -> dict:
    when = _utc(interview.scheduled_at)
    return {"interviewer_id": interview.interviewer_id, "kind": interview.kind,
            "scheduled_at": when.isoformat() if when else None,
            "duration_minutes": interview.duration_minutes,
            "case_study_id": interview.case_study_id,
            "focus": sorted(d.id for d in interview.focus),
            "title": interview.title, "location": interview.location}


def add_interview(candidate: Candidate, data: InterviewInput, *, actor: User) -> Interview:
    """Refused for an erased candidate (NotAllowed), and for an interviewer who may
    already have read the candidate's feedback (interviews.check_independent)."""
    refuse_erased(candidate)
    template = candidate.requisition.template
    _check_interview(data, template)
    interviewer = _interviewer(data)
    interview = Interview()
    with transaction():
        hold_candidate(candidate.id)  # before the audit chain (hiring/services/locks.py)
        check_independent(candidate.id, interviewer, "interviewer_id")
        _assign(interview, data, template)
        interview.candidate = candidate
        db.session.add(interview)
        db.session.flush()
        state = _interview_state(interview)
        record("interview_created", actor=actor, target=f"candidate:{candidate.id}",
               details={"interview": interview.id,
                        **{k: state[k] for k in INTERVIEW_VALUES}})
        packet_content_changed(candidate.id)  # the loop is no longer complete
    return interview


INTERVIEWER_FIXED = "This interviewer has started a scorecard; the interviewer cannot change."
INTERVIEW_GONE = "This interview was removed meanwhile."
START_FIXED = ("This interview's scorecard is submitted: it was held at this time, so the "
               "start cannot move. The title and location can still change.")
FOCUS_FIXED = ("This interview's scorecard is submitted and rated these focus dimensions; "
               "the focus cannot change.")
CASE_STUDY_FIXED = ("This interview's scorecard is submitted and rated this case study; the "
                    "case study cannot change.")
DRAFT_DISCARDED = "author deactivated"  # why a draft was discarded (its audit row)


def _lock_interview_of(interview: Interview) -> None:
    """The candidate's row (re-read: erased meanwhile?), then the interview's (the global
    order, hiring/services/locks.py), before anything is recorded: the change marks the
    candidate's packet, as an erasure (which holds the candidate) deletes it."""
    hold_candidate(interview.candidate_id)
    if lock_interview(interview.id) is None:
        raise NotAllowed(INTERVIEW_GONE)


def _scorecards(interview_id: int) -> list:
    """(id, author_id, status, author active) of each scorecard of the interview, read as
    committed (columns, not cached objects): asked under the interview's row lock."""
    return db.session.execute(
        select(Scorecard.id, Scorecard.author_id, Scorecard.status, User.active)
        .join(User, User.id == Scorecard.author_id)
        .where(Scorecard.interview_id == interview_id).order_by(Scorecard.id)).all()


def _discardable(cards) -> bool:
    """Every scorecard is an unsubmitted draft whose author is deactivated: it pins
    nothing. Its author can no longer sign in to finish it, and a draft is its author's
    alone (nobody else reads it), so the interview may be reassigned or removed, the
    draft discarded."""
    return bool(cards) and all(c.status != "submitted" and not c.active for c in cards)


def _discard_drafts(interview: Interview, cards, actor: User) -> None:
    """Delete these drafts (their ratings, signals and flags go with them), each audited
    by ids only: never a word of its text. Before anything else of the use case is
    recorded: loading them must not flush audit rows ahead of the row locks."""
    ids = [c.id for c in cards]
    for card in db.session.scalars(select(Scorecard).where(Scorecard.id.in_(ids))).all():
        db.session.delete(card)
    for card in cards:
        record("scorecard_discarded", actor=actor,
               target=f"candidate:{interview.candidate_id}",
               details={"interview": interview.id, "scorecard": card.id,
                        "author_id": card.author_id, "status": card.status,
                        "because": DRAFT_DISCARDED})
    db.session.flush()
    db.session.expire(interview, ["scorecards"])


def _minute(when: datetime) -> datetime:
    return _utc(when).replace(second=0, microsecond=0)


def _check_fixed(interview: Interview, data: InterviewInput, cards) -> InterviewInput:
    """What a scorecard fixes. Any scorecard (a draft included) fixes the interviewer,
    unless every one is a deactivated author's draft (_discardable). The interviewer's
    own SUBMITTED scorecard also fixes what it was rated against: the start time (the
    scorecard service refuses a submission before the start; a later start would leave
    feedback older than its interview), the focus and the case study. Returns the input
    with the stored start kept when unchanged to the minute (the form's precision)."""
    if data.interviewer_id != interview.interviewer_id and cards and not _discardable(cards):
        raise Invalid.on("interviewer_id", INTERVIEWER_FIXED)
    if not any(c.author_id == interview.interviewer_id and c.status == "submitted"
               for c in cards):
        return data
    if _minute(data.scheduled_at) != _minute(interview.scheduled_at):
        raise Invalid.on("scheduled_at", START_FIXED)
    if set(data.focus) != {d.id for d in interview.focus}:
        raise Invalid.on("focus", FOCUS_FIXED)
    if (data.case_study_id or None) != interview.case_study_id:
        raise Invalid.on("case_study_id", CASE_STUDY_FIXED)
    return replace(data, scheduled_at=_utc(interview.scheduled_at))


def submitted_own_scorecard(interview: Interview) -> bool:
    """For the edit form: are the start, focus and case study fixed (_check_fixed)?"""
    return any(c.author_id == interview.interviewer_id and c.status == "submitted"
               for c in _scorecards(interview.id))


def update_interview(interview: Interview, data: InterviewInput, *, actor: User) -> None:
    """Refused for an erased candidate (NotAllowed). What a scorecard fixes
    (_check_fixed) is checked under the interview's row lock, as remove_interview does,
    against a first save or a submission in progress. Keeping the current interviewer is
    allowed even if they were deactivated since; a new one must be active and independent
    (interviews.check_independent), and a deactivated author's draft is discarded."""
    refuse_erased(interview.candidate)
    template = interview.candidate.requisition.template
    _check_interview(data, template)
    with transaction():
        _lock_interview_of(interview)
        before = _interview_state(interview)
        cards = _scorecards(interview.id)
        data = _check_fixed(interview, data, cards)
        interviewer = _interviewer(data, keep=interview.interviewer_id)
        if data.interviewer_id != interview.interviewer_id:
            check_independent(interview.candidate_id, interviewer, "interviewer_id")
            if cards:  # _check_fixed let it through: deactivated authors' drafts
                _discard_drafts(interview, cards, actor)
        _assign(interview, data, template)
        after = _interview_state(interview)
        changes = {k: [before[k], after[k]] for k in INTERVIEW_VALUES if before[k] != after[k]}
        named = [k for k in INTERVIEW_NAMED if before[k] != after[k]]
        if changes or named:
            record("interview_changed", actor=actor,
                   target=f"candidate:{interview.candidate_id}",
                   details={"interview": interview.id, "changes": changes, "fields": named})
            packet_content_changed(interview.candidate_id)


INTERVIEW_HAS_SCORECARD = "This interview has a scorecard and cannot be removed."


def remove_interview(interview: Interview, *, actor: User) -> None:
    """Refused once the interview has a scorecard (a draft included), unless every one is
    a deactivated author's draft (_discardable), discarded with it. Checked under the
    interview's row lock (hiring/services/locks.py): a first save in progress holds the
    row (FOR KEY SHARE, as its scorecard's foreign key does), so the removal waits for it
    and then sees its scorecard; a save that comes later waits for the removal and is
    refused with "interview removed"."""
    cards = _scorecards(interview.id)
    if cards and not _discardable(cards):
        raise NotAllowed(INTERVIEW_HAS_SCORECARD)
    with transaction():
        lock_candidates([interview.candidate_id])
        if lock_interview(interview.id) is None:
            return  # removed meanwhile by someone else: nothing left to do
        cards = _scorecards(interview.id)
        if cards and not _discardable(cards):
            raise NotAllowed(INTERVIEW_HAS_SCORECARD)
        if cards:
            _discard_drafts(interview, cards, actor)
        record("interview_deleted", actor=actor, target=f"candidate:{interview.candidate_id}",
               details={"interview": interview.id, "interviewer_id": interview.interviewer_id,
                        "kind": interview.kind})
        interview.focus = []
        db.session.delete(interview)
        db.session.flush()
        packet_content_changed(interview.candidate_id)  # the loop may be complete now


def plan_dimensions(requisition: Requisition) -> list[PlanDimension]:
    weights = requisition.effective_weights()
    return [PlanDimension(d.id, d.name, weights[d.id]) for d in requisition.template.dimensions]


def plan_loop(candidate: Candidate, min_share: float = 0.2, *, actor: User) -> LoopPlan:
    """Spread the focus dimensions over the loop by weight, two raters on every dimension
    with at least `min_share` of the weight (hiring.core.plan.plan_loop). Interviews with a
    submitted scorecard, case studies and screens keep their focus. Refused for an erased
    candidate (NotAllowed)."""
    refuse_erased(candidate)
    if not candidate.interviews:
        raise NotAllowed("Add interviews first.")
    dims = {d.id: d for d in candidate.requisition.template.dimensions}
    slots = []
    for i in candidate.interviews:
        closed = i.kind in PLANNER_CLOSED_KINDS or any(s.submitted for s in i.scorecards)
        slots.append(PlanSlot(i.id, frozenset(d.id for d in i.focus) if closed
                              else frozenset(), open=not closed))
    if not any(slot.open for slot in slots):
        raise NotAllowed("Every interview already has its focus (submitted feedback, a case "
                         "study or a screen): add an interview to plan.")
    plan = core_plan_loop(plan_dimensions(candidate.requisition), slots, min_share)
    with transaction():
        hold_candidate(candidate.id)  # before the audit chain (hiring/services/locks.py)
        focus = {}
        for interview in candidate.interviews:
            before = sorted(d.id for d in interview.focus)
            interview.focus = [dims[d] for d in sorted(plan.focus[interview.id])]
            after = sorted(d.id for d in interview.focus)
            if after != before:
                focus[str(interview.id)] = [before, after]
        if focus:
            record("loop_planned", actor=actor, target=f"candidate:{candidate.id}",
                   details={"focus": focus, "min_share": min_share})
    return plan
