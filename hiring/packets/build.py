"""Build a candidate's debrief packet: HTML from templates, then a cached PDF."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import current_app, render_template

from ..core.text import break_long_words
from ..models.base import utcnow
from ..services.debrief import Debrief
from .bounded import render_pdf_bounded
from .pdf import STATIC_DIR

PACKET_CSS = STATIC_DIR / "packet.css"


def packet_css() -> str:
    size = current_app.config.get("PDF_PAGE_SIZE", "A4")
    size = "letter" if str(size).lower() == "letter" else "A4"
    return PACKET_CSS.read_text(encoding="utf-8") + f"\n@page {{ size: {size}; }}\n"


# Control characters other than tab and line breaks: typed feedback may hold one (a BEL
# pasted from a terminal); in the PDF it made the text of every line set in that font read
# back as garbage. The packet's own markup has none.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def packet_html(debrief: Debrief) -> str:
    html = render_template("packets/packet.html", d=debrief,
                           generated=utcnow().strftime("%Y-%m-%d"))
    # break opportunities in long words: see core.text.break_long_words for the numbers
    return break_long_words(_UNPRINTABLE.sub(" ", html))


def packet_key(html: str, css: str) -> str:
    """Everything the packet shows is in the HTML and CSS; same hash, same PDF."""
    import weasyprint

    digest = hashlib.sha256()
    for part in (html, css, weasyprint.__version__):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def render(html: str, css: str) -> bytes:
    """The one function every packet render of the web app goes through: in a child
    process, killed after PDF_RENDER_TIMEOUT seconds (RenderTimeout)."""
    return render_pdf_bounded(html, css, current_app.config["PDF_RENDER_TIMEOUT"])


def cache_dir() -> Path:
    """Packets hold confidential feedback: the folder is the app's alone (0700)."""
    path = Path(current_app.config.get("PACKET_CACHE_DIR")
                or Path(current_app.instance_path) / "packets")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)  # made before this rule, or by a permissive umask
    return path


def store_file(name: str, pdf: bytes) -> Path:
    """Write a packet file atomically (readers never see half a file), owner-only."""
    path = cache_dir() / name
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pdf)
    tmp.replace(path)
    return path


def ready_file(candidate_id: int) -> Path | None:
    """The pre-rendered packet, if the newest one requested is ready: one primary-key
    read, no debrief built."""
    from ..extensions import db
    from ..models import PacketRender

    row = db.session.get(PacketRender, candidate_id)
    if row is None or row.state != "ready" or row.ready_generation != row.generation \
            or not row.file_name:
        return None
    path = cache_dir() / row.file_name
    return path if path.is_file() else None


def cached_pdf(key: str) -> bytes | None:
    path = cache_dir() / f"{key}.pdf"
    return path.read_bytes() if path.exists() else None


def store_pdf(key: str, pdf: bytes) -> None:
    path = cache_dir() / f"{key}.pdf"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # owner-only from birth
    with os.fdopen(fd, "wb") as out:
        out.write(pdf)
    tmp.replace(path)  # atomic: readers never see half a file


def _index_path(candidate_id: int) -> Path:
    folder = cache_dir() / "by-candidate"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{int(candidate_id)}.keys"


def remember(candidate_id: int, key: str) -> None:
    """Note which cached PDFs show which candidate: the key is a content hash, and erasure
    (hiring/services/erasure.py) must find every packet of a candidate to delete it."""
    path = _index_path(candidate_id)
    if path.exists() and key in path.read_text().split():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # owner-only
    with os.fdopen(fd, "a") as index:  # one short line per append: no torn writes
        index.write(key + "\n")


def _keys_of(candidate_id: int) -> set[str]:
    path = _index_path(candidate_id)
    keys = set(path.read_text().split()) if path.exists() else set()
    return {k for k in keys if len(k) == 64 and all(c in "0123456789abcdef" for c in k)}


def cached_count(candidate_id: int) -> int:
    """The candidate's packets cached by content key (the pre-rendered ones,
    `candidate-<id>-g<n>.pdf`, are counted and removed by services/erasure_outside.py)."""
    return sum((cache_dir() / f"{key}.pdf").exists() for key in _keys_of(candidate_id))


def forget_candidate(candidate_id: int) -> int:
    """Delete every packet of the candidate cached by content key, and its index; the
    number of PDFs."""
    removed = 0
    for key in _keys_of(candidate_id):
        pdf = cache_dir() / f"{key}.pdf"
        if pdf.exists():
            pdf.unlink()
            removed += 1
    _index_path(candidate_id).unlink(missing_ok=True)
    return removed


def packet_pdf(debrief: Debrief) -> tuple[bytes, bool]:
    """The packet's PDF and whether it came from the cache."""
    css = packet_css()
    html = packet_html(debrief)
    key = packet_key(html, css)
    remember(debrief.candidate.id, key)
    pdf = cached_pdf(key)
    if pdf is not None:
        return pdf, True
    from ..services.transaction import release

    release()  # hold no transaction (on SQLite: no lock) while rendering
    pdf = render(html, css)
    store_pdf(key, pdf)
    return pdf, False
