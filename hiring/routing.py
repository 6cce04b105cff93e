"""URL converters. Every `<int:...>` in a route is an id or a version stored in a 32-bit
INTEGER column: a larger number cannot name a row, and PostgreSQL raises (SQLite overflows at
2^63) when asked for one, so the converter refuses it and the URL is a plain 404."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite accepts the same range


class IdConverter(IntegerConverter):
    """`<int:x>` accepting 0..2^31-1 only (a longer digit string does not match the route)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install(app) -> None:
    """Before any blueprint is registered: rules bind their converter when added."""
    app.url_map.converters["int"] = IdConverter


def page_arg(name: str = "page") -> int:
    """The `?page=` number: 1 when missing, not a number or below 1; never above MAX_ID,
    so a 10^20 page cannot overflow an OFFSET (views then clamp it to the last page)."""
    from flask import request

    raw = request.args.get(name, "")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else 1
    return min(max(number, 1), MAX_ID)
