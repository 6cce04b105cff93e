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
import re
import statistics
import time

from common import make_app
from sqlalchemy import event, insert

PASSWORD = "bench password 123"
REPEAT_SECONDS = 1.5


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
        candidate_id = requisition.candidates[0].id
        return app, requisition.id, candidate_id


def login(client, email: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302, response.status_code


def measure(app, requisition_id: int, candidate_id: int) -> dict[str, tuple[float, int]]:
    from hiring.extensions import db

    pages = {
        "Requisitions index": ("hm@demo.example", "/requisitions/"),
        "Requisition detail": ("hm@demo.example", f"/requisitions/{requisition_id}"),
        "Compare": ("hm@demo.example", f"/requisitions/{requisition_id}/compare"),
        "Debrief": ("hm@demo.example", f"/candidates/{candidate_id}/debrief"),
        "My interviews": ("interviewer1@demo.example", "/interviews/mine"),
        "Users": ("admin@bench.example", "/admin/users"),
        "Audit log": ("admin@bench.example", "/admin/audit"),
    }
    results = {}
    clients = {}
    for name, (email, url) in pages.items():
        if email not in clients:
            clients[email] = app.test_client()
            login(clients[email], email)
        client = clients[email]
        assert client.get(url).status_code == 200, (name, url)  # warm
        statements: list[str] = []

        def count(conn, cursor, statement, *args, statements=statements):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        client.get(url)
        event.remove(engine, "before_cursor_execute", count)
        times = []
        stop = time.perf_counter() + REPEAT_SECONDS
        while time.perf_counter() < stop or len(times) < 5:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        results[name] = (statistics.median(times), len(statements))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--big", type=int, default=5000)
    args = parser.parse_args()
    start = time.perf_counter()
    small = measure(*build(args.small, 0, 0))
    big_app = build(args.big, 500, 100_000)
    built = time.perf_counter() - start
    big = measure(*big_app)
    print(f"| Page | {args.small} candidates | {args.big} candidates | Ratio | "
          "Queries (small / big) |")
    print("| --- | --- | --- | --- | --- |")
    worst = 0.0
    for name in small:
        (t_small, q_small), (t_big, q_big) = small[name], big[name]
        ratio = t_big / t_small
        worst = max(worst, ratio)
        print(f"| {name} | {t_small * 1000:.1f} ms | {t_big * 1000:.1f} ms | {ratio:.2f} | "
              f"{q_small} / {q_big} |")
    print(f"\nWorst ratio: {worst:.2f} (target <= 2). Databases built in {built:.0f} s.")


if __name__ == "__main__":
    main()
