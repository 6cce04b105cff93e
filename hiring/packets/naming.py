"""The packet's file name says who and what: debrief-<candidate>-<requisition>-<date>.pdf.

Names are typed by people, so they are slugged to a safe ASCII subset: accents folded
("José" -> "jose"), anything else that is not a letter or digit (slashes, quotes, dots,
control characters, other scripts) becomes a hyphen, and each part is capped so the whole
name stays well under common file-name limits (255 bytes).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

PART_MAX = 60


def slug(text: str, fallback: str) -> str:
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    words = words[:PART_MAX].rstrip("-")
    return words or fallback


def packet_filename(candidate, requisition, day: date) -> str:
    return (f"debrief-{slug(candidate.name, f'candidate-{candidate.id}')}-"
            f"{slug(requisition.title, f'requisition-{requisition.id}')}-{day.isoformat()}.pdf")
