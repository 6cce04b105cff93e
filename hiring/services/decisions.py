"""Recording a hiring decision, and a requisition's decision settings.

A Hire moves the candidate to Offer and a No hire to Rejected; a later decision undoes that
move (the stage it came from is kept on the decision), and every move is audited. A Hire
needs at least one submitted scorecard (an interviewer's own, the ones a debrief counts):
structured feedback is what the app exists for. No hire and Hold need none (a candidate
screened out early)."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import exists, select

from ..audit import record
from ..core.vocabulary import Outcome, Stage
from ..extensions import db
from ..models import (
    DECISIONS,
    Candidate,
    Decision,
    Interview,
    Requisition,
    User,
    own_scorecard_submitted,
)
from .debrief import settings_for
from .derived_work import decision_changed, requisition_changed
from .errors import Invalid, NotAllowed, NotFound
from .locks import lock_candidate, lock_requisition_candidates
from .transaction import transaction

NO_FEEDBACK = ("A Hire needs at least one submitted scorecard, and this candidate has none "
               "yet. Record No hire or Hold, or wait for the interviewers' feedback.")

# The stage each decision moves a candidate to; a decision not listed (Hold) moves nothing.
STAGE_AFTER = {Outcome.HIRE.value: Stage.OFFER.value, Outcome.NO_HIRE.value: Stage.REJECTED.value}
SETTINGS = ("strong_hire_at", "hire_at", "lean_no_at", "quorum", "min_coverage")


def _stage_before_decisions(candidate: Candidate) -> str:
    """The stage to return to if the standing decision's move is undone: where the
    candidate was before it, unless someone has moved the candidate since."""
    standing = candidate.decision
    if (standing is not None and standing.previous_stage is not None
            and candidate.stage == STAGE_AFTER.get(standing.decision)):
        return standing.previous_stage
    return candidate.stage


def _has_submitted_feedback(candidate_id: int) -> bool:
    """Has an interview of the candidate its interviewer's submitted scorecard? (What
    debrief.submitted_scorecards counts.)"""
    return bool(db.session.scalar(select(exists().where(
        Interview.candidate_id == candidate_id, own_scorecard_submitted()))))


def record_decision(candidate: Candidate, decision: str, rationale: str,
                    actor: User) -> Decision:
    """Store the decision, move the stage, audit both; one commit."""
    if candidate.erased:
        raise NotAllowed("This candidate's data was erased; no decision can be recorded.")
    if decision not in DECISIONS:
        raise Invalid.on("decision", "Choose hire, no hire or hold.")
    if not (rationale or "").strip():
        raise Invalid.on("rationale",
                         "Write the reasons for the decision; it is kept with the debrief.")
    with transaction():
        # the candidate's row first (hiring/services/locks.py), then the standing decision
        # and the stage read again under it: two decisions at once are applied in turn,
        # the second undoing the first's move as it would in sequence
        if lock_candidate(candidate.id) is None:
            raise NotFound("There is no such candidate.")
        db.session.expire(candidate, ["decisions"])
        if candidate.erased:
            raise NotAllowed("This candidate's data was erased; no decision can be recorded.")
        # under the candidate's lock, which every change to its interviews and scorecards
        # takes first: what is counted here cannot change before this commits
        if decision == Outcome.HIRE.value and not _has_submitted_feedback(candidate.id):
            raise Invalid.on("decision", NO_FEEDBACK)
        base = _stage_before_decisions(candidate)
        target = STAGE_AFTER.get(decision, base)
        entry = Decision(candidate_id=candidate.id, decision=decision, rationale=rationale,
                         decided_by_id=actor.id,
                         previous_stage=base if decision in STAGE_AFTER else None)
        db.session.add(entry)
        target_name = f"candidate:{candidate.id}"
        record("decision_recorded", actor=actor, target=target_name,
               details={"decision": decision})
        if target != candidate.stage:
            record("stage_changed", actor=actor, target=target_name,
                   details={"from": candidate.stage, "to": target, "because": decision})
            candidate.stage = target
        decision_changed(candidate.id)
    return entry


def change_settings(requisition: Requisition, new: dict, rationale: str, actor: User) -> None:
    """Bands, quorum and coverage for this requisition's debriefs; audited with the reason."""
    if set(new) != set(SETTINGS):
        raise Invalid(f"Give exactly these settings: {', '.join(SETTINGS)}.")
    for name in ("strong_hire_at", "hire_at", "lean_no_at"):
        if not 0 <= new[name] <= 100:
            raise Invalid.on(name, "Number must be between 0 and 100.")
    if not new["lean_no_at"] <= new["hire_at"] <= new["strong_hire_at"]:
        raise Invalid.on("hire_at", "Bands must rise: Lean no ≤ Hire ≤ Strong hire.")
    if not (isinstance(new["quorum"], int) and 1 <= new["quorum"] <= 50):
        raise Invalid.on("quorum", "Number must be between 1 and 50.")
    if not 0 <= new["min_coverage"] <= 1:
        raise Invalid.on("min_coverage", "Number must be between 0 and 1.")
    if not (rationale or "").strip():
        raise Invalid.on("rationale", "Say why; the change is audited.")
    current = asdict(settings_for(requisition))
    changes = {name: [current[name], new[name]] for name in SETTINGS
               if current[name] != new[name]}
    with transaction():
        if changes:  # every snapshot changes: its candidates' rows before the audit chain
            lock_requisition_candidates(requisition.id)
            record("settings_changed", actor=actor, target=f"requisition:{requisition.id}",
                   details={"changes": changes, "rationale": rationale})
        requisition.settings = {**(requisition.settings or {}), **new}
        if changes:  # every snapshot of the requisition is recomputed: only when needed
            db.session.flush()
            requisition_changed(requisition.id)
