"""A blueprint's dimension weights: each read from its table cell, then settled into
shares of 100% (missing ones shared out, a sum other than 100 normalised), with a warning
for each repair."""

from __future__ import annotations

import re

from .blueprint import BlueprintError

# Weights are percentages or relative shares (normalised to 100%); a larger number is a
# typo, and bounding it keeps every sum and share finite (400 digits would be inf, and
# normalising by an infinite total gives NaN weights).
MAX_WEIGHT = 10_000


def parse_weight(raw: str | None, dimension: str, name: str) -> float | None:
    if raw is None or not raw.strip():
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", raw)
    shown = raw if len(raw) <= 40 else f"{raw[:20]}... ({len(raw)} characters)"
    if not match:
        raise BlueprintError(name, f"weight {shown!r} of dimension {dimension!r} is not a number")
    weight = float(match.group(1))
    if not weight <= MAX_WEIGHT:
        raise BlueprintError(name, f"weight {shown!r} of dimension {dimension!r} is too large "
                                   f"(at most {MAX_WEIGHT}; weights are normalised to 100%)")
    return weight


def settle_weights(
    weights: list[float | None], warnings: list[str]
) -> tuple[list[float], list[str]]:
    given = [w for w in weights if w is not None]
    if not given:
        equal = 100.0 / len(weights)
        warnings.append(f"no weights in the blueprint; equal weights of {equal:g}% used")
        return [equal] * len(weights), ["defaulted"] * len(weights)
    sources = ["blueprint" if w is not None else "defaulted" for w in weights]
    missing = len(weights) - len(given)
    if missing:
        share = max(100.0 - sum(given), 0.0) / missing or sum(given) / len(given)
        warnings.append(f"{missing} dimension(s) had no weight and were given {share:g}% each")
        weights = [w if w is not None else share for w in weights]
    total = sum(w for w in weights if w is not None)
    if total <= 0:
        equal = 100.0 / len(weights)
        warnings.append("weights summed to 0; equal weights used instead")
        return [equal] * len(weights), ["defaulted"] * len(weights)
    if abs(total - 100.0) > 1e-6:
        warnings.append(f"weights summed to {total:g}%, normalised to 100%")
        weights = [w * 100.0 / total for w in weights if w is not None]
    return [round(w, 6) for w in weights if w is not None], sources
