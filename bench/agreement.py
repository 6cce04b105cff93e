"""Benchmark: the requisition agreement figure (Krippendorff's alpha with its bootstrap
interval) where it is computed while someone waits.

1. The core alone, `requisition_alpha`, on (candidate, dimension) units like a loop's:
   6 dimensions, 2-5 people per unit, ratings 1-4 around a planted per-candidate level.
2. The comparison page of a hiring manager who still owes a scorecard on one candidate of
   the requisition: the stored figure pools everyone's ratings, so the page computes the
   figure itself over the candidates the manager may see (services/agreement_stats.py).
   Built with `build_demo` (bulk) at --small and --big candidates, requested alternately.

    cd bench && ../.venv/bin/python agreement.py [--small 10] [--big 5000]

To measure other code, copy this file into that checkout's bench/ and run it there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from common import make_app

PASSWORD = "bench password 123"
REPEAT_SECONDS = 3.0


def units_for(candidates: int, seed: int = 5) -> list[list[int]]:
    rng = random.Random(seed)
    units = []
    for _ in range(candidates):
        level = rng.uniform(1.5, 3.5)
        for _ in range(6):
            people = rng.randint(2, 5)
            units.append([min(4, max(1, round(level + rng.gauss(0, 0.7))))
                          for _ in range(people)])
    return units


def time_core(sizes: list[int]) -> dict[int, float]:
    from hiring.core.agreement import requisition_alpha

    requisition_alpha(units_for(10), 10)  # imports and first-call costs out of the timing
    results = {}
    for size in sizes:
        units = units_for(size)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            requisition_alpha(units, 30)
            runs.append(time.perf_counter() - start)
        results[size] = statistics.median(runs)
    return results


def blind_manager_world(candidates: int):
    """A demo requisition where hm@demo.example also interviews its first candidate and has
    not submitted: blind on that candidate, so compare computes the figure itself."""
    from datetime import timedelta

    from hiring.auth.passwords import hash_password
    from hiring.extensions import db
    from hiring.models import Interview, User
    from hiring.models.base import utcnow
    from hiring.services.calibration_job import fit
    from hiring.services.demo import build_demo

    app, _ = make_app()
    with app.app_context():
        requisition, _ = build_demo(app.config["SEED_DIR"], candidates=candidates,
                                    interviewers=5, note_words=20, bulk=True)
        fit()  # the stored figure, as a production install has it
        manager = db.session.query(User).filter_by(email="hm@demo.example").one()
        manager.password_hash = hash_password(PASSWORD)
        db.session.add(Interview(candidate=requisition.candidates[0], interviewer=manager,
                                 kind="hiring_manager",
                                 scheduled_at=utcnow() - timedelta(days=1)))
        db.session.commit()
        from hiring.policy import blind_candidate_ids

        assert db.session.scalars(blind_candidate_ids(manager)).all() == [
            requisition.candidates[0].id]
        return app, requisition.id


def login(client) -> None:
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": "hm@demo.example",
                                                "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def time_pages(worlds) -> list[tuple[float, float]]:
    """Median and first request of each world's compare page, requested alternately."""
    clients, firsts = [], []
    for app, requisition_id in worlds:
        client = app.test_client()
        login(client)
        url = f"/requisitions/{requisition_id}/compare"
        start = time.perf_counter()
        page = client.get(url)
        firsts.append(time.perf_counter() - start)
        assert page.status_code == 200
        clients.append((client, url))
    times: list[list[float]] = [[] for _ in worlds]
    stop = time.perf_counter() + REPEAT_SECONDS
    while time.perf_counter() < stop or len(times[-1]) < 5:
        for k, (client, url) in enumerate(clients):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            times[k].append(time.perf_counter() - start)
    return [(statistics.median(t), first) for t, first in zip(times, firsts, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--big", type=int, default=5000)
    args = parser.parse_args()
    sizes = [args.small, 100, 1000, args.big]
    core = time_core(sizes)
    print("| Candidates (x 6 dimensions) | requisition_alpha |")
    print("| --- | --- |")
    for size, seconds in core.items():
        print(f"| {size} | {seconds * 1000:.1f} ms |")
    worlds = [blind_manager_world(args.small), blind_manager_world(args.big)]
    (small, small_first), (big, big_first) = time_pages(worlds)
    print(f"\nCompare page of a manager blind on one candidate: {args.small} candidates "
          f"{small * 1000:.1f} ms, {args.big} candidates {big * 1000:.1f} ms "
          f"(ratio {big / small:.2f}; first request {small_first * 1000:.0f} / "
          f"{big_first * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
