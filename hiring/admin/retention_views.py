"""Admin pages for retention: the policy and purge, legal holds, erasure and export.
Every change goes through hiring/services/retention.py or erasure.py (which commit and
audit); a refusal is shown on the page with what the admin typed kept."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Candidate, Interview, LegalHold, Requisition
from ..pagination import paginate
from ..policy import authorize, blind_candidate_ids, blinded, requires
from ..services import erasure, retention, subject_export
from ..services.retention import RetentionRefused
from . import bp
from .retention_forms import EraseForm, HoldForm, PolicyForm, PurgeForm

PAGE_SIZE = 25  # candidates per page of a requisition's retention page


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + "."


def _get(model, object_id: int):
    obj = db.session.get(model, object_id) if retention.known_id(object_id) else None
    if obj is None:
        abort(404)
    authorize("retention.manage", obj)
    return obj


def _retention_page(policy_form=None, purge_form=None, code: int = 200):
    rule = retention.policy()
    return render_template(
        "admin/retention.html", policy=rule,
        policy_form=policy_form or PolicyForm(data={"days": rule.days}),
        purge_form=purge_form or PurgeForm(formdata=None),
        due=erasure.due(hidden_from=current_user),
        # whether the viewer owes a scorecard anywhere (not where: that is not a decision)
        owes_feedback=db.session.scalar(select(blind_candidate_ids(current_user).exists())),
        holds=retention.held_subjects(), now=retention.now()), code


@bp.route("/retention", methods=["GET", "POST"])
@requires("retention.manage")
def retention_page():
    form = PolicyForm()
    if form.validate_on_submit():
        try:
            rule = retention.set_policy(form.days.data, current_user)
        except RetentionRefused as exc:
            form.days.errors.append(_sentence(exc))
        else:
            flash(f"Retention period set to {rule.days} days.", "success")
            return redirect(url_for("admin.retention_page"))
    if form.is_submitted():
        return _retention_page(policy_form=form, code=422)
    return _retention_page()


@bp.post("/retention/purge")
@requires("retention.manage")
def purge():
    form = PurgeForm()
    if form.validate_on_submit():
        expected = str(len(erasure.due(hidden_from=current_user)))
        if form.confirm.data.strip() != expected:
            form.confirm.errors.append(f"{expected} candidate(s) are due now; type {expected} "
                                       "to erase them.")
        else:
            result = erasure.purge(actor=current_user, via="web")
            flash(f"Purged {len(result.erased)} candidate(s).", "success")
            return redirect(url_for("admin.retention_page"))
    return _retention_page(purge_form=form, code=422)


def _candidate_page(candidate: Candidate, hold_form=None, erase_form=None, code: int = 200):
    holds = db.session.scalars(select(LegalHold).where(
        (LegalHold.candidate_id == candidate.id)
        | (LegalHold.requisition_id == candidate.requisition_id)).order_by(LegalHold.id)).all()
    return render_template(
        "admin/candidate_retention.html", candidate=candidate,
        requisition=candidate.requisition, state=retention.status(candidate),
        blind=blinded(current_user, candidate), holds=holds,
        now=retention.now(), hold_form=hold_form or HoldForm(formdata=None, prefix="hold"),
        erase_form=erase_form or EraseForm(formdata=None, prefix="erase")), code


def _load_candidate(candidate_id: int) -> Candidate:
    if not retention.known_id(candidate_id):
        abort(404)
    candidate = db.session.scalar(select(Candidate).where(Candidate.id == candidate_id)
                                  .options(selectinload(Candidate.interviews)))
    if candidate is None:
        abort(404)
    authorize("retention.manage", candidate)
    return candidate


@bp.get("/candidates/<int:candidate_id>/retention")
@requires("retention.manage")
def candidate_retention(candidate_id: int):
    return _candidate_page(_load_candidate(candidate_id))


def _hold(kind: str, subject_id: int, form: HoldForm) -> str | None:
    """Place or lift; the refusal message, or None when done."""
    try:
        if form.action.data == "lift":
            retention.lift_hold(kind, subject_id, form.reason.data, current_user)
            flash(f"Legal hold on {kind} {subject_id} lifted.", "success")
        else:
            hold = retention.place_hold(kind, subject_id, form.reason.data, current_user)
            flash(f"Legal hold #{hold.id} placed on {kind} {subject_id}.", "success")
    except RetentionRefused as exc:
        return _sentence(exc)
    return None


@bp.post("/candidates/<int:candidate_id>/hold")
@requires("retention.manage")
def hold_candidate(candidate_id: int):
    candidate = _load_candidate(candidate_id)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        refused = _hold("candidate", candidate.id, form)
        if refused is None:
            return redirect(url_for("admin.candidate_retention", candidate_id=candidate.id))
        form.reason.errors.append(refused)
    return _candidate_page(_load_candidate(candidate_id), hold_form=form, code=422)


@bp.post("/candidates/<int:candidate_id>/erase")
@requires("retention.manage")
def erase_candidate(candidate_id: int):
    candidate = _load_candidate(candidate_id)
    form = EraseForm(prefix="erase")
    if form.validate_on_submit():
        try:
            result = erasure.erase(candidate.id, reason=form.reason.data,
                                   legal_basis=form.legal_basis.data or "",
                                   confirm=form.confirm.data, actor=current_user)
        except RetentionRefused as exc:
            field = form.confirm if "confirmation" in str(exc) else form.legal_basis \
                if "legal basis" in str(exc) else form.reason
            field.errors.append(_sentence(exc))
        else:
            flash(f"Candidate {candidate_id} erased; kept anonymised as "
                  f"{result.opaque_id}.", "success")
            return redirect(url_for("admin.candidate_retention", candidate_id=candidate_id))
    return _candidate_page(_load_candidate(candidate_id), erase_form=form, code=422)


@bp.post("/candidates/<int:candidate_id>/export")
@requires("retention.manage")
def export_candidate(candidate_id: int):
    candidate = _load_candidate(candidate_id)
    try:
        name, data = subject_export.export(candidate.id, current_user)
    except RetentionRefused as exc:
        flash(_sentence(exc), "error")
        return _candidate_page(_load_candidate(candidate_id), code=409)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',  # built from the id only
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def _requisition_page(requisition: Requisition, form=None, code: int = 200):
    """The requisition's holds (its whole history, with who placed each) and one page of
    its candidates with their retention state: a fixed number of queries, whatever the
    number of candidates."""
    holds = db.session.scalars(select(LegalHold).where(
        LegalHold.requisition_id == requisition.id).options(
        joinedload(LegalHold.placed_by)).order_by(LegalHold.id)).all()
    page = paginate(
        select(Candidate).where(Candidate.requisition_id == requisition.id).options(
            selectinload(Candidate.decisions)).order_by(Candidate.id), PAGE_SIZE,
        count=select(func.count(Candidate.id)).where(
            Candidate.requisition_id == requisition.id))
    rows = list(zip(page.items, retention.statuses(page.items), strict=True))
    # the page's candidates on which the viewer still owes a scorecard: one query
    blind = set(db.session.scalars(blind_candidate_ids(current_user).where(
        Interview.candidate_id.in_([c.id for c in page.items])))) if page.items else set()
    return render_template("admin/requisition_retention.html", requisition=requisition,
                           holds=holds, rows=rows, blind=blind, page=page,
                           now=retention.now(),
                           form=form or HoldForm(formdata=None, prefix="hold")), code


@bp.get("/requisitions/<int:requisition_id>/retention")
@requires("retention.manage")
def requisition_retention(requisition_id: int):
    return _requisition_page(_get(Requisition, requisition_id))


@bp.post("/requisitions/<int:requisition_id>/hold")
@requires("retention.manage")
def hold_requisition(requisition_id: int):
    requisition = _get(Requisition, requisition_id)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        refused = _hold("requisition", requisition.id, form)
        if refused is None:
            return redirect(url_for("admin.requisition_retention",
                                    requisition_id=requisition_id))
        form.reason.errors.append(refused)
    return _requisition_page(_get(Requisition, requisition_id), form=form, code=422)
