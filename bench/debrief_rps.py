"""Benchmark: debrief requests per second under gunicorn, as a ratio of a trivial route
(/healthz) served by the same server. Loopback only, bounded in time and count.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse

from common import ROOT, make_app, seed_demo

PORT = int(os.environ.get("BENCH_PORT", "5099"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THREADS = 4
MAX_REQUESTS = 20000


def _cookies(response) -> dict[str, str]:
    """name -> value of every Set-Cookie (the login sets the session and a device cookie)."""
    pairs = (h.split(";")[0].split("=", 1) for h in response.headers.get_all("Set-Cookie") or [])
    return {name.strip(): value for name, value in pairs}


def login(password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    jar = _cookies(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      response.read().decode()).group(1)
    body = urllib.parse.urlencode({"email": "hm@demo.example", "password": password,
                                   "csrf_token": token})
    conn.request("POST", "/auth/login", body, {
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    jar.update(_cookies(response))
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def hammer(path: str, cookie: str) -> float:
    counts, stop = [0] * THREADS, time.perf_counter() + SECONDS

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        while time.perf_counter() < stop and sum(counts) < MAX_REQUESTS:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            counts[i] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def main() -> None:
    app, db_path = make_app()
    seed_demo(app, candidates=4, interviewers=8)
    with app.app_context():
        from hiring.auth.passwords import hash_password
        from hiring.extensions import db
        from hiring.models import User
        from hiring.packets.queue import wait_for_background
        from hiring.services.calibration_job import fit

        wait_for_background()  # the packet renders and fit the seeding queued
        db.session.query(User).filter_by(email="hm@demo.example").one().password_hash = (
            hash_password("bench password 123"))
        db.session.commit()
        fit()  # the stored rater effects a production install has (`flask calibration fit`)
    env = dict(os.environ, HIRING_ENV="production", SECRET_KEY="bench-only-secret",
               DATABASE_URL=f"sqlite:///{db_path}", LOGIN_FAILURES_PER_ADDRESS="1000 per hour")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{PORT}", "wsgi:app",
         "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        cookie = login("bench password 123")
        hammer("/healthz", cookie)  # warm both workers
        hammer("/candidates/1/debrief", cookie)
        # alternate the two so that a change in the shared machine's load hits both alike
        trivials, debriefs = [], []
        for _ in range(ROUNDS):
            trivials.append(hammer("/healthz", cookie))
            debriefs.append(hammer("/candidates/1/debrief", cookie))
        trivial, debrief = sum(trivials) / ROUNDS, sum(debriefs) / ROUNDS
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("| Measure | Result |\n| --- | --- |")
    print("| Server | gunicorn, 2 sync workers, SQLite (WAL), 4 client threads on loopback |")
    print("| Debrief | 8 interviewers x 6 dimensions, evidence of ~80 words each |")
    print(f"| Trivial route (/healthz) | {trivial:.0f} requests/s |")
    print(f"| Debrief page | {debrief:.0f} requests/s |")
    print(f"| Debrief / trivial | {debrief / trivial:.2f} (target >= 0.20; per round: "
          f"{', '.join(f'{d / t:.2f}' for d, t in zip(debriefs, trivials, strict=True))}) |")
    print(f"| Load average (1 min) at the end | {os.getloadavg()[0]:.1f} |")


if __name__ == "__main__":
    main()
