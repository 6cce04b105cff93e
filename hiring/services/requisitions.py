"""Requisitions, their candidates and weights: one function per use case,
each enforcing its rules, auditing the change under the acting user and committing once.

Audit details (docs/audit.md) hold ids, enumerated values and, for a requisition's own
fields, weights and loop plans, old -> new values; of a candidate only field names (name,
email and notes are personal data, so erasure never has to rewrite the log). A candidate's
interviews and loop plan: services/loop_changes.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..audit import record
from ..core.text import web_link
from ..core.vocabulary import TOLERANCE, Stage, UserRole
from ..extensions import db
from ..models import (
    REQUISITION_STATUSES,
    Candidate,
    Requisition,
    TemplateVersion,
    User,
    WeightAdjustment,
)
from ..policy_rules import blinded
from .derived_work import (
    packet_content_changed,
    requisition_changed,
    requisition_packets_changed,
)
from .errors import Invalid, NotFound
from .interviews import refuse_erased
from .locks import (
    lock_candidate,
    lock_requisition_candidates,
)
from .transaction import transaction

MANAGERS = (UserRole.HIRING_MANAGER, UserRole.ADMIN)  # who may own a requisition


@dataclass
class RequisitionInput:
    title: str
    team: str = ""
    hiring_manager_id: int | None = None
    status: str = "open"
    template_id: int | None = None  # only at creation: scorecards depend on it


def find(model, object_id: int | None):
    """The row, or None, also for ids no column can hold (PostgreSQL would raise)."""
    if object_id is None or not 0 < object_id < 2**31:
        return None
    return db.session.get(model, object_id)


def active_user(user_id: int | None, roles, field: str, message: str, *,
                 keep: int | None = None) -> User:
    """The chosen user, active and holding one of `roles`; `keep` (the current holder of
    the place) is accepted whatever has become of them since: keeping a deactivated
    interviewer while the time moves is not choosing them."""
    user = find(User, user_id)
    if user is not None and user.id == keep:
        return user
    if user is None or not user.active or user.role not in roles:
        raise Invalid.on(field, message)
    return user


def hold_candidate(candidate_id: int) -> Candidate:
    """The candidate's row, locked and re-read (the first lock of the global order,
    hiring/services/locks.py), refused if it was erased meanwhile."""
    candidate = lock_candidate(candidate_id)
    if candidate is None:
        raise NotFound("There is no such candidate.")
    refuse_erased(candidate)
    return candidate


def _check_requisition(data: RequisitionInput) -> None:
    if not data.title.strip():
        raise Invalid.on("title", "Give the requisition a title.")
    if data.status not in REQUISITION_STATUSES:
        raise Invalid.on("status", "Choose a status from the list.")
    active_user(data.hiring_manager_id, MANAGERS, "hiring_manager_id",
                 "Choose an active hiring manager or admin.")


REQUISITION_FIELDS = ("title", "team", "hiring_manager_id", "status")
# personal data: audited by name only
CANDIDATE_FIELDS = ("name", "email", "notes", "materials_url")
MATERIALS_URL_MAX = 1000


def changes_of(obj, after: dict) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value differs."""
    return {name: [getattr(obj, name), value] for name, value in after.items()
            if getattr(obj, name) != value}


def create_requisition(data: RequisitionInput, *, actor: User) -> Requisition:
    _check_requisition(data)
    if find(TemplateVersion, data.template_id) is None:
        raise Invalid.on("template_id", "Choose a role scorecard from the list.")
    with transaction():
        requisition = Requisition(title=data.title, team=data.team or "",
                                  template_id=data.template_id,
                                  hiring_manager_id=data.hiring_manager_id, status=data.status)
        db.session.add(requisition)
        db.session.flush()
        record("requisition_created", actor=actor, target=f"requisition:{requisition.id}",
               details={"title": requisition.title, "team": requisition.team,
                        "template": requisition.template_id,
                        "hiring_manager_id": requisition.hiring_manager_id,
                        "status": requisition.status})
    return requisition


def update_requisition(requisition: Requisition, data: RequisitionInput, *,
                       actor: User) -> None:
    """Title, team, owner and status; the template stays pinned."""
    _check_requisition(data)
    changes = changes_of(requisition, {"title": data.title, "team": data.team or "",
                                     "hiring_manager_id": data.hiring_manager_id,
                                     "status": data.status})
    with transaction():
        if changes:  # every packet of the requisition is marked: its candidates' rows first
            lock_requisition_candidates(requisition.id)
        requisition.title, requisition.team = data.title, data.team or ""
        requisition.hiring_manager_id, requisition.status = data.hiring_manager_id, data.status
        if changes:
            record("requisition_changed", actor=actor, target=f"requisition:{requisition.id}",
                   details={"changes": changes})
            requisition_packets_changed(requisition.id)  # packets print the title


def change_weights(requisition: Requisition, weights: dict[int, float], rationale: str,
                   actor: User) -> int:
    """Record each changed weight with its reason; returns how many changed."""
    current = requisition.effective_weights()
    if set(weights) != set(current):
        raise Invalid("Give a weight for every dimension of this role, and only those.")
    for dimension_id, weight in weights.items():
        if not 0 <= weight <= 100:
            raise Invalid.on(f"weight_{dimension_id}", "Give a number from 0 to 100.")
    changes = {d: w for d, w in weights.items() if abs(w - current[d]) > TOLERANCE}
    rationale = (rationale or "").strip()
    if not any(weights.values()):
        raise Invalid.on("rationale", "At least one dimension needs a weight above 0.")
    if changes and not rationale:
        raise Invalid.on("rationale", "Say why the weights change; it is recorded.")
    with transaction():
        if changes:  # every snapshot changes: its candidates' rows before the audit chain
            lock_requisition_candidates(requisition.id)
        for dimension_id, weight in changes.items():
            db.session.add(WeightAdjustment(
                requisition=requisition, dimension_id=dimension_id, weight=weight,
                previous_weight=current[dimension_id], rationale=rationale,
                changed_by_id=actor.id))
        if changes:
            record("weights_changed", actor=actor, target=f"requisition:{requisition.id}",
                   details={"weights": {str(d): [current[d], w]
                                        for d, w in sorted(changes.items())},
                            "rationale": rationale})
            db.session.flush()
            requisition_changed(requisition.id)
    return len(changes)


def _check_candidate(name: str, stage: str, materials_url: str) -> str:
    """The checked materials link (trimmed; "" for none)."""
    if not (name or "").strip():
        raise Invalid.on("name", "Give the candidate's name.")
    if stage not in {s.value for s in Stage}:
        raise Invalid.on("stage", "Choose a stage from the list.")
    link = (materials_url or "").strip()
    if len(link) > MATERIALS_URL_MAX:
        raise Invalid.on("materials_url",
                         f"Keep the link under {MATERIALS_URL_MAX:,} characters.")
    if link and web_link(link) is None:
        # the kit makes it a link: never a javascript: or data: URL
        raise Invalid.on("materials_url", "Give a link starting with http:// or https://.")
    return link


def add_candidate(requisition: Requisition, name: str, email: str = "",
                  stage: str = Stage.APPLIED, notes: str = "", *, actor: User,
                  materials_url: str = "") -> Candidate:
    materials_url = _check_candidate(name, stage, materials_url)
    with transaction():
        candidate = Candidate(requisition=requisition, name=name, email=email or "",
                              stage=stage, notes=notes or "", materials_url=materials_url)
        db.session.add(candidate)
        db.session.flush()
        record("candidate_created", actor=actor, target=f"candidate:{candidate.id}",
               details={"requisition": requisition.id, "stage": str(candidate.stage),
                        "fields": sorted(f for f in CANDIDATE_FIELDS
                                         if getattr(candidate, f))})
    return candidate


def update_candidate(candidate: Candidate, name: str, email: str, stage: str | None,
                     notes: str, *, actor: User, materials_url: str = "") -> None:
    """A stage move is its own `stage_changed` event (hidden, like decisions, from readers
    blind to the candidate); the other fields are named, never quoted. An editor who still
    owes a scorecard on the candidate neither sees the stage (a decision sets it) nor moves
    it: their `stage` is ignored (None from their form), and nothing tells them what it is.
    An erased candidate takes no new personal data (NotAllowed)."""
    refuse_erased(candidate)
    if stage is None or blinded(actor, candidate):
        stage = candidate.stage
    materials_url = _check_candidate(name, stage, materials_url)
    fields = sorted(changes_of(candidate, {"name": name, "email": email or "",
                                         "notes": notes or "",
                                         "materials_url": materials_url}))
    target = f"candidate:{candidate.id}"
    with transaction():
        hold_candidate(candidate.id)  # before the audit chain (hiring/services/locks.py)
        if stage != candidate.stage:
            record("stage_changed", actor=actor, target=target,
                   details={"from": str(candidate.stage), "to": str(stage),
                            "because": "edited"})
        if fields:
            record("candidate_changed", actor=actor, target=target,
                   details={"fields": fields})
        candidate.name, candidate.email = name, email or ""
        candidate.materials_url = materials_url
        moved = stage != candidate.stage
        candidate.stage, candidate.notes = stage, notes or ""
        if fields or moved:
            packet_content_changed(candidate.id)  # packets print the name and stage


def people(roles) -> list[User]:
    """Active users holding one of `roles`, by name: who may be chosen for a role."""
    return list(db.session.scalars(select(User).where(User.active, User.role.in_(roles))
                                   .order_by(User.name)))
