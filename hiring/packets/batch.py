"""`flask packets build`: every candidate's packet on a pool of worker processes, plus one
combined PDF for the requisition."""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Candidate, Requisition
from ..services.debrief import build_debrief, load_candidate
from ..services.transaction import release
from .build import cached_pdf, packet_css, packet_html, packet_key, remember, store_pdf
from .pdf import render_job


def _combine(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_requisition(requisition: Requisition, out: Path, workers: int) -> list[Path]:
    """Write one PDF per candidate and `requisition-<id>.pdf` combining them."""
    out.mkdir(parents=True, exist_ok=True)
    css = packet_css()
    jobs: dict[str, tuple[int, str]] = {}
    pdfs: dict[int, bytes] = {}
    ids = db.session.scalars(select(Candidate.id).where(
        Candidate.requisition_id == requisition.id).order_by(Candidate.name)).all()
    for candidate_id in ids:
        html = packet_html(build_debrief(load_candidate(candidate_id)))
        key = packet_key(html, css)
        remember(candidate_id, key)
        cached = cached_pdf(key)
        if cached is not None:
            pdfs[candidate_id] = cached
        else:
            jobs[key] = (candidate_id, html)
    release()  # hold no database transaction while rendering
    with click.progressbar(length=len(ids), label="Rendering packets") as bar:
        bar.update(len(pdfs))
        if jobs:
            # spawn, not fork: forking after WeasyPrint is imported has crashed it
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = [pool.submit(render_job, (key, html, css))
                           for key, (_, html) in jobs.items()]
                for future in as_completed(futures):
                    key, pdf = future.result()
                    store_pdf(key, pdf)
                    pdfs[jobs[key][0]] = pdf
                    bar.update(1)
    written = []
    for candidate_id in ids:
        path = out / f"debrief-candidate-{candidate_id}.pdf"
        path.write_bytes(pdfs[candidate_id])
        written.append(path)
    combined = out / f"requisition-{requisition.id}.pdf"
    combined.write_bytes(_combine([pdfs[i] for i in ids]))
    written.append(combined)
    return written


@click.group("packets", help="PDF debrief packets.")
def packets_cli() -> None:
    pass


@packets_cli.command("build")
@click.option("--requisition", "requisition_id", type=int, required=True)
@click.option("--out", type=click.Path(file_okay=False), default="packets", show_default=True)
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="one per core")
def build_command(requisition_id: int, out: str, workers: int) -> None:
    """Render every candidate's packet of a requisition, and one combined PDF."""
    requisition = db.session.get(Requisition, requisition_id)
    if requisition is None:
        raise click.ClickException(f"no requisition with id {requisition_id}")
    paths = build_requisition(requisition, Path(out), max(1, workers))
    click.echo(f"Wrote {len(paths) - 1} packet(s) and {paths[-1]}")
