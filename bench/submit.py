"""Benchmark: what a scorecard submission recomputes in its own transaction, per submission.

On the demo's candidates, times `snapshots.refresh([candidate])` (the stored score) and
`derived_work.scorecards_changed(candidate)` (the score plus the marks for the packet,
agreement and calibration reports), each rolled back. SQLite by default; BENCH_DATABASE_URL
names a PostgreSQL database instead (it is emptied and filled).

    .venv/bin/python bench/submit.py
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_submit \
        .venv/bin/python bench/submit.py
"""

from __future__ import annotations

import os
import statistics
import time

from common import make_app, seed_demo

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _per_call_ms(fn, ids: list[int]) -> tuple[float, float]:
    """Median wall and CPU (this process: not the PostgreSQL server's) ms per call."""
    from hiring.extensions import db

    wall, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.process_time()
        for candidate_id in ids:
            fn(candidate_id)
            db.session.rollback()
        wall.append((time.perf_counter() - start) / len(ids) * 1000)
        cpu.append((time.process_time() - start_cpu) / len(ids) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    from sqlalchemy import select

    from hiring.extensions import db
    from hiring.models import Candidate
    from hiring.services import snapshots
    from hiring.services.derived_work import scorecards_changed

    url = os.environ.get("BENCH_DATABASE_URL")
    app, _ = make_app(**({"SQLALCHEMY_DATABASE_URI": url} if url else {}))
    if url:
        with app.app_context():
            db.drop_all()
            db.create_all()
    seed_demo(app)
    with app.app_context():
        ids = db.session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
        refresh = _per_call_ms(lambda cid: snapshots.refresh([cid]), ids)
        changed = _per_call_ms(scorecards_changed, ids)
        backend = db.engine.dialect.name
        if url:
            db.drop_all()
    print(f"{backend}, {len(ids)} candidates, median of {ROUNDS} rounds, ms per submission "
          f"(wall / CPU): snapshot refresh {refresh[0]:.1f} / {refresh[1]:.1f}, "
          f"scorecards_changed {changed[0]:.1f} / {changed[1]:.1f}")


if __name__ == "__main__":
    main()
