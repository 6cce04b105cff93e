"""Benchmark: SQLite read throughput while another process writes, with read transactions
begun DEFERRED (what read-only requests now use) vs IMMEDIATE (what every transaction used
before). Same pragmas as the app (WAL, synchronous=NORMAL, busy timeout); one writer
process committing small transactions that hold the write lock a few milliseconds (and
spending as long again outside them, like a request), two reader processes running a
page-sized read transaction in a loop.

    cd bench && ../.venv/bin/python sqlite_reads.py
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import tempfile
import time
from pathlib import Path

SECONDS = 6.0
ROUNDS = 2
READERS = 2


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=15)
    conn.execute("PRAGMA busy_timeout = 15000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def setup(path: str) -> None:
    conn = connect(path)
    conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, owner INTEGER, body TEXT)")
    conn.execute("CREATE INDEX ix_item_owner ON item (owner)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO item (owner, body) VALUES (?, ?)",
                     [(i % 100, "x" * 200) for i in range(20000)])
    conn.execute("COMMIT")
    conn.close()


def writer(path: str, stop_at: float) -> int:
    conn, done = connect(path), 0
    while time.time() < stop_at:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO item (owner, body) VALUES (?, ?)", (done % 100, "y" * 200))
        conn.execute("SELECT count(*) FROM item WHERE owner = ?", (done % 100,)).fetchone()
        time.sleep(0.004)  # the rest of a write request's work, holding the lock
        conn.execute("COMMIT")
        done += 1
        # the part of a request outside its transaction (parsing, rendering, the network):
        # without it the writer takes the lock back at once and IMMEDIATE readers starve,
        # which measures the busy handler's luck rather than the two ways of beginning
        time.sleep(0.004)
    return done


def reader(args: tuple[str, float, str]) -> int:
    path, stop_at, begin = args
    conn, done = connect(path), 0
    while time.time() < stop_at:
        conn.execute(begin)
        conn.execute("SELECT id, body FROM item WHERE owner = ? ORDER BY id DESC LIMIT 25",
                     (done % 100,)).fetchall()
        conn.execute("SELECT count(*) FROM item WHERE owner = ?", (done % 100,)).fetchone()
        conn.execute("COMMIT")
        done += 1
    return done


def run(begin: str) -> tuple[float, float]:
    path = str(Path(tempfile.mkdtemp()) / "reads.db")
    setup(path)
    context = multiprocessing.get_context("spawn")
    with context.Pool(READERS + 1) as pool:
        stop_at = time.time() + 1.0 + SECONDS
        writes = pool.apply_async(writer, (path, stop_at))
        reads = pool.map_async(reader, [(path, stop_at, begin)] * READERS)
        total_reads, total_writes = sum(reads.get()), writes.get()
    return total_reads / SECONDS, total_writes / SECONDS


def main() -> None:
    # alternated rounds, so that a change in the shared machine's load hits both alike
    rounds = {"BEGIN IMMEDIATE": [], "BEGIN": []}
    for _ in range(ROUNDS):
        for begin, results in rounds.items():
            results.append(run(begin))
    immediate, deferred = ([sum(r[k] for r in rounds[b]) / ROUNDS for k in (0, 1)]
                           for b in ("BEGIN IMMEDIATE", "BEGIN"))
    print("| Read transactions begin with | Reads/s (2 readers) | Writes/s (1 writer) |")
    print("| --- | --- | --- |")
    print(f"| BEGIN IMMEDIATE (before) | {immediate[0]:.0f} | {immediate[1]:.0f} |")
    print(f"| BEGIN (deferred, now) | {deferred[0]:.0f} | {deferred[1]:.0f} |")
    per_round = ", ".join(f"{d[0] / i[0]:.2f}" for i, d in
                          zip(rounds["BEGIN IMMEDIATE"], rounds["BEGIN"], strict=True))
    print(f"\nRead throughput, deferred / immediate: {deferred[0] / immediate[0]:.2f}x "
          f"(per round: {per_round}); load average (1 min) at the end "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
