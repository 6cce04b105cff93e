"""iCalendar (RFC 5545) text for one interview: pure, no framework."""

from __future__ import annotations

from datetime import UTC, datetime

from .text import one_line


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): line breaks as \\n, and no other control character
    (a reader that splits on a vertical tab or form feed would see a new property)."""
    text = text.replace("\x00", "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return one_line(text)


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(*, uid: str, starts: datetime, ends: datetime, summary: str, description: str = "",
          location: str = "", url: str = "", stamp: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hiring//interview kit//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{_escape(uid)}",
             f"DTSTAMP:{_stamp(stamp)}", f"DTSTART:{_stamp(starts)}", f"DTEND:{_stamp(ends)}",
             f"SUMMARY:{_escape(summary)}"]
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if url:
        lines.append(f"URL:{_escape(url)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
