"""Decision settings, band labels and the one rounding rule for showing a score.

Kept apart from scoring so the explanation, calibration and agreement modules can use the
vocabulary without importing the scoring module (no import cycles in the core).

Exactness: ratings are integers and weights/thresholds are decimals typed by people, so every
number that decides a band is a `Fraction`; floats appear only for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .vocabulary import Band, Vote, labels

STRONG_HIRE, HIRE, LEAN_NO, NO_HIRE = Band.STRONG_HIRE, Band.HIRE, Band.LEAN_NO, Band.NO_HIRE
NOT_ENOUGH = Band.NOT_ENOUGH
VOTES = labels(Vote)
LENIENT, SEVERE, IN_LINE = "lenient", "severe", "in line with peers"
TOO_FEW = "not enough compared ratings"


@dataclass(frozen=True)
class Settings:
    """Decision settings; each requisition may override them."""

    strong_hire_at: float = 80.0  # composite 0-100 at or above which: Strong hire
    hire_at: float = 60.0
    lean_no_at: float = 35.0  # below this: No hire
    quorum: int = 3  # distinct interviewers with at least one assessed rating
    min_coverage: float = 0.8  # share of total weight assessed
    disagreement_spread: int = 2  # max - min rating at which a dimension is contested
    calibration_min_compared: int = 10  # compared ratings before a tendency is labelled
    calibration_prior: float = 5.0  # k: the effect is shrunk as if k extra ratings of 0
    calibration_label_at: float = 0.25  # |effect| in rating points to call it a tendency
    agreement_min_pairable: int = 30  # pairable values before alpha is shown


def exact(value: float | int | Fraction) -> Fraction:
    """The decimal a person typed, exactly: 33.3 is 333/10, not the binary float."""
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return _typed(float(value))


@lru_cache(maxsize=1024)
def _typed(value: float) -> Fraction:
    # a debrief asks for the same few weights and thresholds ~150 times; parsing the repr
    # each time was a tenth of its scoring time (Fractions are immutable: sharing is safe)
    return Fraction(repr(value))


def decimals(value: float | int | Fraction) -> int:
    """How many decimal places a threshold needs (60 -> 0, 62.5 -> 1), at most 6."""
    q = exact(value)
    for places in range(7):
        if (q * 10 ** places).denominator == 1:
            return places
    return 6


def floor_to(value: Fraction, places: int) -> Fraction:
    """Round toward minus infinity at `places` decimals. With thresholds on that decimal
    grid, floor_to(x) >= t exactly when x >= t: the shown score never contradicts the band."""
    scale = 10 ** places
    return Fraction(math.floor(value * scale), scale)


def show(value: Fraction | None, places: int = 0) -> str:
    """The displayed form of an exact number: floored, never rounded up across an edge."""
    if value is None:
        return "\u2014"
    shown = floor_to(value, places)
    return f"{float(shown):.{places}f}" if places else str(math.floor(shown))


def score_places(settings: Settings) -> int:
    """Decimals used to show 0-100 scores: those of the finest band threshold."""
    return max(decimals(t) for t in (settings.strong_hire_at, settings.hire_at,
                                     settings.lean_no_at))


def band(score_100: Fraction | float | None, settings: Settings) -> str | None:
    """The band of an exact 0-100 score; the thresholds are compared exactly too."""
    if score_100 is None:
        return None
    score = exact(score_100)
    if score >= exact(settings.strong_hire_at):
        return STRONG_HIRE
    if score >= exact(settings.hire_at):
        return HIRE
    if score >= exact(settings.lean_no_at):
        return LEAN_NO
    return NO_HIRE


def show_percent(part: int, whole: int) -> str:
    """part/whole as a whole percent, floored like every other shown number."""
    return show(Fraction(100 * part, whole)) + "%"
