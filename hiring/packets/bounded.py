"""Render a packet in a separate process with a time limit, so no input can hold a web
worker (or a queue worker) for long: `render_pdf_bounded(html, css, timeout)`.

The renderer is a child interpreter (`python hiring/packets/render_worker.py`), never a fork
(forking after WeasyPrint is imported has crashed it). It stays warm between renders, since
starting one costs as much as a small packet; past the timeout it is killed, RenderTimeout is
raised, and the next render starts a new one. One render at a time per process (a
semaphore): threads of one web worker do not start a WeasyPrint each and starve the machine;
waiting for the slot counts against the timeout.
"""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

WORKER = Path(__file__).resolve().parent / "render_worker.py"
DEFAULT_TIMEOUT = 15.0
RECYCLE_AFTER = 50  # renders per child: bounds whatever WeasyPrint keeps between renders
_HEADER = struct.Struct(">cQ")  # status byte (b"P" PDF, b"E" error), payload length

_slot = threading.Lock()
_child: dict = {"process": None, "renders": 0}


class RenderTimeout(Exception):
    """The packet did not render within the time allowed (or waited too long for a slot)."""


class RenderFailed(Exception):
    """The renderer failed; the message is for the log, not the user."""


def render_pdf_bounded(html: str, css: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The PDF of `html` styled by `css`, rendered in the child process, which is killed
    if it takes more than `timeout` seconds (RenderTimeout)."""
    deadline = time.monotonic() + timeout
    if not _slot.acquire(timeout=timeout):
        raise RenderTimeout(f"no render slot within {timeout:.0f} s")
    try:
        return _render(html, css, deadline, timeout)
    finally:
        _slot.release()


def _render(html: str, css: str, deadline: float, timeout: float) -> bytes:
    process = _process()
    request = json.dumps({"html": html, "css": css}).encode("utf-8")
    try:
        process.stdin.write(struct.pack(">Q", len(request)) + request)
        process.stdin.flush()
        status, payload = _read_reply(process, deadline)
    except TimeoutError:
        _stop()
        raise RenderTimeout(f"render took over {timeout:.0f} s") from None
    except (OSError, EOFError) as exc:
        _stop()
        raise RenderFailed(f"renderer process ended: {exc}") from None
    _child["renders"] += 1
    if _child["renders"] >= RECYCLE_AFTER:
        _stop()
    if status != b"P":
        raise RenderFailed(payload.decode("utf-8", "replace")[-500:])
    return payload


def _process() -> subprocess.Popen:
    process = _child["process"]
    if process is None or process.poll() is not None:
        process = subprocess.Popen(  # noqa: S603 - our own script, no user input in argv
            [sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            cwd=str(WORKER.parent))
        _child.update(process=process, renders=0)
    return process


def _read_exactly(process: subprocess.Popen, size: int, deadline: float) -> bytes:
    fd, chunks, got = process.stdout.fileno(), [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:
            raise EOFError("renderer closed its output")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_reply(process: subprocess.Popen, deadline: float) -> tuple[bytes, bytes]:
    status, length = _HEADER.unpack(_read_exactly(process, _HEADER.size, deadline))
    return status, _read_exactly(process, length, deadline)


def _stop() -> None:
    process = _child["process"]
    _child.update(process=None, renders=0)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
