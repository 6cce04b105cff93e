"""Benchmark: the worst packet we can construct, under gunicorn (2 workers), and /healthz
latency while it renders. Loopback only; bounded in time.

Worst input: 8 interviewers, every dimension rated, and every text field of every scorecard
(evidence per dimension, case notes, other concern, red-flag notes) filled to the input cap
(NOTE_MAX_LENGTH) with words of that length, no white space: the input that took 108 s
before the fix (WeasyPrint's line breaker found no break opportunity).
Run: .venv/bin/python bench/packet_worst.py   (BENCH_PORT, BENCH_WORKER_CLASS=sync|gthread)
"""

from __future__ import annotations

import http.client
import os
import random
import string
import subprocess
import sys
import threading
import time

import debrief_rps
from common import ROOT, make_app, seed_demo
from debrief_rps import login

PORT = int(os.environ.get("BENCH_PORT", "5098"))
debrief_rps.PORT = PORT  # its login() talks to this server
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
# how many scorecards have every field at the cap (the rest keep the demo's ordinary text)
CARDS_AT_CAP = int(os.environ.get("BENCH_CARDS_AT_CAP", "8"))


def worst_case(app) -> int:
    from sqlalchemy import select

    from hiring.auth.passwords import hash_password
    from hiring.extensions import db
    from hiring.models import Candidate, Scorecard, ScorecardRedFlag, User

    cap = app.config["NOTE_MAX_LENGTH"]
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choices(string.ascii_letters, k=cap))

    with app.app_context():
        db.session.scalars(select(User).where(User.email == "hm@demo.example")).one(
        ).password_hash = hash_password("bench password 123")
        candidate = db.session.scalars(select(Candidate).order_by(Candidate.id)).first()
        cards = [c for i in candidate.interviews for c in i.scorecards]
        template = candidate.requisition.template
        flags = template.signals_of("red_flag")
        for card in cards[:CARDS_AT_CAP]:
            for rating in card.ratings:
                rating.evidence = word()
            card.case_notes, card.other_concern = word(), word()
            existing = {f.signal_id: f for f in card.red_flags}
            for flag in flags:
                if flag.id in existing:
                    existing[flag.id].note = word()
                else:
                    card.red_flags.append(ScorecardRedFlag(signal_id=flag.id, note=word()))
        db.session.commit()
        chars = sum(len(r.evidence) for c in cards for r in c.ratings) + sum(  # every field
            len(c.case_notes) + len(c.other_concern) + sum(len(f.note) for f in c.red_flags)
            for c in db.session.scalars(select(Scorecard)))
        return candidate.id, len(cards), chars


def main() -> None:
    app, db_path = make_app()
    seed_demo(app, candidates=1, interviewers=8)
    candidate_id, cards, chars = worst_case(app)
    env = dict(os.environ, HIRING_ENV="production", SECRET_KEY="bench-only-secret",
               DATABASE_URL=f"sqlite:///{db_path}", LOGIN_FAILURES_PER_ADDRESS="1000 per hour",
               PACKET_CACHE_DIR=str(db_path.parent / "packets"))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", WORKER_CLASS, "--threads", "4",
         "-b", f"127.0.0.1:{PORT}", "wsgi:app", "--log-level", "warning"], cwd=ROOT, env=env)
    latencies: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                latencies.append(time.perf_counter() - start)
            except OSError:
                latencies.append(float("inf"))
            time.sleep(0.2)

    try:
        for _ in range(600):  # a loaded machine takes a while to start gunicorn
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        cookie = login("bench password 123")
        prober = threading.Thread(target=probe)
        prober.start()
        results = []
        for attempt in ("cold", "warm"):  # cold: the render child starts; warm: it is up
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
            start = time.perf_counter()
            conn.request("GET", f"/candidates/{candidate_id}/packet.pdf",
                         headers={"Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            results.append((attempt, response.status, time.perf_counter() - start, len(body)))
            import shutil
            shutil.rmtree(db_path.parent / "packets", ignore_errors=True)  # no cache hit
        stop.set()
        prober.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print("| Measure | Result |\n| --- | --- |")
    print(f"| Server | gunicorn, 2 {WORKER_CLASS} workers (4 threads), SQLite |")
    print(f"| Input | {cards} scorecards, {min(cards, CARDS_AT_CAP)} with every field at the "
          f"cap ({app.config['NOTE_MAX_LENGTH']:,}-character words); {chars:,} characters |")
    for attempt, status, seconds, size in results:
        print(f"| Packet download, {attempt} | HTTP {status}, {seconds:.1f} s, {size:,} bytes |")
    finite = [x for x in latencies if x != float("inf")]
    print(f"| /healthz during the renders | {len(latencies)} probes, max "
          f"{max(latencies):.2f} s, median {sorted(finite)[len(finite) // 2]:.3f} s |")


if __name__ == "__main__":
    main()
