"""Build a candidate's debrief packet: HTML from templates, then a cached PDF."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app, render_template

from ..models.base import utcnow
from ..services.debrief import Debrief
from .pdf import STATIC_DIR, html_to_pdf

PACKET_CSS = STATIC_DIR / "packet.css"


def packet_css() -> str:
    size = current_app.config.get("PDF_PAGE_SIZE", "A4")
    size = "letter" if str(size).lower() == "letter" else "A4"
    return PACKET_CSS.read_text(encoding="utf-8") + f"\n@page {{ size: {size}; }}\n"


def packet_html(debrief: Debrief) -> str:
    return render_template("packets/packet.html", d=debrief,
                           generated=utcnow().strftime("%Y-%m-%d"))


def packet_key(html: str, css: str) -> str:
    """Everything the packet shows is in the HTML and CSS; same hash, same PDF."""
    import weasyprint

    digest = hashlib.sha256()
    for part in (html, css, weasyprint.__version__):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def cache_dir() -> Path:
    path = Path(current_app.config.get("PACKET_CACHE_DIR")
                or Path(current_app.instance_path) / "packets")
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_pdf(key: str) -> bytes | None:
    path = cache_dir() / f"{key}.pdf"
    return path.read_bytes() if path.exists() else None


def store_pdf(key: str, pdf: bytes) -> None:
    path = cache_dir() / f"{key}.pdf"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(path)  # atomic: readers never see half a file


def packet_pdf(debrief: Debrief) -> tuple[bytes, bool]:
    """The packet's PDF and whether it came from the cache."""
    css = packet_css()
    html = packet_html(debrief)
    key = packet_key(html, css)
    pdf = cached_pdf(key)
    if pdf is not None:
        return pdf, True
    pdf, _ = html_to_pdf(html, css)
    store_pdf(key, pdf)
    return pdf, False
