"""Erasure outside the database: pre-rendered packet files and packet jobs queued in Redis
(real Redis, a queue name of this test's own; a missing Redis skips, or fails under CI)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hiring.services import erasure
from tests import retention_world as world
from tests.conftest import require_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_queue(name: str):
    import redis
    import rq

    connection = redis.Redis.from_url(require_redis(REDIS_URL))
    return rq.Queue(name, connection=connection), connection


@pytest.fixture
def history(app, people, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    app.config["FIXED_NOW"] = datetime(2025, 6, 1, tzinfo=UTC)
    return world.build(people["admin"])


@pytest.fixture
def queue(app):
    name = f"i16-test-{uuid.uuid4().hex}"
    app.config.update(REDIS_URL=REDIS_URL, PACKET_QUEUE_NAME=name)
    q, connection = redis_queue(name)
    yield q, connection
    for job in q.get_jobs():
        job.delete()
    q.delete(delete_jobs=True)


def test_erasure_removes_queued_jobs_and_rendered_files_only_of_that_candidate(
        app, history, people, queue):
    q, connection = queue
    target, other = history["target"], history["candidates"][1]
    mine = q.enqueue("hiring.services.packet_render.render_packet", target.id, 3)
    theirs = q.enqueue("hiring.services.packet_render.render_packet", other.id, 1)
    cache = Path(app.config["PACKET_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    files = {name: cache / name for name in (
        f"candidate-{target.id}-g3.pdf", f"candidate-{target.id}-g4.123.tmp",
        f"candidate-{target.id}1-g1.pdf",  # candidate 11 (or 21...), not ours
        f"candidate-{other.id}-g1.pdf")}
    for path in files.values():
        path.write_text(f"packet of {world.NAME}")

    done = erasure.erase(target.id, reason="asked", confirm=str(target.id),
                         actor=people["admin"])

    assert done.counts["queued_jobs"] == 1 and done.counts["packet_files"] == 2
    assert [j.id for j in q.get_jobs()] == [theirs.id]
    assert not connection.exists(f"rq:job:{mine.id}")
    assert sorted(p.name for p in cache.glob("candidate-*")) == sorted(
        [f"candidate-{target.id}1-g1.pdf", f"candidate-{other.id}-g1.pdf"])
    # nothing left in Redis under this queue's keys names the candidate
    for key in connection.scan_iter(f"*{q.name}*"):
        value = connection.dump(key) or b""
        assert world.NAME.encode() not in value


def test_purge_sweeps_files_left_by_a_failed_cleanup(app, history, people):
    target = history["target"]
    erasure.erase(target.id, reason="asked", confirm=str(target.id), actor=people["admin"])
    cache = Path(app.config["PACKET_CACHE_DIR"])
    leftover = cache / f"candidate-{target.id}-g9.pdf"  # written by a job after the erasure
    leftover.write_bytes(b"%PDF-1.7 stale")
    erasure.purge(via="cli")
    assert not leftover.exists()
