"""HTML to PDF with WeasyPrint, never fetching anything a user could have pointed at.

Imported lazily: WeasyPrint takes about a second to import, and worker processes import it
themselves (forking after importing it has crashed WeasyPrint before).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

# No package imports: the bounded renderer's child process loads this file alone (the app
# takes seconds to import; WeasyPrint about one).
STATIC_DIR = (Path(__file__).resolve().parent.parent.parent / "static").resolve()
log = logging.getLogger(__name__)


def safe_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Allows `data:` URLs and files inside the app's static folder; refuses the rest
        (file://, http(s)://, anything else) before any connection or file read."""

        blocked: list[str]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, allowed_protocols=("data", "file"), **kwargs)
            self.blocked = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(url[len("file://"):].split("?")[0]).resolve()
                if path.is_file() and path.is_relative_to(STATIC_DIR):
                    return URLFetcherResponse(url, body=path.read_bytes())
            self.blocked.append(url)
            log.warning("PDF renderer refused to fetch %s", url[:200])
            raise ValueError("resource not allowed in PDF packets")

    return SafeFetcher


def html_to_pdf(html: str, css: str) -> tuple[bytes, list[str]]:
    """Render; returns the PDF and the URLs that were refused."""
    from weasyprint import CSS, HTML

    fetcher = safe_fetcher_class()()
    # The cyclic garbage collector paused for the render: WeasyPrint allocates millions of
    # short-lived objects, freed by reference counting, and the passes they trigger walk
    # every live object of the process (in a worker, the whole app): 10-15% of a packet's
    # time (bench/packets.py). The few cycles a render leaves wait for the next pass:
    # +21 MiB peak over two long packets.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])
    finally:
        if collecting:
            gc.enable()
    return pdf, list(fetcher.blocked)


def render_job(job: tuple[str, str, str]) -> tuple[str, bytes]:
    """For worker processes: (key, html, css) -> (key, pdf)."""
    key, html, css = job
    pdf, _ = html_to_pdf(html, css)
    return key, pdf
