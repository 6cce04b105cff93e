"""Quick builders for tests of scale: many candidates, each with a full loop of submitted
scorecards, made directly (not through the services) so that building 60 is fast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hiring.auth.passwords import hash_password
from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    Candidate,
    Interview,
    Requisition,
    Scorecard,
    ScorecardRating,
    User,
)
from hiring.models.base import utcnow
from hiring.services import snapshots
from hiring.services.blueprints import store_blueprint
from tests.conftest import PASSWORD, seed_blueprint

EVIDENCE = "Gave a specific, detailed example with the measured outcome and lessons."


def panel_of(size: int) -> list[User]:
    panel = [User(email=f"panel{i}@example.com", name=f"Panelist {i}", role="interviewer",
                  password_hash=hash_password(PASSWORD)) for i in range(size)]
    db.session.add_all(panel)
    return panel


def requisition_with(people, candidates: int, panel: list[User], title: str = "Scale",
                     rating=lambda c, i, d: 1 + (c + i + d) % 4) -> Requisition:
    """A requisition owned by hm@ with `candidates` candidates, each interviewed by every
    panelist and by iv@ (so iv@'s "My interviews" grows too), all submitted."""
    template = store_blueprint(seed_blueprint()).template  # parsed once per run
    dimensions = list(template.dimensions)  # read before the loop: no autoflush inside it
    req = Requisition(title=title, template=template, hiring_manager=people["hiring_manager"])
    db.session.add(req)
    when = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    for c in range(candidates):
        candidate = Candidate(requisition=req, name=f"Scale Candidate {c:03d}",
                              email=f"scale{c}@example.com", stage="debrief")
        db.session.add(candidate)
        for i, person in enumerate([*panel, people["interviewer"]]):
            interview = Interview(candidate=candidate, interviewer=person, kind="technical",
                                  scheduled_at=when + timedelta(hours=c * 8 + i))
            now = utcnow()
            card = Scorecard(interview=interview, author=person, status="submitted",
                             overall=1 + (c + i) % 4, created_at=now, updated_at=now,
                             submitted_at=now)
            card.ratings = [ScorecardRating(dimension_id=d.id, rating=rating(c, i, k),
                                            evidence=EVIDENCE)
                            for k, d in enumerate(dimensions)]
            db.session.add_all([interview, card])
    db.session.flush()
    snapshots.refresh_requisition(req.id)
    db.session.commit()
    return req


def audit_rows(count: int) -> None:
    db.session.add_all([AuditEvent(event="login_failure", actor_email=f"x{i}@example.com",
                                   details={}) for i in range(count)])
    db.session.commit()
