"""Use cases of the hiring team's workflow pages: the loop template of a requisition,
applying it to a candidate, the admin's area-to-dimension mapping and each user's own
preferences. Each is one unit of work; the views only translate forms and redirects."""

from __future__ import annotations

from datetime import datetime

from ..audit import record
from ..extensions import db
from ..models import Candidate, LoopStep, Requisition, TemplateVersion, User
from .derived_work import packet_content_changed
from .errors import Invalid
from .interviews import active_people, apply_loop, check_independent, refuse_erased
from .locks import lock_candidate
from .transaction import transaction


def add_loop_step(actor: User, requisition: Requisition, *, kind: str, title: str,
                  duration_minutes: int, focus: list[int],
                  case_study_id: int | None) -> LoopStep:
    if kind == "case_study" and not case_study_id:
        raise Invalid.on("case_study_id", "A case-study interview needs its case study.")
    with transaction():
        step = LoopStep(requisition_id=requisition.id, kind=kind, title=title.strip(),
                        duration_minutes=duration_minutes, focus=sorted(set(focus)),
                        case_study_id=case_study_id or None,
                        position=len(requisition.loop_steps))
        db.session.add(step)
        record("loop_template_changed", actor=actor, target=f"requisition:{requisition.id}",
               details={"added": kind})
    return step


def remove_loop_step(actor: User, requisition: Requisition, step: LoopStep) -> None:
    with transaction():
        step_id = step.id
        requisition.loop_steps.remove(step)
        record("loop_template_changed", actor=actor, target=f"requisition:{requisition.id}",
               details={"removed": step_id})


def apply_loop_template(actor: User, candidate: Candidate, starts: datetime,
                        interviewers: list[int], steps: list[LoopStep], gap_minutes: int):
    """The interviews of the loop template, and the clashes they make, in one commit.
    Refused for an erased candidate (NotAllowed), and (Invalid, on the step's
    `interviewer_<step id>` field) for an interviewer who is not an active user or who may
    already have read the candidate's feedback (interviews.check_independent)."""
    refuse_erased(candidate)
    with transaction():
        # the candidate's row first (hiring/services/locks.py), re-read: erased meanwhile?
        # a submission meanwhile (check_independent)?
        refuse_erased(lock_candidate(candidate.id))
        people = active_people(list(interviewers))
        for step, interviewer_id in zip(steps, interviewers, strict=True):
            field = f"interviewer_{step.id}"
            if interviewer_id not in people:
                raise Invalid.on(field, "Choose an active interviewer.")
            check_independent(candidate.id, people[interviewer_id], field)
        created, found = apply_loop(candidate, starts, interviewers, steps,
                                    gap_minutes=gap_minutes)
        record("loop_applied", actor=actor, target=f"candidate:{candidate.id}",
               details={"interviews": [i.id for i in created]})
        packet_content_changed(candidate.id)  # the loop is no longer complete
    return created, found


def remap_areas(actor: User, template: TemplateVersion, wanted: dict[int, int | None]
                ) -> dict[int, int | None]:
    """Point assessment areas at dimensions of the same template (None: "Also assess")."""
    dims = {d.id for d in template.dimensions}
    if any(value is not None and value not in dims for value in wanted.values()):
        raise Invalid("Choose a dimension from the list.")
    changed: dict[int, int | None] = {}
    with transaction():
        for area in template.assessment_areas:
            if area.id in wanted and wanted[area.id] != area.dimension_id:
                area.dimension_id = wanted[area.id]
                changed[area.id] = wanted[area.id]
        if changed:
            record("assessment_mapping_changed", actor=actor,
                   target=f"template:{template.id}", details={"areas": changed})
    return changed


def save_preferences(user: User, timezone: str, reminder_emails: bool) -> bool:
    """True when something changed (and was audited)."""
    with transaction():
        before = (user.timezone, user.reminder_emails)
        user.timezone = timezone
        user.reminder_emails = reminder_emails
        changed = before != (user.timezone, user.reminder_emails)
        if changed:
            record("preferences_changed", actor=user, target=f"user:{user.id}",
                   details={"timezone": timezone, "reminder_emails": reminder_emails})
    return changed
