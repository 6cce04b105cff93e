"""Everything stored about one candidate, for a subject access request (GDPR Art. 15):
a ZIP holding candidate-<id>.json and the debrief packet PDF."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import AuditEvent, Candidate, Interview, LegalHold, Scorecard, User
from .retention import RetentionRefused, known_id, status

FORMAT = "hiring-subject-export/1"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _scorecard(card: Scorecard) -> dict:
    return {
        "id": card.id, "author": card.author.name, "status": card.status,
        "overall": card.overall, "case_notes": card.case_notes,
        "other_concern": card.other_concern, "created_at": _when(card.created_at),
        "submitted_at": _when(card.submitted_at),
        "ratings": [{"dimension": r.dimension.name, "rating": r.rating,
                     "evidence": r.evidence} for r in card.ratings],
        "signals": [{"kind": s.signal.kind, "text": s.signal.text} for s in card.signals],
        "red_flags": [{"flag": f.signal.text, "note": f.note} for f in card.red_flags],
        "amendments": [{"at": _when(a.at), "author": a.author.name, "reason": a.reason,
                        "before": a.before, "after": a.after} for a in card.amendments],
    }


def candidate_record(candidate: Candidate) -> dict:
    """The JSON document: the candidate's own data, the interviews, every scorecard (drafts
    too: the request covers everything stored), decisions, holds and audit entries."""
    requisition = candidate.requisition
    state = status(candidate)
    holds = db.session.scalars(select(LegalHold).where(or_(
        LegalHold.candidate_id == candidate.id,
        LegalHold.requisition_id == candidate.requisition_id)).order_by(LegalHold.id))
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target == f"candidate:{candidate.id}").order_by(AuditEvent.id))
    return {
        "format": FORMAT,
        "candidate": {
            "id": candidate.id, "name": candidate.name, "email": candidate.email,
            "stage": candidate.stage, "notes": candidate.notes,
            "materials_url": candidate.materials_url,
            "created_at": _when(candidate.created_at), "erased_at": _when(candidate.erased_at),
            "opaque_id": candidate.opaque_id,
        },
        "requisition": {"id": requisition.id, "title": requisition.title,
                        "team": requisition.team, "status": requisition.status,
                        "closed_at": _when(requisition.closed_at)},
        "retention": {"kept_until": _when(state.ends_at), "why": state.why,
                      "legal_holds": [h.id for h in state.holds]},
        "interviews": [{
            "id": i.id, "kind": i.kind, "title": i.title, "location": i.location,
            "scheduled_at": _when(i.scheduled_at), "duration_minutes": i.duration_minutes,
            "interviewer": i.interviewer.name,
            "case_study": i.case_study.title if i.case_study else None,
            "scorecards": [_scorecard(s) for s in i.scorecards],
        } for i in candidate.interviews],
        "decisions": [{"decision": d.decision, "rationale": d.rationale,
                       "decided_by": d.decided_by.name, "decided_at": _when(d.decided_at)}
                      for d in candidate.decisions],
        "legal_holds": [{"id": h.id, "scope": "candidate" if h.candidate_id else "requisition",
                         "reason": h.reason, "placed_at": _when(h.placed_at),
                         "lifted_at": _when(h.lifted_at), "lift_reason": h.lift_reason}
                        for h in holds],
        "audit": [{"at": _when(e.at), "event": e.event, "details": e.details}
                  for e in events],
    }


def export(candidate_id: int, actor: User | None, via: str = "web",
           packet: bool = True) -> tuple[str, bytes]:
    """(file name, ZIP bytes). The export is audited (who took a copy of whose data)."""
    from ..packets.bounded import RenderTimeout
    from ..packets.build import packet_pdf
    from .debrief import build_debrief

    candidate = db.session.scalar(select(Candidate).where(Candidate.id == candidate_id).options(
        selectinload(Candidate.interviews).selectinload(Interview.scorecards))) \
        if known_id(candidate_id) else None
    if candidate is None:
        raise RetentionRefused(f"no candidate with id {candidate_id}")
    if actor is not None:
        from ..policy import blinded

        if blinded(actor, candidate):
            # independence: the export holds everyone's feedback
            raise RetentionRefused("you interview this candidate and have not submitted your "
                                   "scorecard; submit it first or ask another admin")
    record = candidate_record(candidate)
    try:
        # the packet as the exporting admin may read it: rater effects fitted only from
        # ratings they may see (the debrief page and the download do the same); the CLI
        # (no actor) is the operator's, fitted from everything
        viewer = actor.id if actor is not None else None
        pdf = packet_pdf(build_debrief(candidate, viewer_id=viewer))[0] if packet else None
    except RenderTimeout:
        raise RetentionRefused("the packet took too long to render; try again when the "
                               "server is less busy, or export without the packet "
                               "(flask candidates export ID --no-packet)") from None
    audit.record("candidate_exported", actor=actor, actor_email=via,
                 target=f"candidate:{candidate.id}",
                 details={"packet": pdf is not None})
    db.session.commit()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"candidate-{candidate_id}.json",
                         json.dumps(record, indent=2, ensure_ascii=False))
        if pdf is not None:
            archive.writestr(f"debrief-candidate-{candidate_id}.pdf", pdf)
    return f"candidate-{candidate_id}-export.zip", out.getvalue()
