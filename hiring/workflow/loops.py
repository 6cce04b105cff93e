"""Loop templates per requisition, applying them to a candidate, and the admin's
correction of which blueprint area belongs to which dimension."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..extensions import db
from ..models import INTERVIEW_KINDS, Candidate, LoopStep, Requisition, Role, TemplateVersion
from ..policy import authorize, requires
from ..requisitions.forms import MultiCheckboxField, choices
from ..requisitions.views import people_choices, warn_clashes
from ..services import workflow
from ..services.errors import DomainError
from ..services.notifications import notify_assigned
from ..timezones import utc_from_input, viewer_zone
from ..validators import no_nul, plausible_datetime, refused
from . import bp


class StepForm(FlaskForm):
    kind = SelectField("Type", choices=choices(INTERVIEW_KINDS))
    title = StringField("Title", validators=[Optional(), Length(max=200), no_nul])
    duration_minutes = IntegerField("Duration (minutes)", default=60, validators=[
        InputRequired("Give the length in minutes."),
        NumberRange(5, 600, "Give a length from 5 to 600 minutes.")])
    focus = MultiCheckboxField("Focus dimensions", coerce=int)
    case_study_id = SelectField("Case study", coerce=int, validators=[Optional()])


def _requisition(requisition_id: int) -> Requisition:
    requisition = db.session.get(Requisition, requisition_id)
    if requisition is None:
        abort(404)
    authorize("loops.manage", requisition)
    return requisition


def _step_form(template: TemplateVersion) -> StepForm:
    form = StepForm()
    form.focus.choices = [SelectChoice(d.id, d.name) for d in template.dimensions]
    form.case_study_id.choices = [SelectChoice(0, "No case study")] + [
        SelectChoice(c.id, c.title) for c in template.case_studies]
    return form


@bp.route("/requisitions/<int:requisition_id>/loop", methods=["GET", "POST"])
@requires("loops.manage")
def loop_template(requisition_id: int):
    requisition = _requisition(requisition_id)
    template = requisition.template
    form = _step_form(template)
    if form.validate_on_submit():
        try:
            workflow.add_loop_step(current_user, requisition, kind=form.kind.data,
                                   title=form.title.data or "",
                                   duration_minutes=form.duration_minutes.data,
                                   focus=list(form.focus.data or []),
                                   case_study_id=form.case_study_id.data or None)
        except DomainError as exc:
            for name, messages in exc.errors.items():
                form[name].errors.extend(messages)
        else:
            flash("Interview added to the loop template.", "success")
            return redirect(url_for("workflow.loop_template", requisition_id=requisition.id))
    names = {d.id: d.name for d in template.dimensions}
    return render_template("workflow/loop.html", requisition=requisition, form=form,
                           names=names, kinds=INTERVIEW_KINDS)


@bp.post("/loop-steps/<int:step_id>/delete")
@requires("loops.manage")
def delete_step(step_id: int):
    step = db.session.get(LoopStep, step_id)
    if step is None:
        abort(404)
    requisition = _requisition(step.requisition_id)
    workflow.remove_loop_step(current_user, requisition, step)
    flash("Removed from the loop template. Interviews already scheduled stay.", "success")
    return redirect(url_for("workflow.loop_template", requisition_id=requisition.id))


def _apply_form(steps: list[LoopStep]):
    class ApplyForm(FlaskForm):
        starts = DateTimeLocalField("First interview starts (your time zone)",
                                    format="%Y-%m-%dT%H:%M",
                                    validators=[InputRequired("Give a date and time."),
                                                plausible_datetime])
        gap_minutes = IntegerField("Break between interviews (minutes)", default=15,
                                   validators=[Optional(), NumberRange(0, 240)])

    people = people_choices(("interviewer", "hiring_manager", "admin"))
    for step in steps:
        setattr(ApplyForm, f"interviewer_{step.id}", SelectField(
            step.title or INTERVIEW_KINDS.get(step.kind, step.kind), coerce=int,
            choices=[SelectChoice(0, "Choose an interviewer")] + people,
            validators=[NumberRange(1, message="Choose who runs this interview.")]))
    return ApplyForm()


@bp.route("/candidates/<int:candidate_id>/apply-loop", methods=["GET", "POST"])
@requires("loops.manage")
def apply(candidate_id: int):
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    authorize("loops.manage", candidate)
    steps = list(candidate.requisition.loop_steps)
    form = _apply_form(steps)
    if steps and form.validate_on_submit():
        interviewers = [form[f"interviewer_{s.id}"].data for s in steps]
        try:
            created, found = workflow.apply_loop_template(
                current_user, candidate, utc_from_input(form.starts.data), interviewers,
                steps, gap_minutes=form.gap_minutes.data or 0)
        except DomainError as exc:
            for message in refused(form, exc):
                flash(message, "error")
        else:
            warn_clashes(found)
            for interview in created:
                notify_assigned(interview.id)
            flash(f"{len(created)} interviews added from the loop template. Edit any of "
                  "them as needed.", "success")
            return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("workflow/apply_loop.html", candidate=candidate, steps=steps,
                           form=form, zone=viewer_zone())


@bp.post("/roles/<slug>/v<int:version>/areas")
@requires("loops.manage")
def map_areas(slug: str, version: int):
    template = db.session.scalar(select(TemplateVersion).join(Role).where(
        Role.slug == slug, TemplateVersion.version == version))
    if template is None:
        abort(404)
    FlaskForm().validate_on_submit() or abort(400, "The form expired; reload the page.")
    wanted: dict[int, int | None] = {}
    for area in template.assessment_areas:
        raw = request.form.get(f"area_{area.id}")
        if raw is None:
            continue
        try:
            wanted[area.id] = int(raw) or None
        except ValueError:
            abort(400, "Choose a dimension from the list.")
    try:
        changed = workflow.remap_areas(current_user, template, wanted)
    except DomainError as exc:
        abort(400, exc.message)
    flash(f"{len(changed)} assessment area(s) remapped." if changed else "Nothing changed.",
          "success")
    return redirect(url_for("roles.detail", slug=slug, version=version) + "#assess")
