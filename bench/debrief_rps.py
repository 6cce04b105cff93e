"""Benchmark: debrief requests per second under gunicorn, as a ratio of a trivial route
(/healthz) served by the same server. Loopback only, bounded in time and count.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import NamedTuple

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


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _workers(server_pid: int) -> list[int]:
    """The gunicorn master's children: its worker processes."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == server_pid:
                    pids.append(int(entry))
        except (OSError, ValueError):
            continue
    return pids


class Round(NamedTuple):
    per_second: float  # requests
    server_ms: float  # the gunicorn workers' CPU time per request
    client_ms: float  # this process's CPU time per request


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def hammer(path: str, cookie: str, workers: list[int]) -> Round:
    """Requests/s from THREADS connections for SECONDS, and the CPU each request cost the
    server's workers and this client. The CPU per request does not depend on how much of
    the shared machine the workers got meanwhile; requests/s does."""
    counts, stop = [0] * THREADS, time.perf_counter() + SECONDS

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        while time.perf_counter() < stop and sum(counts) < MAX_REQUESTS:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            counts[i] += 1

    start, server_cpu, client_cpu = time.perf_counter(), _cpu_seconds(workers), _client_cpu()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, n = time.perf_counter() - start, sum(counts)
    return Round(n / elapsed, (_cpu_seconds(workers) - server_cpu) * 1000 / n,
                 (_client_cpu() - client_cpu) * 1000 / n)


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
        workers = _workers(server.pid)
        hammer("/healthz", cookie, workers)  # warm both workers
        hammer("/candidates/1/debrief", cookie, workers)
        # alternate the two so that a change in the shared machine's load hits both alike
        trivials, debriefs = [], []
        for _ in range(ROUNDS):
            trivials.append(hammer("/healthz", cookie, workers))
            debriefs.append(hammer("/candidates/1/debrief", cookie, workers))
    finally:
        server.terminate()
        server.wait(timeout=10)

    def mean(rounds: list[Round], field: str) -> float:
        return sum(getattr(r, field) for r in rounds) / ROUNDS

    trivial, debrief = mean(trivials, "per_second"), mean(debriefs, "per_second")
    cpu_t, cpu_d = mean(trivials, "server_ms"), mean(debriefs, "server_ms")
    pairs = list(zip(debriefs, trivials, strict=True))
    by_rate = ", ".join(f"{d.per_second / t.per_second:.2f}" for d, t in pairs)
    by_cpu = ", ".join(f"{t.server_ms / d.server_ms:.2f}" for d, t in pairs)
    print("| Measure | Result |\n| --- | --- |")
    print("| Server | gunicorn, 2 sync workers, SQLite (WAL), 4 client threads on loopback |")
    print("| Debrief | 8 interviewers x 6 dimensions, evidence of ~80 words each |")
    print(f"| Trivial route (/healthz) | {trivial:.0f} requests/s |")
    print(f"| Debrief page | {debrief:.0f} requests/s |")
    print(f"| Debrief / trivial | {debrief / trivial:.2f} (target >= 0.20; per round: "
          f"{by_rate}) |")
    print(f"| Workers' CPU per request | /healthz {cpu_t:.2f} ms, debrief {cpu_d:.2f} ms |")
    print(f"| Trivial / debrief CPU per request | {cpu_t / cpu_d:.2f} (per round: {by_cpu}) |")
    print(f"| Client's CPU ({THREADS} threads, one process) | /healthz "
          f"{mean(trivials, 'client_ms') * trivial / 1000:.2f} of a core, debrief "
          f"{mean(debriefs, 'client_ms') * debrief / 1000:.2f} |")
    print(f"| Load average (1 min) at the end | {os.getloadavg()[0]:.1f} |")


if __name__ == "__main__":
    main()
