from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from ..core.plan import coverage, review
from ..core.vocabulary import UserRole
from ..extensions import db
from ..models import (
    CANDIDATE_STAGES,
    Candidate,
    Interview,
    Requisition,
    TemplateVersion,
    WeightAdjustment,
)
from ..pagination import count_by, paginate
from ..policy import authorize, blinded, requires
from ..services import loop_changes as loops
from ..services import requisitions as service
from ..services.blueprints import latest_templates
from ..services.errors import DomainError
from ..services.interviews import describe_clash, find_clashes, slot_of
from ..services.notifications import notify_assigned
from ..timezones import fmt_local, local_input, utc_from_input
from ..validators import refused
from . import bp
from .forms import (
    CandidateForm,
    InterviewForm,
    RequisitionForm,
    WeightsForm,
    add_weight_fields,
)
from .listing import PAGE_SIZE, CandidateSearch, candidate_rows, with_loop

REQUISITION_FIELDS = ("title", "team", "hiring_manager_id", "status")
CANDIDATE_FIELDS = ("name", "email", "stage", "notes")
INTERVIEW_FIELDS = ("interviewer_id", "kind", "scheduled_at", "case_study_id")


def _actor():
    """The signed-in user (not the proxy): recorded in the audit log as the actor."""
    return current_user._get_current_object()


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def people_choices(roles) -> list[SelectChoice]:
    return _people(roles)


def _people(roles) -> list[SelectChoice]:
    return [SelectChoice(u.id, f"{u.name} ({u.email})") for u in service.people(roles)]


def _refused(form, error: DomainError) -> None:
    """A service said no: its messages go on the form's fields, the rest in a flash."""
    for message in refused(form, error):
        flash(message, "error")


# ------------------------------------------------------------------ requisitions


@bp.get("/requisitions/")
@requires("requisitions.view")
def index():
    query = select(Requisition).options(joinedload(Requisition.hiring_manager),
                                        joinedload(Requisition.template))
    if current_user.role != UserRole.ADMIN:
        query = query.where(Requisition.hiring_manager_id == current_user.id)
    page = paginate(query.order_by(Requisition.created_at.desc(), Requisition.id.desc()),
                    PAGE_SIZE)
    counts = count_by(Candidate.requisition_id, [r.id for r in page.items])
    return render_template("requisitions/index.html", requisitions=page.items, page=page,
                           counts=counts)


@bp.route("/requisitions/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new():
    form = RequisitionForm()
    form.template_id.choices = [SelectChoice(t.id, f"{t.title} (v{t.version})")
                                for t in latest_templates()]
    form.hiring_manager_id.choices = _people(service.MANAGERS)
    if form.validate_on_submit():
        try:
            requisition = service.create_requisition(service.RequisitionInput(
                title=form.title.data, team=form.team.data or "",
                template_id=form.template_id.data,
                hiring_manager_id=form.hiring_manager_id.data, status=form.status.data),
                actor=_actor())
        except DomainError as exc:
            _refused(form, exc)
        else:
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
    form.hiring_manager_id.choices = _people(service.MANAGERS)
    if form.validate_on_submit():
        try:
            service.update_requisition(requisition, service.RequisitionInput(
                title=form.title.data, team=form.team.data or "",
                hiring_manager_id=form.hiring_manager_id.data, status=form.status.data),
                actor=_actor())
        except DomainError as exc:
            _refused(form, exc)
        else:
            flash("Requisition saved.", "success")
            return redirect(url_for("requisitions.detail", requisition_id=requisition.id))
    return render_template("requisitions/form.html", form=form, requisition=requisition)


@bp.get("/requisitions/<int:requisition_id>")
@requires("requisitions.view")
def detail(requisition_id: int):
    requisition = db.session.scalars(
        select(Requisition).where(Requisition.id == requisition_id).options(
            joinedload(Requisition.hiring_manager),
            joinedload(Requisition.template).joinedload(TemplateVersion.role),
            joinedload(Requisition.template).selectinload(TemplateVersion.dimensions),
            selectinload(Requisition.weight_changes).options(
                joinedload(WeightAdjustment.changed_by),
                joinedload(WeightAdjustment.dimension)))
    ).unique().one_or_none()
    if requisition is None:
        abort(404)
    authorize("requisitions.view", requisition)
    search = CandidateSearch.from_args(request.args)
    page = paginate(with_loop(search.apply(select(Candidate).where(
        Candidate.requisition_id == requisition.id)).order_by(Candidate.name_key,
                                                              Candidate.id)), PAGE_SIZE)
    rows = candidate_rows(page.items)
    return render_template("requisitions/detail.html", requisition=requisition,
                           weights=requisition.effective_weights(), page=page, rows=rows,
                           search=search, stages=CANDIDATE_STAGES)


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
        try:
            changed = service.change_weights(
                requisition, {d.id: form[f"weight_{d.id}"].data for d in dimensions},
                form.rationale.data, _actor())
        except DomainError as exc:
            _refused(form, exc)
        else:
            flash(f"{changed} weight(s) changed." if changed else "No weight changed.",
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
        try:
            candidate = service.add_candidate(requisition, form.name.data, form.email.data,
                                              form.stage.data, form.notes.data, actor=_actor(),
                                              materials_url=form.materials_url.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
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
    if blinded(current_user, candidate):
        del form.stage  # a decision sets the stage: hidden until they submit (and kept)
    if form.validate_on_submit():
        try:
            service.update_candidate(candidate, form.name.data, form.email.data,
                                     form.stage.data if "stage" in form else None,
                                     form.notes.data, actor=_actor(),
                                     materials_url=form.materials_url.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            flash("Candidate saved.", "success")
            return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("requisitions/candidate_form.html", form=form,
                           requisition=candidate.requisition, candidate=candidate)


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
    dims = loops.plan_dimensions(candidate.requisition)
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
    try:
        plan = loops.plan_loop(candidate, current_app.config["PLAN_TWO_RATER_SHARE"],
                                 actor=_actor())
    except DomainError as exc:
        flash(exc.message, "warning")
    else:
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
    form.interviewer_id.choices = _people(tuple(UserRole))
    current = obj.interviewer if obj is not None else None
    if current is not None and not current.active:
        # kept while the time or place moves (the service accepts keeping them); choosing
        # them anew is not offered
        form.interviewer_id.choices.insert(0, SelectChoice(
            current.id, f"{current.name} ({current.email}), deactivated: reassign"))
    form.focus.choices = [SelectChoice(d.id, d.name) for d in template.dimensions]
    form.case_study_id.choices = [SelectChoice(0, "No case study")] + [
        SelectChoice(c.id, c.title) for c in template.case_studies]
    if obj is not None and request.method == "GET":
        form.focus.data = [d.id for d in obj.focus]
        form.case_study_id.data = obj.case_study_id or 0
        form.scheduled_at.data = local_input(obj.scheduled_at)
    return form


def warn_clashes(found) -> None:
    for clash, other in found:
        flash("Clash: " + describe_clash(clash, other, fmt_local), "warning")


def _after_save(interview) -> None:
    """Clash warnings (never refusals) and the interviewer's invitation, after the commit."""
    warn_clashes(find_clashes(slot_of(interview)))
    notify_assigned(interview.id)


def _interview_input(form: InterviewForm) -> loops.InterviewInput:
    return loops.InterviewInput(
        interviewer_id=form.interviewer_id.data, kind=form.kind.data,
        scheduled_at=utc_from_input(form.scheduled_at.data),
        focus=list(form.focus.data or []), case_study_id=form.case_study_id.data or None,
        title=(form.title.data or "").strip(), duration_minutes=form.duration_minutes.data or 60,
        location=(form.location.data or "").strip())


@bp.route("/candidates/<int:candidate_id>/interviews/new", methods=["GET", "POST"])
@requires("requisitions.manage")
def new_interview(candidate_id: int):
    candidate = _get(Candidate, candidate_id)
    authorize("requisitions.manage", candidate)
    form = _interview_form(candidate.requisition.template)
    if form.validate_on_submit():
        try:
            interview = loops.add_interview(candidate, _interview_input(form),
                                              actor=_actor())
        except DomainError as exc:
            _refused(form, exc)
        else:
            _after_save(interview)
            flash("Interview added to the loop.", "success")
            return redirect(url_for("requisitions.candidate", candidate_id=candidate.id))
    return render_template("requisitions/interview_form.html", form=form, candidate=candidate,
                           interview=None)


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@requires("requisitions.manage")
def edit_interview(interview_id: int):
    interview = _get(Interview, interview_id)
    authorize("requisitions.manage", interview)
    form = _interview_form(interview.candidate.requisition.template, obj=interview)
    if form.validate_on_submit():
        try:
            loops.update_interview(interview, _interview_input(form), actor=_actor())
        except DomainError as exc:
            _refused(form, exc)
        else:
            _after_save(interview)
            flash("Interview saved.", "success")
            return redirect(url_for("requisitions.candidate",
                                    candidate_id=interview.candidate_id))
    return render_template("requisitions/interview_form.html", form=form,
                           candidate=interview.candidate, interview=interview,
                           fixed=loops.submitted_own_scorecard(interview))


@bp.post("/interviews/<int:interview_id>/delete")
@requires("requisitions.manage")
def delete_interview(interview_id: int):
    interview = _get(Interview, interview_id)
    authorize("requisitions.manage", interview)
    candidate_id = interview.candidate_id
    try:
        loops.remove_interview(interview, actor=_actor())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("Interview removed.", "success")
    return redirect(url_for("requisitions.candidate", candidate_id=candidate_id))
