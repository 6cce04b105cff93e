from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..core.plan import PlanDimension, PlanSlot, coverage, plan_loop, review
from ..extensions import db
from ..models import (
    PLANNER_CLOSED_KINDS,
    Candidate,
    Interview,
    Requisition,
    TemplateVersion,
    User,
    WeightAdjustment,
)
from ..policy import authorize, requires
from ..services.blueprints import latest_templates
from ..services.interviews import (
    InterviewerLocked,
    InterviewInput,
    describe_clash,
    save_interview,
)
from ..services.notifications import notify_assigned
from ..timezones import fmt_local, local_input, utc_from_input
from . import bp
from .forms import (
    CandidateForm,
    InterviewForm,
    RequisitionForm,
    WeightsForm,
    add_weight_fields,
)


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _people(roles: tuple[str, ...]) -> list[SelectChoice]:
    users = db.session.scalars(select(User).where(User.active, User.role.in_(roles))
                               .order_by(User.name)).all()
    return [SelectChoice(u.id, f"{u.name} ({u.email})") for u in users]


people_choices = _people


# ------------------------------------------------------------------ requisitions


@bp.get("/requisitions/")
@requires("requisitions.view")
def index():
    query = select(Requisition).options(selectinload(Requisition.candidates),
                                        selectinload(Requisition.hiring_manager),
                                        selectinload(Requisition.template))
    if current_user.role != "admin":
        query = query.where(Requisition.hiring_manager_id == current_user.id)
    requisitions = db.session.scalars(query.order_by(Requisition.created_at.desc())).all()
    return render_template("requisitions/index.html", requisitions=requisitions)


@bp.route("/requisitions/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new():
    form = RequisitionForm()
    form.template_id.choices = [SelectChoice(t.id, f"{t.title} (v{t.version})")
                                for t in latest_templates()]
    form.hiring_manager_id.choices = _people(("hiring_manager", "admin"))
    if form.validate_on_submit():
        requisition = Requisition(title=form.title.data, team=form.team.data or "",
                                  template_id=form.template_id.data,
                                  hiring_manager_id=form.hiring_manager_id.data,
                                  status=form.status.data)
        db.session.add(requisition)
        db.session.commit()
        flash("Requisition created.", "success")
        return redirect(url_for("requisitions.detail", requisition_id=requisition.id))
    return render_template("requisitions/form.html", form=form, requisition=None)


@bp.route("/requisitions/<int:requisition_id>/edit", methods=["GET", "POST"])
@requires("requisitions.manage")
def edit(requisition_id: int):
    requisition = _get(Requisition, requisition_id)
    authorize("requisitions.manage", requisition)
    form = RequisitionForm(obj=requisition)
    del form.template_id  # pinned at creation: scorecards depend on it
    form.hiring_manager_id.choices = _people(("hiring_manager", "admin"))
    if form.validate_on_submit():
        form.populate_obj(requisition)
        db.session.commit()
        flash("Requisition saved.", "success")
        return redirect(url_for("requisitions.detail", requisition_id=requisition.id))
    return render_template("requisitions/form.html", form=form, requisition=requisition)


@bp.get("/requisitions/<int:requisition_id>")
@requires("requisitions.view")
def detail(requisition_id: int):
    requisition = _get(Requisition, requisition_id)
    authorize("requisitions.view", requisition)
    return render_template("requisitions/detail.html", requisition=requisition,
                           weights=requisition.effective_weights())


@bp.route("/requisitions/<int:requisition_id>/weights", methods=["GET", "POST"])
@requires("weights.adjust")
def weights(requisition_id: int):
    requisition = _get(Requisition, requisition_id)
    authorize("weights.adjust", requisition)
    dimensions = requisition.template.dimensions
    current = requisition.effective_weights()
    form = add_weight_fields(WeightsForm, dimensions)(
        data={f"weight_{d.id}": current[d.id] for d in dimensions})
    if form.validate_on_submit():
        changes = [(d, form[f"weight_{d.id}"].data) for d in dimensions
                   if abs(form[f"weight_{d.id}"].data - current[d.id]) > 1e-9]
        rationale = (form.rationale.data or "").strip()
        if not any(form[f"weight_{d.id}"].data for d in dimensions):
            form.rationale.errors.append("At least one dimension needs a weight above 0.")
        elif changes and not rationale:
            form.rationale.errors.append("Say why the weights change; it is recorded.")
        else:
            for dim, weight in changes:
                db.session.add(WeightAdjustment(
                    requisition=requisition, dimension_id=dim.id, weight=weight,
                    previous_weight=current[dim.id], rationale=rationale,
                    changed_by_id=current_user.id))
            db.session.commit()
            flash(f"{len(changes)} weight(s) changed." if changes else "No weight changed.",
                  "success")
            return redirect(url_for("requisitions.detail", requisition_id=requisition.id))
    return render_template("requisitions/weights.html", form=form, requisition=requisition,
                           dimensions=dimensions)


# ------------------------------------------------------------------ candidates


@bp.route("/requisitions/<int:requisition_id>/candidates/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new_candidate(requisition_id: int):
    requisition = _get(Requisition, requisition_id)
    authorize("requisitions.manage", requisition)
    form = CandidateForm()
    if form.validate_on_submit():
        candidate = Candidate(requisition=requisition)
        form.populate_obj(candidate)
        db.session.add(candidate)
        db.session.commit()
        flash("Candidate added.", "success")
        return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("requisitions/candidate_form.html", form=form,
                           requisition=requisition, candidate=None)


@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@requires("requisitions.manage")
def edit_candidate(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    form = CandidateForm(obj=candidate)
    if form.validate_on_submit():
        form.populate_obj(candidate)
        db.session.commit()
        flash("Candidate saved.", "success")
        return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("requisitions/candidate_form.html", form=form,
                           requisition=candidate.requisition, candidate=candidate)


def _plan_dimensions(requisition: Requisition) -> list[PlanDimension]:
    weights = requisition.effective_weights()
    return [PlanDimension(d.id, d.name, weights[d.id]) for d in requisition.template.dimensions]


@bp.get("/candidates/<int:candidate_id>")
@requires("requisitions.view")
def candidate(candidate_id: int):
    candidate = db.session.scalar(select(Candidate).where(Candidate.id == candidate_id).options(
        selectinload(Candidate.interviews).selectinload(Interview.focus),
        selectinload(Candidate.interviews).selectinload(Interview.scorecards),
        selectinload(Candidate.interviews).selectinload(Interview.interviewer)))
    if candidate is None:
        abort(404)
    authorize("requisitions.view", candidate)
    dims = _plan_dimensions(candidate.requisition)
    focus = {i.id: {d.id for d in i.focus} for i in candidate.interviews}
    share = current_app.config["PLAN_TWO_RATER_SHARE"]
    gaps, single = review(dims, focus, share)
    return render_template("requisitions/candidate.html", candidate=candidate,
                           requisition=candidate.requisition, dims=dims,
                           covered=coverage(dims, focus), gaps=gaps, single=single,
                           share=share, focus=focus)


@bp.post("/candidates/<int:candidate_id>/plan")
@requires("requisitions.manage")
def suggest(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    if not candidate.interviews:
        flash("Add interviews first.", "warning")
    else:
        dims = {d.id: d for d in candidate.requisition.template.dimensions}
        # interviews with a scorecard in keep their focus; a case study keeps its targets
        slots = []
        for i in candidate.interviews:
            closed = i.kind in PLANNER_CLOSED_KINDS or any(s.submitted for s in i.scorecards)
            slots.append(PlanSlot(i.id, frozenset(d.id for d in i.focus) if closed
                                  else frozenset(), open=not closed))
        plan = plan_loop(_plan_dimensions(candidate.requisition), slots,
                         current_app.config["PLAN_TWO_RATER_SHARE"])
        for interview in candidate.interviews:
            interview.focus = [dims[d] for d in sorted(plan.focus[interview.id])]
        db.session.commit()
        flash("Focus dimensions spread over the loop by weight, two raters on the heavy "
              "ones. Adjust any interview as needed.", "success")
        for gap in plan.uncovered:
            flash(f"Nobody can cover {gap.name}: add an interview.", "warning")
        for thin in plan.single_rater:
            flash(f"Only one rater on {thin.name}: add an interview for a second opinion.",
                  "warning")
    return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))


# ------------------------------------------------------------------ interviews


def _interview_form(template: TemplateVersion, obj=None) -> InterviewForm:
    form = InterviewForm(obj=obj)
    form.interviewer_id.choices = _people(("interviewer", "hiring_manager", "admin"))
    form.focus.choices = [SelectChoice(d.id, d.name) for d in template.dimensions]
    form.case_study_id.choices = [SelectChoice(0, "No case study")] + [
        SelectChoice(c.id, c.title) for c in template.case_studies]
    if obj is not None and request.method == "GET":
        form.focus.data = [d.id for d in obj.focus]
        form.case_study_id.data = obj.case_study_id or 0
        form.scheduled_at.data = local_input(obj.scheduled_at)
    return form


def _interview_input(form: InterviewForm) -> InterviewInput:
    return InterviewInput(
        interviewer_id=form.interviewer_id.data, kind=form.kind.data,
        title=(form.title.data or "").strip(), starts=utc_from_input(form.scheduled_at.data),
        duration_minutes=form.duration_minutes.data or 60,
        location=(form.location.data or "").strip(), focus=list(form.focus.data or []),
        case_study_id=form.case_study_id.data or None)


def warn_clashes(found) -> None:
    for clash, other in found:
        flash("Clash: " + describe_clash(clash, other, fmt_local), "warning")


@bp.route("/candidates/<int:candidate_id>/interviews/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new_interview(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    template = candidate.requisition.template
    form = _interview_form(template)
    if form.validate_on_submit():
        interview = Interview(candidate=candidate)
        warn_clashes(save_interview(interview, _interview_input(form)))
        notify_assigned(interview.id)
        flash("Interview added to the loop.", "success")
        return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("requisitions/interview_form.html", form=form, candidate=candidate,
                           interview=None)


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@requires("requisitions.manage")
def edit_interview(interview_id: int):
    interview = _get(Interview, interview_id)
    authorize("requisitions.manage", interview)
    template = interview.candidate.requisition.template
    form = _interview_form(template, obj=interview)
    if form.validate_on_submit():
        try:
            warn_clashes(save_interview(interview, _interview_input(form)))
        except InterviewerLocked:
            form.interviewer_id.errors.append(
                "This interviewer has started a scorecard; the interviewer cannot change.")
        else:
            notify_assigned(interview.id)
            flash("Interview saved.", "success")
            return redirect(url_for("requisitions.candidate",
                                    candidate_id=interview.candidate_id))
    return render_template("requisitions/interview_form.html", form=form,
                           candidate=interview.candidate, interview=interview)


@bp.post("/interviews/<int:interview_id>/delete")
@requires("requisitions.manage")
def delete_interview(interview_id: int):
    interview = _get(Interview, interview_id)
    authorize("requisitions.manage", interview)
    candidate_id = interview.candidate_id
    if interview.scorecards:
        flash("This interview has a scorecard and cannot be removed.", "error")
    else:
        interview.focus = []
        db.session.delete(interview)
        db.session.commit()
        flash("Interview removed.", "success")
    return redirect(url_for("requisitions.candidate", candidate_id=candidate_id))
