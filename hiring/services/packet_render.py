"""The packet render job, as run by an RQ worker or the in-process thread (queued by
hiring/packets/queue.py). Several short transactions: none is held while rendering.

WeasyPrint is imported inside the job (hiring.packets.pdf imports it lazily), and the
worker started by `flask packets worker` is RQ's SimpleWorker, which runs jobs in its own
process without forking: forking after WeasyPrint is loaded has crashed it.
"""

from __future__ import annotations

from flask import has_app_context

from ..extensions import db
from ..models import PacketRender
from ..models.base import utcnow
from .debrief import build_debrief, load_candidate


def render_packet(candidate_id: int, generation: int) -> str:
    """RQ entry point. Inside `flask packets worker` the app context is already there; a
    bare `rq worker` gets an app built from the environment."""
    if has_app_context():
        return render_in_app(candidate_id, generation)
    from .. import create_app

    with create_app().app_context():
        return render_in_app(candidate_id, generation)


def _current(candidate_id: int, generation: int) -> PacketRender | None:
    row = db.session.get(PacketRender, candidate_id)
    return row if row is not None and row.generation == generation else None


def render_in_app(candidate_id: int, generation: int) -> str:
    from ..packets.build import packet_css, packet_html, render, store_file

    try:
        row = _current(candidate_id, generation)
        if row is None:
            return "superseded"
        row.state, row.updated_at = "rendering", utcnow()
        db.session.commit()
        candidate = load_candidate(candidate_id)
        if candidate is None:
            return "gone"
        html, css = packet_html(build_debrief(candidate)), packet_css()
        db.session.commit()  # hold no transaction while rendering
        try:
            pdf = render(html, css)
        except Exception as exc:  # noqa: BLE001 - recorded on the row, shown on the page
            row = _current(candidate_id, generation)
            if row is not None:
                row.state, row.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
                row.updated_at = utcnow()
                db.session.commit()
            raise
        name = f"candidate-{candidate_id}-g{generation}.pdf"
        store_file(name, pdf)
        row = _current(candidate_id, generation)
        if row is None:  # a newer request came in while rendering: it will render
            _remove(name)
            return "superseded"
        old = row.file_name
        row.state, row.ready_generation, row.file_name = "ready", generation, name
        row.updated_at = utcnow()
        db.session.commit()
        if old and old != name:
            _remove(old)
        return "ready"
    finally:
        db.session.remove()


def _remove(name: str) -> None:
    from ..packets.build import cache_dir

    (cache_dir() / name).unlink(missing_ok=True)
