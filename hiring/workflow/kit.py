"""The interview kit (what to ask, with whom, when) and its .ics download."""

from __future__ import annotations

from flask import Response, abort, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import ics
from ..core.text import web_link
from ..extensions import db
from ..models import Candidate, Interview, Requisition, TemplateVersion
from ..models.base import utcnow
from ..policy import authorize, requires
from . import bp


def load_interview(interview_id: int) -> Interview:
    """The interview with everything the kit shows, in a fixed number of queries."""
    interview = db.session.scalar(
        select(Interview).where(Interview.id == interview_id).options(
            selectinload(Interview.focus),
            selectinload(Interview.case_study),
            selectinload(Interview.interviewer),
            selectinload(Interview.candidate).selectinload(Candidate.interviews)
            .selectinload(Interview.focus),
            selectinload(Interview.candidate).selectinload(Candidate.interviews)
            .selectinload(Interview.interviewer),
            selectinload(Interview.candidate).selectinload(Candidate.requisition)
            .selectinload(Requisition.template).selectinload(TemplateVersion.dimensions),
            selectinload(Interview.candidate).selectinload(Candidate.requisition)
            .selectinload(Requisition.template).selectinload(TemplateVersion.assessment_areas),
            selectinload(Interview.candidate).selectinload(Candidate.requisition)
            .selectinload(Requisition.template).selectinload(TemplateVersion.signals),
        ))
    if interview is None:
        abort(404)
    return interview


def kit_sections(interview: Interview) -> dict:
    template = interview.candidate.requisition.template
    focus = list(interview.focus) or list(template.dimensions)
    areas_by_dim: dict[int, list] = {}
    also = []
    for area in template.assessment_areas:
        if area.dimension_id is None:
            also.append(area)
        else:
            areas_by_dim.setdefault(area.dimension_id, []).append(area)
    others = [i for i in interview.candidate.interviews if i.id != interview.id]
    return {"template": template, "focus": focus, "areas": areas_by_dim, "also": also,
            "others": others, "focus_set": bool(interview.focus)}


@bp.get("/interviews/<int:interview_id>/kit")
@requires("interviews.kit")
def kit(interview_id: int):
    interview = load_interview(interview_id)
    authorize("interviews.kit", interview)
    return render_template("workflow/kit.html", interview=interview,
                           materials=web_link(interview.candidate.materials_url),
                           location_link=web_link(interview.location),
                           started=interview.scheduled_at <= utcnow(),
                           **kit_sections(interview))


def calendar_text(interview: Interview) -> str:
    kit_url = url_for("workflow.kit", interview_id=interview.id, _external=True)
    candidate = interview.candidate
    focus = ", ".join(d.name for d in interview.focus) or "all dimensions"
    description = (f"{interview.display_title} with {candidate.name} "
                   f"({candidate.requisition.title}).\nFocus: {focus}.\nInterview kit: {kit_url}")
    return ics.event(uid=f"interview-{interview.id}@hiring", starts=interview.scheduled_at,
                     ends=interview.ends_at, stamp=utcnow(),
                     summary=f"Interview: {candidate.name} ({interview.display_title})",
                     description=description, location=interview.location, url=kit_url)


@bp.get("/interviews/<int:interview_id>/calendar.ics")
@requires("interviews.kit")
def calendar(interview_id: int):
    interview = load_interview(interview_id)
    authorize("interviews.kit", interview)
    return Response(calendar_text(interview), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="interview-{interview.id}.ics"'})
