"""A small hiring history for the retention tests, with planted personal data, and scanners
that look for it everywhere it could survive: every database table, the packet folder."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from hiring.auth.passwords import hash_password
from hiring.extensions import db
from hiring.models import (
    Candidate,
    Decision,
    Interview,
    Requisition,
    Scorecard,
    ScorecardAmendment,
    ScorecardRating,
    ScorecardRedFlag,
    User,
)
from hiring.services.blueprints import store_blueprint
from tests.conftest import PASSWORD, seed_blueprint

NAME = "Zebulon Quixworth"
EMAIL = "zebulon.quixworth@example.org"
EVIDENCE = "PLANTED-EVIDENCE-7f3a: described the Quixworth migration in detail"
NOTE = "PLANTED-NOTE-91c2 about the candidate's family"
CLOSED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DECIDED = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)
WHEN = datetime(2024, 2, 1, 15, 0, tzinfo=UTC)
# Ratings (interviewer 0, 1, 2) per candidate and dimension: varied, so calibration has
# deviations to measure.
RATINGS = [(4, 3, 2), (3, 3, 1), (4, 2, 2), (2, 3, 1), (4, 4, 2), (3, 2, 2)]


def build(admin: User) -> dict:
    """Three interviewers rated six candidates on a closed requisition; candidate 0 carries
    the planted name, email, evidence and notes."""
    template = store_blueprint(seed_blueprint()).template
    dims = template.dimensions[:2]
    flag = next(s for s in template.signals if s.kind == "red_flag")
    raters = [User(email=f"rater{i}@example.com", name=f"Rater {i}", role="interviewer",
                   password_hash=hash_password(PASSWORD)) for i in range(3)]
    req = Requisition(title="Platform EM", template=template, hiring_manager=admin,
                      status="closed")
    db.session.add_all([*raters, req])
    db.session.flush()
    req.closed_at = CLOSED
    candidates = []
    for n, ratings in enumerate(RATINGS):
        planted = n == 0
        candidate = Candidate(requisition=req, name=NAME if planted else f"Other {n}",
                              email=EMAIL if planted else "", stage="rejected",
                              notes=NOTE if planted else "")
        candidates.append(candidate)
        for rater, rating in zip(raters, ratings, strict=True):
            interview = Interview(candidate=candidate, interviewer=rater, kind="technical",
                                  scheduled_at=WHEN, focus=dims)
            card = Scorecard(interview=interview, author=rater, status="submitted",
                             overall=3, submitted_at=WHEN,
                             case_notes=NOTE if planted else "",
                             other_concern=f"{NAME} {NOTE}" if planted else "")
            card.ratings = [ScorecardRating(dimension_id=d.id, rating=rating,
                                            evidence=EVIDENCE if planted else "fine")
                            for d in dims]
            if planted:
                card.red_flags = [ScorecardRedFlag(signal_id=flag.id, note=NOTE)]
                snapshot = {"ratings": {str(d.id): {"rating": rating, "evidence": EVIDENCE}
                                        for d in dims},
                            "signals": [], "red_flags": {str(flag.id): NOTE}, "overall": 3,
                            "case_notes": NOTE, "other_concern": ""}
                card.amendments = [ScorecardAmendment(
                    author=rater, reason=f"typo in {NAME}'s evidence",
                    before=snapshot, after=snapshot)]
            db.session.add(card)
        candidate.decisions.append(Decision(decision="no_hire",
                                rationale=f"{NAME}: {NOTE}" if planted else "no",
                                decided_by=admin, decided_at=DECIDED))
    # a draft by a fourth interviewer, never submitted
    late = User(email="late@example.com", name="Late Rater", role="interviewer",
                password_hash=hash_password(PASSWORD))
    interview = Interview(candidate=candidates[0], interviewer=late, kind="other",
                          scheduled_at=WHEN)
    draft = Scorecard(interview=interview, author=late, status="draft", case_notes=EVIDENCE)
    draft.ratings = [ScorecardRating(dimension_id=dims[0].id, rating=1, evidence=EVIDENCE)]
    db.session.add_all([late, interview, draft])
    db.session.commit()
    return {"requisition": req, "candidates": candidates, "raters": raters,
            "target": candidates[0]}


def database_text() -> str:
    """Every row of every table as text: SQLite's dump, or each PostgreSQL row cast to
    text."""
    if db.engine.dialect.name == "sqlite":
        raw = db.engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
    with db.engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).scalars()
        parts = []
        for table in tables.all():
            # the names come from the catalog, not from input
            query = f'SELECT t::text FROM "{table}" t'  # noqa: S608
            rows = conn.execute(sa.text(query)).scalars()
            parts.extend(rows)
        return "\n".join(parts)


def folder_text(folder: Path) -> str:
    """Every file's bytes (as text) plus the text PDF readers extract (PDF streams are
    compressed, so the raw bytes alone would hide a name)."""
    from pypdf import PdfReader

    parts = []
    for path in sorted(folder.rglob("*")) if folder.exists() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        parts.append(data.decode("utf-8", "replace"))
        if path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            parts.extend(page.extract_text() for page in reader.pages)
            parts.append(str(reader.metadata))
    return "\n".join(parts)


def planted_in(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in (NAME, EMAIL, "PLANTED-EVIDENCE-7f3a", "PLANTED-NOTE-91c2",
                        "Quixworth") if s.lower() in lowered]
