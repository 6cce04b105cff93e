from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import Candidate, Interview, Requisition, Scorecard, TemplateVersion
from ..models.base import utcnow
from ..pagination import paginate
from ..policy import authorize, can, requires
from ..services.errors import Invalid, NotAllowed, NotFound
from ..services.notifications import notify_ready
from ..services.scorecards import (
    UNKNOWN_FIELDS,
    ScorecardConflict,
    ScorecardLocked,
    ScorecardTooEarly,
    amend,
    current_version,
    find_or_new,
    save_draft,
    submit,
)
from ..timezones import fmt_local
from . import bp
from .forms import (
    AmendForm,
    build_form,
    check,
    form_data_from,
    show_errors,
    to_input,
    unknown_fields,
)

NOT_SAVED = "Nothing was saved: correct the fields marked below. Your text is kept."

DONE_PAGE_SIZE = 20
CONFLICT = ("This scorecard was saved somewhere else (another tab or device) while you were "
            "editing. Your text is still below: review it and save again to keep it.")


def _interview_or_404(interview_id: int) -> Interview:
    interview = db.session.scalar(
        select(Interview).where(Interview.id == interview_id).options(
            selectinload(Interview.focus),
            selectinload(Interview.candidate).selectinload(Candidate.requisition)
            .selectinload(Requisition.template).selectinload(TemplateVersion.dimensions),
        ))
    if interview is None:
        abort(404)
    return interview


def _scorecard_or_404(scorecard_id: int) -> Scorecard:
    scorecard = db.session.get(Scorecard, scorecard_id)
    if scorecard is None:
        abort(404)
    return scorecard


def _due(interview: Interview):
    """Due this many hours after the interview ends (SCORECARD_DUE_HOURS)."""
    return interview.ends_at + timedelta(hours=current_app.config["SCORECARD_DUE_HOURS"])


@bp.get("/interviews/mine")
@requires("interviews.mine")
def my_interviews():
    """The interviewer's home: scorecards due (oldest first), upcoming interviews with their
    kits, drafts, and recent submissions. Each list is bounded."""
    now = utcnow()
    mine = (select(Interview).where(Interview.interviewer_id == current_user.id)
            .options(selectinload(Interview.scorecards),
                     selectinload(Interview.candidate).selectinload(Candidate.requisition)))
    submitted = exists().where(Scorecard.interview_id == Interview.id,
                               Scorecard.author_id == current_user.id,
                               Scorecard.status == "submitted")
    # due: the past interviews without the interviewer's submitted scorecard. An anti-join
    # on the scorecards' (author, status, interview) index rather than NOT EXISTS: it still
    # walks the interviewer's past interviews, with an index lookup each instead of a
    # correlated subquery (~2x cheaper). (Interview.scorecard_in, which the dashboards read,
    # could bound it; this list keeps the check against the scorecards themselves, as the
    # blinding rule does.)
    own = aliased(Scorecard)
    # an erased candidate takes no feedback (the scorecard service refuses it): nothing is
    # owed or coming there (a join on the candidate's key: one lookup per row read, not a
    # correlated subquery)
    live = mine.join(Candidate, Candidate.id == Interview.candidate_id).where(
        Candidate.erased_at.is_(None))
    open_ = db.session.scalars(
        live.outerjoin(own, and_(own.interview_id == Interview.id,
                                 own.author_id == current_user.id,
                                 own.status == "submitted"))
        .where(own.id.is_(None), Interview.scheduled_at <= now)
        .order_by(Interview.scheduled_at).limit(100)).all()
    coming = db.session.scalars(live.where(Interview.scheduled_at > now)
                                .order_by(Interview.scheduled_at).limit(30)).all()
    # the history grows without end: paged, newest first
    # counted from the scorecards' (author, status, interview) index: the same number
    # (one scorecard per interview and author), without a probe per interview
    history = (select(func.count()).select_from(Scorecard)
               .join(Interview, Interview.id == Scorecard.interview_id)
               .where(Scorecard.author_id == current_user.id, Scorecard.status == "submitted",
                      Interview.interviewer_id == current_user.id))
    done = paginate(mine.where(submitted).order_by(Interview.scheduled_at.desc(),
                                                   Interview.id.desc()), DONE_PAGE_SIZE,
                    count=history)

    def row(interview):
        scorecard = interview.scorecard
        due = _due(interview)
        if scorecard is not None and scorecard.submitted:
            state = "submitted"
        elif interview.scheduled_at > now:
            state = "upcoming"
        else:
            state = "overdue" if now > due else "due"
        return {"interview": interview, "scorecard": scorecard, "due": due, "state": state,
                "draft": scorecard is not None and not scorecard.submitted
                and scorecard.updated_at > scorecard.created_at}

    due_rows = [row(i) for i in open_]
    upcoming_rows = [row(i) for i in coming]
    return render_template("scorecards/mine.html", due_rows=due_rows,
                           upcoming_rows=upcoming_rows,
                           drafts=[r for r in due_rows + upcoming_rows if r["draft"]],
                           done_rows=[row(i) for i in done.items], done_page=done,
                           rows=due_rows + upcoming_rows)


def _render_form(interview, form, scorecard, status=200, conflict=False, amend_form=None,
                 draft_kept=False):
    return render_template("scorecards/form.html", interview=interview, form=form,
                           scorecard=scorecard, template=form.template,
                           focus={d.id for d in interview.focus},
                           conflict=CONFLICT if conflict else None, amend_form=amend_form,
                           due=_due(interview), draft_kept=draft_kept), status


@bp.route("/interviews/<int:interview_id>/scorecard", methods=["GET", "POST"])
@requires("scorecards.write")
def fill(interview_id: int):
    interview = _interview_or_404(interview_id)
    authorize("scorecards.write", interview)
    template = interview.candidate.requisition.template
    scorecard = find_or_new(interview, current_user)
    if scorecard.submitted:
        return redirect(url_for("scorecards.view", scorecard_id=scorecard.id))
    if request.method == "GET":
        form = build_form(interview, template, data=form_data_from(scorecard))
        return _render_form(interview, form, scorecard)
    form = build_form(interview, template)
    if unknown_fields(form, request.form.keys()):
        abort(400, UNKNOWN_FIELDS)
    final = request.form.get("action") == "submit"
    draft_ok = check(form, final=False)
    if draft_ok and final and not check(form, final=True):
        # An incomplete submit still keeps what was typed, on the server, as the draft.
        try:
            save_draft(scorecard, to_input(form), int(form.lock_version.data))
        except ScorecardConflict:
            return _conflict(interview, form)
        except (NotAllowed, NotFound) as exc:
            return _gone(exc)
        form.lock_version.data = str(scorecard.lock_version)
        flash("Not submitted yet: complete the fields listed below. Your draft is saved.",
              "error")
        return _render_form(interview, form, scorecard, status=422, draft_kept=True)
    if not draft_ok:
        flash(NOT_SAVED, "error")
        return _render_form(interview, form, scorecard, status=422)
    try:
        (submit if final else save_draft)(scorecard, to_input(form),
                                          int(form.lock_version.data))
    except Invalid as exc:
        show_errors(form, exc.errors)
        flash(NOT_SAVED, "error")
        return _render_form(interview, form, scorecard, status=422)
    except ScorecardConflict:
        return _conflict(interview, form)
    except ScorecardLocked as exc:
        flash(exc.message, "warning")
        return redirect(url_for("scorecards.view", scorecard_id=scorecard.id))
    except ScorecardTooEarly as early:
        flash(f"This interview starts at {fmt_local(early.starts_at)}: you can submit the "
              "scorecard once it has started. Save a draft for now; your text is kept.",
              "error")
        return _render_form(interview, form, scorecard, status=422)
    except (NotAllowed, NotFound) as exc:
        return _gone(exc)
    if final:
        notify_ready(interview.candidate_id)
        flash(_submitted_message(interview), "success")
        return redirect(url_for("scorecards.view", scorecard_id=scorecard.id))
    flash("Draft saved.", "success")
    return redirect(url_for("scorecards.fill", interview_id=interview.id))


def _gone(error: NotAllowed | NotFound):
    """The save was refused because the candidate was erased, or the interview removed,
    since the form was opened (the services re-check both under their locks): nothing
    was stored, and there is no form to go back to."""
    flash(error.message, "error")
    return redirect(url_for("scorecards.my_interviews"))


def _conflict(interview: Interview, form):
    """409 with the user's text kept, and the stored version, so saving again works (the
    scorecard may not have existed when this edit began: a concurrent first save)."""
    form.lock_version.data = str(current_version(interview.id, current_user.id))
    return _render_form(interview, form, find_or_new(interview, current_user), status=409,
                        conflict=True)


def _submitted_message(interview: Interview) -> Markup:
    candidate = interview.candidate
    if not can(current_user, "debriefs.view", candidate):  # another of their interviews is open
        return Markup("Scorecard submitted. The panel's feedback appears once your other "
                      "scorecards on this candidate are submitted too.")
    return Markup("Scorecard submitted. The rest of the panel's feedback is in the "
                  '<a href="{}">debrief</a>.').format(
        url_for("debriefs.debrief", candidate_id=candidate.id))


@bp.post("/interviews/<int:interview_id>/scorecard/autosave")
@requires("scorecards.write")
def autosave(interview_id: int):
    """Debounced saves from the page's script: JSON in reply, never a redirect."""
    interview = _interview_or_404(interview_id)
    authorize("scorecards.write", interview)
    scorecard = find_or_new(interview, current_user)
    form = build_form(interview, interview.candidate.requisition.template)
    if unknown_fields(form, request.form.keys()):
        return jsonify(ok=False, error="unknown fields", message=UNKNOWN_FIELDS), 400
    if scorecard.submitted:
        return jsonify(ok=False, error="submitted"), 409
    if not check(form, final=False):
        return _invalid_json(form)
    try:
        save_draft(scorecard, to_input(form), int(form.lock_version.data))
    except Invalid as exc:
        show_errors(form, exc.errors)
        return _invalid_json(form)
    except ScorecardConflict:
        return jsonify(ok=False, error="conflict", message=CONFLICT), 409
    except (NotAllowed, NotFound) as exc:  # erased, or the interview removed, meanwhile
        return jsonify(ok=False, error="gone", message=exc.message), exc.status
    return jsonify(ok=True, version=scorecard.lock_version,
                   saved_at=scorecard.updated_at.isoformat())


def _invalid_json(form):
    return jsonify(ok=False, error="invalid",
                   fields={k: v for k, v in form.errors.items() if k != "csrf_token"}), 422


@bp.get("/scorecards/<int:scorecard_id>")
@requires("scorecards.view")
def view(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    authorize("scorecards.view", scorecard)
    template = scorecard.interview.candidate.requisition.template
    return render_template("scorecards/view.html", scorecard=scorecard, template=template,
                           interview=scorecard.interview)


@bp.route("/scorecards/<int:scorecard_id>/amend", methods=["GET", "POST"])
@requires("scorecards.write")
def amend_view(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    authorize("scorecards.write", scorecard)
    if not scorecard.submitted:
        return redirect(url_for("scorecards.fill", interview_id=scorecard.interview_id))
    interview = _interview_or_404(scorecard.interview_id)
    template = interview.candidate.requisition.template
    reason = AmendForm()
    if request.method == "GET":
        form = build_form(interview, template, data=form_data_from(scorecard))
    else:
        form = build_form(interview, template)
        if unknown_fields(form, request.form.keys()):
            abort(400, UNKNOWN_FIELDS)
        valid = check(form, final=True) & reason.validate()
        if valid:
            try:
                result = amend(scorecard, to_input(form), reason.reason.data, current_user,
                               int(form.lock_version.data))
            except Invalid as exc:
                show_errors(form, exc.errors)
                show_errors(reason, exc.errors)
                return _render_form(interview, form, scorecard, status=422,
                                    amend_form=reason)
            except ScorecardConflict:
                form.lock_version.data = str(db.session.get(Scorecard, scorecard.id)
                                             .lock_version)
                return _render_form(interview, form, scorecard, status=409, conflict=True,
                                    amend_form=reason)
            except (NotAllowed, NotFound) as exc:
                return _gone(exc)
            else:
                flash("Amendment saved; the earlier version is kept." if result else
                      "Nothing changed, so no amendment was recorded.", "success")
                return redirect(url_for("scorecards.view", scorecard_id=scorecard.id))
        # refused by the form's own checks: the same status as a refusal by the service
        return _render_form(interview, form, scorecard, status=422, amend_form=reason)
    return _render_form(interview, form, scorecard, amend_form=reason)

