"""Clash detection for interview schedules: pure, on plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Slot:
    id: int | None  # None for an interview not saved yet
    interviewer_id: int | None
    candidate_id: int
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Clash:
    reason: str  # "interviewer" or "candidate"
    other: Slot


def overlaps(a: Slot, b: Slot) -> bool:
    """Half-open intervals: an interview ending at 10:00 does not clash with one at 10:00."""
    return a.starts < b.ends and b.starts < a.ends


def clashes(slot: Slot, others: list[Slot]) -> list[Clash]:
    """Each other slot that overlaps this one with the same interviewer or candidate. A slot
    clashing on both counts is reported once, as the interviewer's clash."""
    found = []
    for other in others:
        if other.id is not None and other.id == slot.id:
            continue
        if not overlaps(slot, other):
            continue
        if slot.interviewer_id is not None and other.interviewer_id == slot.interviewer_id:
            found.append(Clash("interviewer", other))
        elif other.candidate_id == slot.candidate_id:
            found.append(Clash("candidate", other))
    return sorted(found, key=lambda c: (c.other.starts, c.other.id or 0))
