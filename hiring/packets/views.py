from __future__ import annotations

from flask import Response

from ..debriefs.views import candidate_for_debrief
from ..models.base import utcnow
from ..policy import requires
from ..services.debrief import build_debrief
from . import bp
from .build import packet_pdf
from .naming import packet_filename


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@requires("debriefs.view")
def download(candidate_id: int):
    candidate = candidate_for_debrief(candidate_id)
    pdf, _ = packet_pdf(build_debrief(candidate))
    name = packet_filename(candidate, candidate.requisition, utcnow().date())
    return Response(pdf, mimetype="application/pdf", headers={
        # slugged to [a-z0-9-] (naming.py): nothing typed can break out of the quotes
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
    })
