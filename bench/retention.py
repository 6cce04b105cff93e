"""Retention at scale: listing and purging 5,000 candidates (SQLite).

    cd bench && ../.venv/bin/python retention.py [--candidates 5000]

50 closed requisitions, each candidate with 3 submitted scorecards of 2 rated dimensions
with evidence; the retention period has ended for all of them (pinned clock)."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from common import make_app, peak_rss_mb


def build(candidates: int) -> None:
    from hiring.core.blueprint_parser import parse_file
    from hiring.extensions import db
    from hiring.models import (
        Candidate,
        Decision,
        Interview,
        Requisition,
        Scorecard,
        ScorecardRating,
        User,
    )
    from hiring.services.blueprints import store_blueprint
    from tests.conftest import SEED

    template = store_blueprint(parse_file(SEED / "engineering-manager.json")).template
    dims = template.dimensions[:2]
    people = [User(email=f"r{i}@example.com", name=f"Rater {i}", role="interviewer",
                   password_hash="not-a-login") for i in range(3)]
    db.session.add_all(people)
    closed = datetime(2023, 1, 1, tzinfo=UTC)
    when = datetime(2022, 12, 1, tzinfo=UTC)
    for r in range(50):
        req = Requisition(title=f"Req {r}", template=template, hiring_manager=people[0],
                          status="closed")
        db.session.add(req)
        db.session.flush()
        req.closed_at = closed
        for n in range(candidates // 50):
            candidate = Candidate(requisition=req, name=f"Person {r}-{n}",
                                  email=f"p{r}-{n}@example.org", notes="notes " * 20)
            db.session.add(candidate)
            for k, rater in enumerate(people):
                interview = Interview(candidate=candidate, interviewer=rater,
                                      kind="technical", scheduled_at=when)
                card = Scorecard(interview=interview, author=rater, status="submitted",
                                 overall=3, submitted_at=when, case_notes="case " * 40)
                card.ratings = [ScorecardRating(dimension_id=d.id, rating=1 + (n + k) % 4,
                                                evidence="evidence " * 80) for d in dims]
                db.session.add(card)
            candidate.decisions.append(Decision(decision="no_hire", rationale="why " * 30,
                                                decided_by=people[0], decided_at=closed))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=5000)
    args = parser.parse_args()
    app, path = make_app(FIXED_NOW=datetime(2025, 6, 1, tzinfo=UTC))
    from hiring.extensions import db
    from hiring.services import erasure

    with app.app_context():
        started = time.perf_counter()
        build(args.candidates)
        built = time.perf_counter() - started
        started = time.perf_counter()
        due = erasure.due()
        listing = time.perf_counter() - started
        db.session.rollback()
        started = time.perf_counter()
        first = erasure.purge(via="bench")
        purge = time.perf_counter() - started
        started = time.perf_counter()
        second = erasure.purge(via="bench")
        again = time.perf_counter() - started
    print(f"| Candidates (3 scorecards x 2 ratings each) | {args.candidates} "
          f"(built in {built:.0f} s) |")
    print(f"| List what is due (`purge --dry-run`) | {listing * 1000:.0f} ms for {len(due)} |")
    print(f"| Purge all | {purge:.1f} s, {purge / max(len(first.erased), 1) * 1000:.1f} ms "
          "per candidate (one transaction each) |")
    print(f"| Purge again (nothing due) | {again * 1000:.0f} ms, "
          f"{len(second.erased)} erased |")
    print(f"| Peak memory | {peak_rss_mb():.0f} MiB |")


if __name__ == "__main__":
    main()
