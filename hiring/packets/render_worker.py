"""The child process of render_pdf_bounded (hiring/packets/bounded.py). Reads requests
(8-byte length + JSON {html, css}) from stdin and answers each with a status byte, an 8-byte
length and the PDF (or the error text). Run as a script, its folder first on sys.path, so it
imports pdf.py (the safe fetcher) and WeasyPrint, never the app package (seconds to import).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import struct
import sys

MEMORY_LIMIT = 2 * 1024**3  # address space: a runaway render dies alone, not the machine


def _read(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data and len(data) == size else None


def main() -> int:
    with contextlib.suppress(ValueError, OSError):  # not lowerable everywhere
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.nice(10)  # the web workers (and /healthz) come first for the CPU
    from pdf import html_to_pdf  # hiring/packets/pdf.py, beside this file

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (header := _read(stdin, 8)) is not None:
        job = json.loads(_read(stdin, struct.unpack(">Q", header)[0]).decode("utf-8"))
        try:
            status, body = b"P", html_to_pdf(job["html"], job["css"])[0]
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            status, body = b"E", f"{type(exc).__name__}: {exc}".encode()
        stdout.write(struct.pack(">cQ", status, len(body)) + body)
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
