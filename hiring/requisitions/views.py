from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..core.plan import PlanDimension, coverage, suggest_plan, uncovered
from ..core.vocabulary import TOLERANCE, UserRole
from ..extensions import db
from ..models import (
    Candidate,
    Interview,
    Requisition,
    TemplateVersion,
    User,
    WeightAdjustment,
)
from ..policy import authorize, requires
from ..services.blueprints import latest_templates
from . import bp
from .forms import (
    CandidateForm,
    InterviewForm,
    RequisitionForm,
    WeightsForm,
    add_weight_fields,
)

MANAGERS = (UserRole.HIRING_MANAGER, UserRole.ADMIN)  # who may own a requisition


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _people(roles: tuple[str, ...]) -> list[SelectChoice]:
    users = db.session.scalars(select(User).where(User.active, User.role.in_(roles))
                               .order_by(User.name)).all()
    return [SelectChoice(u.id, f"{u.name} ({u.email})") for u in users]


# ------------------------------------------------------------------ requisitions


@bp.get("/requisitions/")
@requires("requisitions.view")
def index():
    query = select(Requisition).options(selectinload(Requisition.candidates),
                                        selectinload(Requisition.hiring_manager),
                                        selectinload(Requisition.template))
    if current_user.role != UserRole.ADMIN:
        query = query.where(Requisition.hiring_manager_id == current_user.id)
    requisitions = db.session.scalars(query.order_by(Requisition.created_at.desc())).all()
    return render_template("requisitions/index.html", requisitions=requisitions)


@bp.route("/requisitions/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new():
    form = RequisitionForm()
    form.template_id.choices = [SelectChoice(t.id, f"{t.title} (v{t.version})")
                                for t in latest_templates()]
    form.hiring_manager_id.choices = _people(MANAGERS)
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
    form.hiring_manager_id.choices = _people(MANAGERS)
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
                   if abs(form[f"weight_{d.id}"].data - current[d.id]) > TOLERANCE]
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
    return render_template("requisitions/candidate.html", candidate=candidate,
                           requisition=candidate.requisition, dims=dims,
                           covered=coverage(dims, focus), gaps=uncovered(dims, focus),
                           focus=focus)


@bp.post("/candidates/<int:candidate_id>/plan")
@requires("requisitions.manage")
def suggest(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    open_interviews = [i for i in candidate.interviews
                       if not any(s.submitted for s in i.scorecards)]
    if not open_interviews:
        flash("Add interviews first (interviews with a submitted scorecard keep their focus).",
              "warning")
    else:
        dims = {d.id: d for d in candidate.requisition.template.dimensions}
        plan = suggest_plan(_plan_dimensions(candidate.requisition),
                            [i.id for i in open_interviews])
        for interview in open_interviews:
            interview.focus = [dims[d] for d in sorted(plan[interview.id])]
        db.session.commit()
        flash("Focus dimensions spread over the loop by weight. Adjust any interview as "
              "needed.", "success")
    return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))


# ------------------------------------------------------------------ interviews


def _interview_form(template: TemplateVersion, obj=None) -> InterviewForm:
    form = InterviewForm(obj=obj)
    form.interviewer_id.choices = _people(tuple(UserRole))
    form.focus.choices = [SelectChoice(d.id, d.name) for d in template.dimensions]
    form.case_study_id.choices = [SelectChoice(0, "No case study")] + [
        SelectChoice(c.id, c.title) for c in template.case_studies]
    if obj is not None and request.method == "GET":
        form.focus.data = [d.id for d in obj.focus]
        form.case_study_id.data = obj.case_study_id or 0
    return form


def _save_interview(interview: Interview, form: InterviewForm, template) -> None:
    from datetime import UTC

    dims = {d.id: d for d in template.dimensions}
    interview.interviewer_id = form.interviewer_id.data
    interview.kind = form.kind.data
    interview.scheduled_at = form.scheduled_at.data.replace(tzinfo=UTC)
    interview.focus = [dims[i] for i in form.focus.data or [] if i in dims]
    interview.case_study_id = form.case_study_id.data or None


@bp.route("/candidates/<int:candidate_id>/interviews/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new_interview(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    template = candidate.requisition.template
    form = _interview_form(template)
    if form.validate_on_submit():
        interview = Interview(candidate=candidate)
        _save_interview(interview, form, template)
        db.session.add(interview)
        db.session.commit()
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
        if interview.scorecards and form.interviewer_id.data != interview.interviewer_id:
            form.interviewer_id.errors.append(
                "This interviewer has started a scorecard; the interviewer cannot change.")
        else:
            _save_interview(interview, form, template)
            db.session.commit()
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
