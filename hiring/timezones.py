"""The viewer's time zone: their setting, else their browser's (a cookie the layout's
script sets), else UTC. Times are stored in UTC and converted only for display and input."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote

from flask import Flask, request
from flask_login import current_user

from .core.clock import DEFAULT_ZONE, from_local, offset_label, to_local, valid_zone

COOKIE = "tz"


def viewer_zone() -> str:
    user_zone = getattr(current_user, "timezone", "") if current_user else ""
    if user_zone and valid_zone(user_zone):
        return user_zone
    browser = unquote(request.cookies.get(COOKIE, "")) if request else ""
    return browser if valid_zone(browser) else DEFAULT_ZONE


def fmt_local(value: datetime | None, zone_name: str | None = None) -> str:
    """"2026-11-20 16:00 CET": a stored UTC time in the viewer's (or the given) zone."""
    if value is None:
        return ""
    name = zone_name or viewer_zone()
    return f"{to_local(value, name).strftime('%Y-%m-%d %H:%M')} {offset_label(value, name)}"


def local_input(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive wall-clock value a datetime-local field shows."""
    return to_local(value, viewer_zone()).replace(tzinfo=None) if value else None


def utc_from_input(wall: datetime) -> datetime:
    return from_local(wall, viewer_zone())


def register(app: Flask) -> None:
    app.add_template_filter(fmt_local, "local")
    app.add_template_global(viewer_zone, "viewer_zone")
