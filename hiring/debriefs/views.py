from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core import scoring
from ..extensions import db
from ..models import (
    CANDIDATE_STAGES,
    Candidate,
    Requisition,
    TemplateVersion,
)
from ..policy import authorize, requires
from ..routing import page_arg
from ..services import agreement_stats
from ..services.debrief import (
    build_debrief,
    load_candidate,
    settings_for,
)
from ..services.decisions import SETTINGS, change_settings, record_decision
from ..services.errors import DomainError, Invalid
from ..services.notifications import notify_decision
from ..validators import refused
from . import bp
from .compare import compare_page
from .forms import DecisionForm, SettingsForm

PAGE_SIZE = 25
BLIND = ("The panel's feedback on this candidate appears after you submit your own "
         "scorecard. Interviewers rate independently, so nobody anchors on anyone else.")


def candidate_for_debrief(candidate_id: int) -> Candidate:
    """The candidate, loaded for a debrief, if the current user may see its feedback
    (404 or 403 otherwise). The PDF packet uses the same gate."""
    candidate = load_candidate(candidate_id)
    if candidate is None:
        abort(404)
    authorize("debriefs.view", candidate, denied=BLIND)
    return candidate


@bp.get("/candidates/<int:candidate_id>/debrief")
@requires("debriefs.view")
def debrief(candidate_id: int):
    candidate = candidate_for_debrief(candidate_id)
    form = DecisionForm()
    return render_template("debriefs/debrief.html",
                           d=build_debrief(candidate, viewer_id=current_user.id), form=form,
                           packet=candidate.packet_render)


@bp.post("/candidates/<int:candidate_id>/decision")
@requires("decisions.record")
def decide(candidate_id: int):
    candidate = candidate_for_debrief(candidate_id)
    authorize("decisions.record", candidate)
    form = DecisionForm()
    stage = candidate.stage
    try:
        if not form.validate():
            raise Invalid()
        decision = record_decision(candidate, form.decision.data, form.rationale.data,
                                   current_user._get_current_object())
    except DomainError as exc:
        for message in refused(form, exc) if exc.message else []:
            flash(message, "error")
        return render_template("debriefs/debrief.html",
                               d=build_debrief(candidate, viewer_id=current_user.id),
                               form=form), 422
    moved = (f" The candidate moved from {CANDIDATE_STAGES.get(stage, stage)} to "
             f"{candidate.stage_label}.") if candidate.stage != stage else ""
    notify_decision(decision.id)
    flash(f"Decision recorded: {decision.label}.{moved}", "success")
    return redirect(url_for("debriefs.debrief", candidate_id=candidate.id))


@bp.route("/requisitions/<int:requisition_id>/settings", methods=["GET", "POST"])
@requires("weights.adjust")
def settings(requisition_id: int):
    requisition = db.session.get(Requisition, requisition_id)
    if requisition is None:
        abort(404)
    authorize("weights.adjust", requisition)
    current = settings_for(requisition)
    form = SettingsForm(data=asdict(current))
    if form.validate_on_submit():
        try:
            change_settings(requisition, {name: form[name].data for name in SETTINGS},
                            form.rationale.data, current_user)
        except DomainError as exc:
            for message in refused(form, exc):
                flash(message, "error")
        else:
            flash("Decision settings saved.", "success")
            return redirect(url_for("requisitions.detail", requisition_id=requisition.id))
    return render_template("debriefs/settings.html", form=form, requisition=requisition,
                           defaults=scoring.Settings())


@bp.get("/requisitions/<int:requisition_id>/compare")
@requires("requisitions.view")
def compare(requisition_id: int):
    requisition = db.session.scalars(
        select(Requisition).where(Requisition.id == requisition_id).options(
            joinedload(Requisition.weight_changes),
            joinedload(Requisition.template).selectinload(TemplateVersion.dimensions))
    ).unique().one_or_none()
    if requisition is None:
        abort(404)
    authorize("requisitions.view", requisition)
    stage = request.args.get("stage", "")
    stage = stage if stage in CANDIDATE_STAGES else ""
    page = compare_page(requisition, current_user, stage, request.args.get("sort", ""),
                        request.args.get("dir", ""), page_arg())
    agreement, agreement_at = agreement_stats.for_viewer(requisition, current_user,
                                                          page.blind_here)
    return render_template("debriefs/compare.html", requisition=requisition, rows=page.rows,
                           stage=stage, stages=CANDIDATE_STAGES, page=page.number,
                           pages=page.pages, total=page.total, offset=page.offset,
                           agreement=agreement, agreement_at=agreement_at,
                           dims=requisition.template.dimensions, sort=page.sort,
                           descending=page.descending, votes=scoring.VOTES)


