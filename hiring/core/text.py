"""Small text helpers shared by the pure domain code."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) and trim."""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "role"
