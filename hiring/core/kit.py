"""Interview kit: which blueprint "what to assess" area belongs to which dimension.

Blueprints list assessment areas by name ("Technical leadership", "Delivery") and
dimensions by name ("Technical leadership & architecture"); the match is by shared words,
with a character-level similarity for near spellings. Pure: names in, indexes out.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

STOP = frozenset({"a", "an", "and", "the", "of", "to", "for", "in", "on", "with", "&", "/",
                  "at", "by", "or", "their", "your", "its", "as", "is", "be"})
THRESHOLD = 1 / 3
NEAR_SPELLING = 0.85


def _stem(word: str) -> str:
    for suffix in ("ing", "ment", "ies", "es", "s", "al", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(name: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in STOP)


def similarity(a: str, b: str) -> float:
    """0..1: shared (stemmed) words over the shorter name's words; a near spelling of the
    whole name (character ratio >= NEAR_SPELLING) counts as that ratio. Character ratios
    below that are ignored: "Operational excellence" and "hiring excellence" look alike
    letter by letter and mean different things."""
    wa, wb = words(a), words(b)
    overlap = len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
    ratio = SequenceMatcher(None, a.lower().strip(), b.lower().strip()).ratio()
    return max(overlap, ratio if ratio >= NEAR_SPELLING else 0.0)


def match_area(area: str, dimensions: list[str], threshold: float = THRESHOLD) -> int | None:
    """Index of the best-matching dimension, or None when nothing reaches the threshold
    (the kit then shows the area under "Also assess"). Equal scores go to the dimension
    sharing the area's first word ("Stakeholder management" is about stakeholders more
    than about management), then to the earlier dimension."""
    tokens = [_stem(w) for w in re.findall(r"[a-z0-9]+", area.lower()) if w not in STOP]
    head = tokens[0] if tokens else ""
    best, best_key = None, (0.0, False)
    for index, name in enumerate(dimensions):
        score = similarity(area, name)
        key = (score, head in words(name))
        if score >= threshold and key > best_key:
            best, best_key = index, key
    return best
