"""`flask packets build`: every candidate's packet on a pool of worker processes, plus one
combined PDF for the requisition."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Candidate, Requisition
from ..services.debrief import build_debrief, load_candidate
from ..services.transaction import release
from .build import cached_pdf, packet_css, packet_html, packet_key, remember, store_pdf
from .pdf import render_job

# Packets handed to the pool ahead of it: enough that no worker waits for the next HTML,
# few enough that the batch's memory does not grow with the requisition (it held every
# packet's HTML and PDF until the end: ~135 KB per candidate of the demo, ~680 MB at 5,000).
AHEAD_PER_WORKER = 2
# Source PDFs open at once while combining (qpdf reads their pages when it saves); more are
# combined in parts first, so a requisition of any size stays within the open-file limit.
COMBINE_AT_ONCE = 200


def _combine(sources: list[Path], target: Path, at_once: int = COMBINE_AT_ONCE) -> None:
    """One PDF of every page of `sources`, in order, written to `target`. qpdf (pikepdf)
    copies the pages without parsing them into Python objects: 0.14 s for 50 packets where
    pypdf took 1.7 s, time that the batch spends on one core while the other waits."""
    import pikepdf

    if at_once < 2:
        raise ValueError("combining in parts of fewer than 2 files never ends")
    if len(sources) > at_once:
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            parts = []
            for start in range(0, len(sources), at_once):
                parts.append(Path(scratch) / f"part-{len(parts)}.pdf")
                _combine(sources[start:start + at_once], parts[-1], at_once)
            _combine(parts, target, at_once)
        return
    with pikepdf.Pdf.new() as combined, contextlib.ExitStack() as opened:
        for source in sources:
            combined.pages.extend(opened.enter_context(pikepdf.Pdf.open(source)).pages)
        combined.save(target)


def build_requisition(requisition: Requisition, out: Path, workers: int) -> list[Path]:
    """Write one PDF per candidate and `requisition-<id>.pdf` combining them. Each PDF goes
    to its file as soon as it is rendered; at most AHEAD_PER_WORKER packets per worker wait
    in the pool, so memory stays flat however many candidates there are."""
    out.mkdir(parents=True, exist_ok=True)
    css = packet_css()
    ids = db.session.scalars(select(Candidate.id).where(
        Candidate.requisition_id == requisition.id).order_by(Candidate.name)).all()
    written = [out / f"debrief-candidate-{candidate_id}.pdf" for candidate_id in ids]
    # spawn, not fork: forking after WeasyPrint is imported has crashed it
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool, \
            click.progressbar(length=len(ids), label="Rendering packets") as bar:
        pending: dict[Future, tuple[str, Path]] = {}

        def finish(futures) -> None:
            for future in futures:
                key, path = pending.pop(future)
                _, pdf = future.result()
                store_pdf(key, pdf)
                path.write_bytes(pdf)
                bar.update(1)

        # Each packet goes to the pool as soon as its HTML is built, so the workers start
        # (and import WeasyPrint) while the next ones are being built.
        for candidate_id, path in zip(ids, written, strict=True):
            html = packet_html(build_debrief(load_candidate(candidate_id)))
            key = packet_key(html, css)
            remember(candidate_id, key)
            cached = cached_pdf(key)
            if cached is not None:
                path.write_bytes(cached)
                bar.update(1)
                continue
            pending[pool.submit(render_job, (key, html, css))] = (key, path)
            if len(pending) >= AHEAD_PER_WORKER * workers:
                release()  # hold no database transaction while waiting for a render
                finish(wait(pending, return_when=FIRST_COMPLETED).done)
        release()
        finish(list(pending))
    combined = out / f"requisition-{requisition.id}.pdf"
    _combine(written, combined)
    return [*written, combined]


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
