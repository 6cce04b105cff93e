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

from ..audit import record
from ..extensions import db
from ..models import INTERVIEW_KINDS, Candidate, LoopStep, Requisition, Role, TemplateVersion
from ..policy import authorize, requires
from ..requisitions.forms import MultiCheckboxField, choices
from ..requisitions.views import people_choices, warn_clashes
from ..services.interviews import apply_loop
from ..services.notifications import notify_assigned
from ..timezones import utc_from_input, viewer_zone
from ..validators import no_nul, plausible_datetime
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
        if form.kind.data == "case_study" and not form.case_study_id.data:
            form.case_study_id.errors.append("A case-study interview needs its case study.")
        else:
            step = LoopStep(requisition_id=requisition.id, kind=form.kind.data,
                            title=(form.title.data or "").strip(),
                            duration_minutes=form.duration_minutes.data,
                            focus=sorted(set(form.focus.data or [])),
                            case_study_id=form.case_study_id.data or None,
                            position=len(requisition.loop_steps))
            db.session.add(step)
            record("loop_template_changed", actor=current_user,
                   target=f"requisition:{requisition.id}", details={"added": step.kind})
            db.session.commit()
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
    requisition.loop_steps.remove(step)
    record("loop_template_changed", actor=current_user, target=f"requisition:{requisition.id}",
           details={"removed": step_id})
    db.session.commit()
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
        created, found = apply_loop(candidate, utc_from_input(form.starts.data), interviewers,
                                    steps, gap_minutes=form.gap_minutes.data or 0)
        record("loop_applied", actor=current_user, target=f"candidate:{candidate.id}",
               details={"interviews": [i.id for i in created]})
        db.session.commit()
        warn_clashes(found)
        for interview in created:
            notify_assigned(interview.id)
        flash(f"{len(created)} interviews added from the loop template. Edit any of them "
              "as needed.", "success")
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
    dims = {d.id for d in template.dimensions}
    changed = {}
    for area in template.assessment_areas:
        raw = request.form.get(f"area_{area.id}")
        if raw is None:
            continue
        try:
            value = int(raw) or None
        except ValueError:
            abort(400, "Choose a dimension from the list.")
        if value is not None and value not in dims:
            abort(400, "Choose a dimension from the list.")
        if value != area.dimension_id:
            area.dimension_id = value
            changed[area.id] = value
    if changed:
        record("assessment_mapping_changed", actor=current_user,
               target=f"template:{template.id}", details={"areas": changed})
    db.session.commit()
    flash(f"{len(changed)} assessment area(s) remapped." if changed else "Nothing changed.",
          "success")
    return redirect(url_for("roles.detail", slug=slug, version=version) + "#assess")
