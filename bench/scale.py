"""Benchmark: does each page cost the same at 5,000 candidates as at 10?

Builds two SQLite databases with `build_demo` (what `flask demo --candidates N` runs): one
requisition of 10 candidates and one of 5,000, each candidate with a full loop of 5
submitted scorecards; the bigger one also gets 100,000 audit events and 500 more users. Then
times each page through the app (in-process test client, warm, median of repeated
requests) and counts its SQL queries. Prints a Markdown table; see docs/benchmarks.md.

    cd bench && ../.venv/bin/python scale.py [--big 5000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

from common import make_app
from sqlalchemy import event, insert, select

PASSWORD = "bench password 123"
REPEAT_SECONDS = 3.0


def build(candidates: int, extra_users: int, audit_events: int):
    app, db_path = make_app()
    with app.app_context():
        from hiring.auth.passwords import hash_password
        from hiring.extensions import db
        from hiring.models import AuditEvent, User
        from hiring.services.calibration_job import fit
        from hiring.services.demo import build_demo

        requisition, _ = build_demo(app.config["SEED_DIR"], candidates=candidates,
                                    interviewers=5, note_words=20, bulk=True)
        # the derived data a production install has: `flask demo` and the background job
        # after submissions run the same fit (rater effects, then the agreement figures
        # that submissions marked stale)
        fit()
        admin = User(email="admin@bench.example", name="Bench Admin", role="admin",
                     password_hash="")
        db.session.add(admin)
        db.session.add_all([User(email=f"user{i}@bench.example", name=f"User {i:04d}",
                                 role="interviewer", password_hash="x")
                            for i in range(extra_users)])
        db.session.flush()
        password = hash_password(PASSWORD)
        for user in db.session.query(User).filter(User.email.in_(
                ["hm@demo.example", "interviewer1@demo.example", "admin@bench.example"])):
            user.password_hash = password
        if audit_events:
            db.session.execute(insert(AuditEvent), [
                {"event": "login_failure", "actor_email": f"user{i % 997}@bench.example",
                 "target": "", "client_address": "127.0.0.1", "details": {}, "summary": ""}
                for i in range(audit_events)])
        db.session.commit()
        check_derived(requisition.id, candidates)
        candidate_id = requisition.candidates[0].id
        dimension_id = requisition.template.dimensions[0].id
        from hiring.models import Interview, Scorecard

        interviewer = db.session.query(User).filter_by(email="interviewer1@demo.example").one()
        interview = db.session.scalars(select(Interview).where(
            Interview.candidate_id == candidate_id,
            Interview.interviewer_id == interviewer.id)).first()
        scorecard_id = db.session.scalar(select(Scorecard.id).where(
            Scorecard.interview_id == interview.id))
        return app, requisition.id, candidate_id, dimension_id, interview.id, scorecard_id


def check_derived(requisition_id: int, candidates: int) -> None:
    """What the debrief and compare read must be there, or the benchmark measures the
    fallbacks (the debrief fitting rater effects itself, compare bootstrapping agreement)."""
    from sqlalchemy import func, select

    from hiring.extensions import db
    from hiring.models import AgreementSnapshot, RaterEstimate, ScoreSnapshot

    snapshots = db.session.scalar(select(func.count()).select_from(ScoreSnapshot).where(
        ScoreSnapshot.requisition_id == requisition_id))
    assert snapshots == candidates, (snapshots, candidates)
    assert db.session.scalar(select(func.count()).select_from(RaterEstimate)) > 0
    agreement = db.session.get(AgreementSnapshot, requisition_id)
    assert agreement is not None and not agreement.stale and agreement.computed_at


def login(client, email: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302, response.status_code


def pages(requisition_id: int, candidate_id: int, dimension_id: int, interview_id: int,
          scorecard_id: int) -> dict:
    return {
        "Requisitions index": ("hm@demo.example", "/requisitions/"),
        "Requisition detail": ("hm@demo.example", f"/requisitions/{requisition_id}"),
        "Compare (by composite)": ("hm@demo.example", f"/requisitions/{requisition_id}/compare"),
        "Compare (by a dimension)": (
            "hm@demo.example",
            f"/requisitions/{requisition_id}/compare?sort=dim-{dimension_id}&dir=desc"),
        "Debrief": ("hm@demo.example", f"/candidates/{candidate_id}/debrief"),
        "My interviews": ("interviewer1@demo.example", "/interviews/mine"),
        "Users": ("admin@bench.example", "/admin/users"),
        "Audit log": ("admin@bench.example", "/admin/audit"),
        "Candidate page": ("hm@demo.example", f"/candidates/{candidate_id}"),
        "Candidate search": ("hm@demo.example", f"/requisitions/{requisition_id}?q=cand"),
        "Calibration (hiring manager)": ("hm@demo.example", "/calibration"),
        "Calibration (interviewer)": ("interviewer1@demo.example", "/calibration"),
        "Calibration (admin)": ("admin@bench.example", "/calibration"),
        "Manager dashboard": ("hm@demo.example", "/dashboard"),
        "Admin dashboard": ("admin@bench.example", "/admin/dashboard"),
        "Interview kit": ("interviewer1@demo.example", f"/interviews/{interview_id}/kit"),
        "Submitted scorecard": ("interviewer1@demo.example", f"/scorecards/{scorecard_id}"),
        "Requisition settings": ("hm@demo.example", f"/requisitions/{requisition_id}/settings"),
        "Requisition retention": ("admin@bench.example",
                                  f"/admin/requisitions/{requisition_id}/retention"),
        "Retention": ("admin@bench.example", "/admin/retention"),
    }


def query_count(app, client, url: str) -> int:
    from hiring.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    assert client.get(url).status_code == 200
    event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def measure(small, big) -> dict[str, tuple[float, int, float, int, float]]:
    """Each page on both databases, alternating small and big request by request (so that
    the shared machine's changing load falls on both alike): median times and queries, and
    the time of the first request on the big one (a page that stores what it computed, as
    the calibration report does, pays then)."""
    results = {}
    clients: list[dict] = [{}, {}]
    for name in pages(*small[1:]):
        urls, times, counts, firsts = [], [[], []], [], []
        for k, (app, *ids) in enumerate((small, big)):
            email, url = pages(*ids)[name]
            if email not in clients[k]:
                clients[k][email] = app.test_client()
                login(clients[k][email], email)
            client = clients[k][email]
            start = time.perf_counter()
            assert client.get(url).status_code == 200, (name, url)  # warm
            firsts.append(time.perf_counter() - start)
            counts.append(query_count(app, client, url))
            urls.append((client, url))
        stop = time.perf_counter() + REPEAT_SECONDS
        while time.perf_counter() < stop or len(times[1]) < 7:
            for k, (client, url) in enumerate(urls):
                start = time.perf_counter()
                response = client.get(url)
                times[k].append(time.perf_counter() - start)
                assert response.status_code == 200
        results[name] = (statistics.median(times[0]), counts[0], statistics.median(times[1]),
                         counts[1], firsts[1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--big", type=int, default=5000)
    args = parser.parse_args()
    start = time.perf_counter()
    small = build(args.small, 0, 0)
    built_small = time.perf_counter() - start
    big = build(args.big, 500, 100_000)
    built = time.perf_counter() - start
    load_before = os.getloadavg()[0]
    results = measure(small, big)
    print(f"| Page | {args.small} candidates | {args.big} candidates | Ratio | "
          f"Queries (small / big) | First request at {args.big} |")
    print("| --- | --- | --- | --- | --- | --- |")
    worst = 0.0
    for name, (t_small, q_small, t_big, q_big, first) in results.items():
        ratio = t_big / t_small
        worst = max(worst, ratio)
        print(f"| {name} | {t_small * 1000:.1f} ms | {t_big * 1000:.1f} ms | {ratio:.2f} | "
              f"{q_small} / {q_big} | {first * 1000:.0f} ms |")
    print(f"\nWorst ratio: {worst:.2f} (target <= 2). Databases built in {built:.0f} s "
          f"({built_small:.0f} s for the small one). Load average (1 min) "
          f"{load_before:.1f} before the measurements, {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
