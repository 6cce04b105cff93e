"""Small text helpers shared by the pure domain code."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) and trim."""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "role"


ZWSP = "\u200b"
BREAK_EVERY = 30
_TEXT_NODE = re.compile(r">([^<]+)<")
_UNIT = re.compile(r"&#?\w+;|[^\s&]")  # an escaped entity counts as one character
_LONG_RUN = re.compile(r"(?:&#?\w+;|[^\s&<>]){" + str(BREAK_EVERY + 1) + ",}")


ZWJ = "\u200d"


def _joins_previous(unit: str) -> bool:
    """Part of the character before it: a combining mark, a zero-width joiner, a variation
    selector or an emoji skin-tone modifier. A break there would split one character."""
    code = ord(unit[0]) if len(unit) == 1 else 0
    return (code != 0 and (unicodedata.combining(unit) != 0 or unit == ZWJ
                           or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF))


def _break_run(match: re.Match) -> str:
    out: list[str] = []
    count = 0
    previous = ""
    for unit in _UNIT.findall(match.group(0)):
        if count >= BREAK_EVERY and not _joins_previous(unit) and previous != ZWJ:
            out.append(ZWSP)
            count = 0
        out.append(unit)
        count += 1
        previous = unit
    return "".join(out)


def break_long_words(html: str) -> str:
    """A zero-width space after every BREAK_EVERY characters of a run without white space,
    in text between tags only (never inside a tag, an attribute or an entity).

    Why: a 20,000-character word gives the PDF line breaker no break opportunity, and with
    `overflow-wrap: anywhere` WeasyPrint's search for one grows with the square of the
    word's length (measured: 5,000 characters 7.5 s, 20,000 over 100 s). With a break
    opportunity every 30 characters, the same text lays out like ordinary prose."""
    head, marker, body = html.partition("</head>")
    if not marker:  # a fragment: all of it is text to lay out
        head, body = "", html
    # the head's <title> becomes the PDF's metadata, not laid out: left as typed
    return head + marker + _TEXT_NODE.sub(
        lambda m: ">" + _LONG_RUN.sub(_break_run, m.group(1)) + "<", body)


def search_key(text: str | None) -> str:
    """The form names and emails are searched in: NFKC, casefolded, spaces collapsed, so a
    prefix match is case-insensitive and the same on every database."""
    return clean(unicodedata.normalize("NFKC", text or "").casefold())


def web_link(value: str | None) -> str | None:
    """The text if it is an absolute http(s) link, else None: a blueprint imported from
    anywhere, or a link typed into a form, may be a `javascript:` or `data:` URL, which must
    never become an href."""
    text = (value or "").strip()
    if not text or any(ord(c) < 33 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: what ends a line
# (or moves a terminal's cursor) in a plain-text email, an .ics file, a terminal or XML.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: object) -> str:
    """Text a person typed, on one line: each run of control characters and line breaks
    becomes one space. For outputs where a line break is structure (an email body, a
    calendar file, a terminal), so typed text cannot add lines or escape sequences."""
    return _CONTROLS.sub(" ", "" if value is None else str(value))
