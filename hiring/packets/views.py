from __future__ import annotations

from flask import Response, current_app, render_template

from ..debriefs.views import candidate_for_debrief
from ..models.base import utcnow
from ..policy import requires
from ..services.debrief import build_debrief
from . import bp
from .bounded import RenderTimeout
from .build import packet_pdf
from .naming import packet_filename

TOO_SLOW = ("This packet took longer than {} seconds to build, so it was stopped. The "
            "debrief page shows everything the packet would; try the download again later, "
            "and tell an admin if it keeps happening.")


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@requires("debriefs.view")
def download(candidate_id: int):
    candidate = candidate_for_debrief(candidate_id)
    try:
        pdf, _ = packet_pdf(build_debrief(candidate))
    except RenderTimeout:
        return render_template("errors/error.html", code=503, title="Packet not ready",
                               message=TOO_SLOW.format(current_app.config[
                                   "PDF_RENDER_TIMEOUT"])), 503, {"Retry-After": "60"}
    name = packet_filename(candidate, candidate.requisition, utcnow().date())
    return Response(pdf, mimetype="application/pdf", headers={
        # slugged to [a-z0-9-] (naming.py): nothing typed can break out of the quotes
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
    })
