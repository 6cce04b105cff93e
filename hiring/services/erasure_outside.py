"""What an erasure cleans outside the database: cached and pre-rendered packet files, and
packet jobs waiting in the RQ queue. Counted before the commit (for the audit entry),
removed after it (so a rolled-back erasure removes nothing).

Why the queue is emptied too: a queued job only carries ids, but when it runs it would
render the candidate again; and a job already rendering finds its render state gone (the
erasure deletes the row in its transaction) and discards its file
(hiring/services/packet_render.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from ..extensions import db

log = logging.getLogger(__name__)
DEFAULT_QUEUE = "hiring-packets"


def _rendered_files(candidate_id: int) -> list[Path]:
    """Pre-rendered packets (`candidate-<id>-g<generation>.pdf`) and their temp files."""
    from ..packets.build import cache_dir

    folder = cache_dir()
    return [p for p in folder.glob(f"candidate-{int(candidate_id)}-g*")
            if p.name.split("-g")[0] == f"candidate-{int(candidate_id)}"]


def _queue():
    """The packet queue when jobs go to Redis, else None."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    try:
        from redis import Redis
        from rq import Queue
    except ImportError:  # RQ not installed: jobs run in-process, nothing is queued
        return None
    name = current_app.config.get("PACKET_QUEUE_NAME") or DEFAULT_QUEUE
    return Queue(name, connection=Redis.from_url(url))


def _queued_jobs(candidate_id: int) -> list:
    queue = _queue()
    if queue is None:
        return []
    return [job for job in queue.get_jobs()
            if job is not None and job.args and job.args[0] == candidate_id]


def in_transaction(candidate_id: int) -> None:
    """Forget the candidate's packet render state, if the installation keeps one."""
    table = db.metadata.tables.get("packet_render")
    if table is not None:
        db.session.execute(table.delete().where(table.c.candidate_id == candidate_id))


def count(candidate_id: int) -> dict[str, int]:
    from ..packets.build import cached_count

    counts = {"packet_files": cached_count(candidate_id) + len(_rendered_files(candidate_id))}
    try:
        counts["queued_jobs"] = len(_queued_jobs(candidate_id))
    except Exception:  # noqa: BLE001 - Redis down: the erasure still goes ahead
        log.exception("could not count queued jobs of candidate %s", candidate_id)
    return counts


def clean(candidate_id: int) -> None:
    """After the commit. Errors are logged; the next purge sweeps what is left."""
    from ..packets.build import forget_candidate

    for step in (forget_candidate, _remove_rendered, _remove_jobs):
        try:
            step(candidate_id)
        except Exception:  # noqa: BLE001 - the erasure stands; the purge sweep retries
            log.exception("%s after erasing candidate %s failed", step.__name__,
                          candidate_id)


def _remove_rendered(candidate_id: int) -> None:
    for path in _rendered_files(candidate_id):
        path.unlink(missing_ok=True)


def _remove_jobs(candidate_id: int) -> None:
    for job in _queued_jobs(candidate_id):
        job.delete()


def leftovers() -> set[int]:
    """Candidate ids that still have packet files (for the purge's sweep)."""
    from ..packets.build import cache_dir

    folder = cache_dir()
    # ASCII digits only: a stray "candidate-²-g1" would pass isdigit() and crash int()
    ids = {int(p.stem) for p in (folder / "by-candidate").glob("*.keys")
           if p.stem.isascii() and p.stem.isdigit()}
    for path in folder.glob("candidate-*-g*"):
        head = path.name.split("-g")[0].removeprefix("candidate-")
        if head.isascii() and head.isdigit():
            ids.add(int(head))
    return ids
