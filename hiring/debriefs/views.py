from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core import scoring
from ..core.agreement import requisition_alpha
from ..extensions import db
from ..models import (
    CANDIDATE_STAGES,
    Candidate,
    Interview,
    PacketRender,
    Requisition,
    Scorecard,
    TemplateVersion,
)
from ..policy import authorize, blind_candidate_ids, hide_blinded, requires
from ..routing import page_arg
from ..services.debrief import (
    build_debrief,
    dimension_specs,
    load_candidate,
    settings_for,
    submitted_scorecards,
)
from ..services.decisions import SETTINGS, change_settings, record_decision
from ..services.errors import DomainError, Invalid
from ..services.notifications import notify_decision
from ..validators import refused
from . import bp
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
                           packet=db.session.get(PacketRender, candidate.id))


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
    query = select(Candidate).where(Candidate.requisition_id == requisition.id)
    if stage in CANDIDATE_STAGES:
        # a blinded viewer's candidates never match a stage filter: a decision moves the
        # stage, and the match (or the count) would tell it
        query = query.where(Candidate.stage == stage,
                            Candidate.id.not_in(blind_candidate_ids(current_user)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    candidates = db.session.scalars(query.options(
        selectinload(Candidate.decisions),
        selectinload(Candidate.interviews).selectinload(Interview.scorecards).options(
            joinedload(Scorecard.author), selectinload(Scorecard.ratings),
            selectinload(Scorecard.red_flags)),
    )).all()
    dims = dimension_specs(requisition)
    scale = (min(requisition.template.scale_values), max(requisition.template.scale_values))
    config = settings_for(requisition)
    # Blinded candidates (the viewer interviews them and has not submitted) are not scored
    # and not ranked: their place in the ranking would tell their composite.
    shown, blind = hide_blinded(current_user, candidates, lambda c: c)
    rows = []
    for candidate in shown:
        cards = submitted_scorecards(candidate)
        result = scoring.evaluate(dims, [_flagless(c) for c in cards], scale, config)
        rows.append({"candidate": candidate, "result": result, "blind": False,
                     "flags": sum(len(c.red_flags) for c in cards)})
    agreement = requisition_alpha(
        ([float(v) for v in dim.ratings.values()] for row in rows
         for dim in row["result"].dimensions), config.agreement_min_pairable)
    sort, descending = sort_rows(rows, request.args.get("sort", ""),
                                 request.args.get("dir", ""), {d.id for d in dims})
    rows += [{"candidate": c, "result": None, "blind": True, "flags": None}
             for c in sorted(blind, key=lambda c: c.name)]
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page_arg(), pages)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return render_template("debriefs/compare.html", requisition=requisition, rows=shown,
                           stage=stage, stages=CANDIDATE_STAGES, page=page, pages=pages,
                           total=total, offset=(page - 1) * PAGE_SIZE, agreement=agreement,
                           dims=requisition.template.dimensions, sort=sort,
                           descending=descending, votes=scoring.VOTES)


# Sortable comparison columns: name -> (key of a row, natural direction is descending).
# Sorting happens on the server, so it works without script and across pages.
SORTS = {
    "name": (lambda row: row["candidate"].name.casefold(), False),
    "stage": (lambda row: row["candidate"].stage_label, False),
    "composite": (lambda row: row["result"].composite_100, True),
    "coverage": (lambda row: row["result"].coverage, True),
    "flags": (lambda row: row["flags"], True),
    "decision": (lambda row: row["candidate"].decision.label
                 if row["candidate"].decision else None, False),
}


def _dimension_key(dimension_id: int):
    def key(row):
        found = [d for d in row["result"].dimensions if d.id == dimension_id]
        return found[0].mean if found else None
    return key


def sort_rows(rows: list[dict], sort: str, direction: str,
              dimension_ids: set[int]) -> tuple[str, bool]:
    """Sort in place by a column; rows without a value go last whatever the direction, and
    ties keep the ranking by composite. Returns the sort and direction applied."""
    if sort.startswith("dim-") and sort[4:].isdigit() and int(sort[4:]) in dimension_ids:
        key, natural = _dimension_key(int(sort[4:])), True
    elif sort in SORTS:
        key, natural = SORTS[sort]
    else:
        sort, (key, natural) = "composite", SORTS["composite"]
    descending = natural if direction not in ("asc", "desc") else direction == "desc"
    rows.sort(key=lambda r: r["candidate"].name.casefold())
    rows.sort(key=lambda r: (r["result"].composite_100 is None,
                             -(r["result"].composite_100 or 0)))
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=key, reverse=descending)
    rows[:] = present + missing
    return sort, descending


def _flagless(card: Scorecard) -> scoring.Scorecard:
    """The comparison counts red flags without loading their texts."""
    return scoring.Scorecard(
        interviewer_id=card.author_id, interviewer=card.author.name,
        ratings=tuple((r.dimension_id, r.rating) for r in card.ratings),
        overall=card.overall, red_flags=tuple("flag" for _ in card.red_flags))
