from __future__ import annotations

from flask import Response, abort, current_app, render_template, send_file
from flask_login import current_user

from ..debriefs.views import BLIND, candidate_for_debrief
from ..extensions import db
from ..models import Candidate
from ..models.base import utcnow
from ..policy import authorize, requires
from ..services.debrief import blind_anywhere, build_debrief
from . import bp
from .bounded import RenderTimeout
from .build import packet_pdf, ready_file
from .naming import packet_filename

TOO_SLOW = ("This packet took longer than {} seconds to build, so it was stopped. The "
            "debrief page shows everything the packet would; try the download again later, "
            "and tell an admin if it keeps happening.")


def _headers(candidate: Candidate) -> dict:
    name = packet_filename(candidate, candidate.requisition, utcnow().date())
    return {
        # slugged to [a-z0-9-] (naming.py): nothing typed can break out of the quotes
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@requires("debriefs.view")
def download(candidate_id: int):
    """The pre-rendered packet when the newest one requested is ready (no debrief is built
    for it: hiring/packets/queue.py renders in the background); else rendered now. The
    pre-rendered file applies rater effects fitted over every candidate, so a viewer who
    still owes a scorecard somewhere gets one rendered for them (as their debrief page)."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    authorize("debriefs.view", candidate, denied=BLIND)
    path = None if blind_anywhere(current_user.id) else ready_file(candidate.id)
    if path is not None:
        response = send_file(path, mimetype="application/pdf", conditional=False, max_age=0)
        response.headers.update(_headers(candidate))
        return response
    db.session.expunge(candidate)  # reload with everything the debrief shows
    candidate = candidate_for_debrief(candidate_id)
    try:
        pdf, _ = packet_pdf(build_debrief(candidate, viewer_id=current_user.id))
    except RenderTimeout:
        return render_template("errors/error.html", code=503, title="Packet not ready",
                               message=TOO_SLOW.format(current_app.config[
                                   "PDF_RENDER_TIMEOUT"])), 503, {"Retry-After": "60"}
    return Response(pdf, mimetype="application/pdf", headers=_headers(candidate))
