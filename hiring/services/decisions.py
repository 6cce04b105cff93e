"""Recording a hiring decision. A Hire moves the candidate to Offer and a No hire to Rejected;
a later decision undoes that move (the stage it came from is kept on the decision), and
every move is audited."""

from __future__ import annotations

from ..audit import record
from ..extensions import db
from ..models import Candidate, Decision, User

# The stage each decision moves a candidate to; a decision not listed (Hold) moves nothing.
STAGE_AFTER = {"hire": "offer", "no_hire": "rejected"}


def _stage_before_decisions(candidate: Candidate) -> str:
    """The stage to return to if the standing decision's move is undone: where the
    candidate was before it, unless someone has moved the candidate since."""
    standing = candidate.decision
    if (standing is not None and standing.previous_stage is not None
            and candidate.stage == STAGE_AFTER.get(standing.decision)):
        return standing.previous_stage
    return candidate.stage


def record_decision(candidate: Candidate, decision: str, rationale: str,
                    actor: User) -> Decision:
    """Store the decision, move the stage, audit both; one commit."""
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
    db.session.commit()
    return entry
