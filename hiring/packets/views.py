from __future__ import annotations

from flask import Response

from ..debriefs.views import candidate_for_debrief
from ..policy import requires
from ..services.debrief import build_debrief
from . import bp
from .build import packet_pdf


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@requires("debriefs.view")
def download(candidate_id: int):
    candidate = candidate_for_debrief(candidate_id)
    pdf, _ = packet_pdf(build_debrief(candidate))
    return Response(pdf, mimetype="application/pdf", headers={
        # fixed and safe: never built from anything a user typed
        "Content-Disposition": f'attachment; filename="debrief-candidate-{candidate.id}.pdf"',
        "X-Content-Type-Options": "nosniff",
    })
