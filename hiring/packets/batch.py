"""`flask packets build`: every candidate's packet on a pool of worker processes, plus one
combined PDF for the requisition."""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
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
    """One PDF of every page, in order. qpdf (pikepdf) copies the pages without parsing
    them into Python objects: 0.14 s for 50 packets where pypdf took 1.7 s, time that the
    batch spends on one core while the other waits."""
    import pikepdf

    combined = pikepdf.Pdf.new()
    # the sources stay open until the save: qpdf copies their streams' data lazily
    sources = [pikepdf.Pdf.open(io.BytesIO(pdf)) for pdf in pdfs]
    for source in sources:
        combined.pages.extend(source.pages)
    out = io.BytesIO()
    combined.save(out)
    return out.getvalue()


def build_requisition(requisition: Requisition, out: Path, workers: int) -> list[Path]:
    """Write one PDF per candidate and `requisition-<id>.pdf` combining them."""
    out.mkdir(parents=True, exist_ok=True)
    css = packet_css()
    pdfs: dict[int, bytes] = {}
    ids = db.session.scalars(select(Candidate.id).where(
        Candidate.requisition_id == requisition.id).order_by(Candidate.name)).all()
    # spawn, not fork: forking after WeasyPrint is imported has crashed it
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        # Each packet goes to the pool as soon as its HTML is built, so the workers start
        # (and import WeasyPrint) while the rest are still being built.
        pending: dict[Future, tuple[int, str]] = {}
        for candidate_id in ids:
            html = packet_html(build_debrief(load_candidate(candidate_id)))
            key = packet_key(html, css)
            remember(candidate_id, key)
            cached = cached_pdf(key)
            if cached is not None:
                pdfs[candidate_id] = cached
            else:
                pending[pool.submit(render_job, (key, html, css))] = (candidate_id, key)
        release()  # hold no database transaction while rendering
        with click.progressbar(length=len(ids), label="Rendering packets") as bar:
            bar.update(len(pdfs))
            for future in as_completed(pending):
                candidate_id, key = pending[future]
                _, pdf = future.result()
                store_pdf(key, pdf)
                pdfs[candidate_id] = pdf
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
