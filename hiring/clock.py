"""The app's one clock.

Production reads the real time. A test app sets CLOCK_START: its clock then starts at that
fixed instant and advances in real time (so ordering, idle timeouts and "edited since" still
work), and no test depends on the real date.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context


def utcnow() -> datetime:
    if has_app_context():
        start = current_app.config.get("CLOCK_START")
        if start is not None:
            started = current_app.extensions.setdefault("clock_started", time.monotonic())
            return start + timedelta(seconds=time.monotonic() - started)
    return datetime.now(UTC)
