"""Anonymous events must not grow the audit log without bound.

A client without a signed-in session (a password spray, a scanner) gets at most
AUDIT_ANON_PER_WINDOW rows per AUDIT_ANON_WINDOW_SECONDS (defaults: 3 per 60 s) per limited
event kind (LIMITED: login failures, throttling, denials); the rest are counted, and one
`anonymous_events_suppressed` row per client, kind and window carries the count (written
when anyone next causes an event after the window). So each of the three kinds adds at
most 4 rows per client per minute, and every attempt is still counted.

The tally is per process (each gunicorn worker keeps its own, so N workers allow N times
the rows); counts of a window still open when a process exits are lost.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app

LIMITED = frozenset({"login_failure", "login_throttled", "access_denied"})


@dataclass
class _Window:
    start: float
    recorded: int = 0
    suppressed: Counter = field(default_factory=Counter)


class Tally:
    def __init__(self, per_window: int, seconds: float):
        self.per_window, self.seconds = per_window, seconds
        self.windows: dict[str, _Window] = {}  # "event client" -> its current window
        self.lock = threading.Lock()

    def admit(self, client: str, event: str, now: float) -> bool:
        """May this anonymous event be written as a row? If not, it is counted."""
        key = f"{event} {client}"
        with self.lock:
            window = self.windows.get(key)
            if window is None or now - window.start >= self.seconds:
                window = self.windows[key] = _Window(now)
            if window.recorded < self.per_window:
                window.recorded += 1
                return True
            window.suppressed[event] += 1
            return False

    def due(self, now: float) -> list[tuple[str, float, dict]]:
        """Closed windows with suppressed events, removed from the tally."""
        with self.lock:
            closed = [(k, w) for k, w in self.windows.items() if now - w.start >= self.seconds]
            for key, _ in closed:
                del self.windows[key]
        return [(k.split(" ", 1)[1], w.start, dict(w.suppressed)) for k, w in closed
                if w.suppressed]


def tally() -> Tally:
    app = current_app._get_current_object()
    found = app.extensions.get("audit_tally")
    if found is None:
        found = app.extensions["audit_tally"] = Tally(
            int(app.config.get("AUDIT_ANON_PER_WINDOW", 3)),
            float(app.config.get("AUDIT_ANON_WINDOW_SECONDS", 60)))
    return found


def now() -> float:
    return time.monotonic()
