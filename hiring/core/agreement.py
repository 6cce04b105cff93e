"""How much interviewers agree.

- Per candidate, a plain figure: the share of pairs of interviewers whose ratings of the same
  dimension are within one point of each other (per dimension, and pooled over dimensions).
- Per requisition, Krippendorff's alpha at the ordinal level over (candidate, dimension) units,
  with a bootstrap 95% interval (units resampled). Alpha over the dimensions of a single
  candidate is not meaningful (one dimension gives no variation to compare against).

ordinal_alpha matches Krippendorff (2011), "Computing Krippendorff's alpha-reliability", and
the `krippendorff` package (tests check both).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

BOOTSTRAP_SAMPLES = 400
BOOTSTRAP_SEED = 20111  # fixed: the same ratings always show the same interval


def within_one(values: Sequence[Fraction | int]) -> tuple[int, int]:
    """(pairs within one point, pairs) among one dimension's per-person ratings."""
    # |a - b| <= 1 compared as integers (cross-multiplied): exact like Fraction subtraction,
    # without building a Fraction per pair (28 pairs per dimension for 8 interviewers)
    exact = [(v.numerator, v.denominator) for v in values]
    close = pairs = 0
    for a, (na, da) in enumerate(exact):
        for nb, db in exact[a + 1:]:
            pairs += 1
            close += abs(na * db - nb * da) <= da * db
    return close, pairs


def _coincidences(units: Iterable[Sequence]) -> list[dict[tuple, float]]:
    """Each pairable unit's contribution to the coincidence matrix."""
    out = []
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        matrix: dict[tuple, float] = defaultdict(float)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    matrix[(c, k)] += 1.0 / (m - 1)
        out.append(matrix)
    return out


def _alpha_of(coincidence: dict[tuple, float]) -> float | None:
    if not coincidence:
        return None
    categories = sorted({c for c, _ in coincidence})
    totals = {c: sum(coincidence.get((c, k), 0.0) for k in categories) for c in categories}
    if len(categories) < 2:
        return None
    # Each pairable value adds 1 to its category's total, so from here on every total is
    # positive, n >= 2 and two distinct categories are a positive distance apart: expected > 0.
    n = sum(totals.values())
    position = {c: i for i, c in enumerate(categories)}
    cumulative = [0.0]
    for c in categories:
        cumulative.append(cumulative[-1] + totals[c])

    def distance(c, k) -> float:
        low, high = sorted((position[c], position[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (totals[c] + totals[k]) / 2.0) ** 2

    observed = sum(v * distance(c, k) for (c, k), v in coincidence.items())
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in categories for k in categories)
    return 1.0 - (n - 1) * observed / expected


def _pool(parts: Iterable[dict[tuple, float]]) -> dict[tuple, float]:
    pooled: dict[tuple, float] = defaultdict(float)
    for part in parts:
        for key, value in part.items():
            pooled[key] += value
    return pooled


def ordinal_alpha(units: Iterable[Sequence[int | float | None]]) -> float | None:
    """`units`: for each unit, the values given by each coder (None where missing). None
    where alpha is undefined (fewer than two pairable values, or no variation at all)."""
    return _alpha_of(_pool(_coincidences(units)))


@dataclass(frozen=True)
class Agreement:
    alpha: float | None  # None: not enough pairable values (see `minimum`)
    low: float | None  # bootstrap 95% interval
    high: float | None
    pairable: int  # values in units rated by at least two people
    units: int  # pairable units
    minimum: int


def requisition_alpha(units: Iterable[Sequence[int | float | None]], minimum: int,
                      samples: int = BOOTSTRAP_SAMPLES) -> Agreement:
    """Ordinal alpha over (candidate, dimension) units with a percentile bootstrap interval;
    alpha only when at least `minimum` pairable values exist."""
    units = [[v for v in unit if v is not None] for unit in units]
    units = [u for u in units if len(u) >= 2]
    pairable = sum(len(u) for u in units)
    if pairable < minimum:
        return Agreement(None, None, None, pairable, len(units), minimum)
    # Identical units add identical coincidences: the figure and each resample are sums over
    # the distinct patterns of sorted values, weighted by how often each occurs, so the cost
    # grows with the patterns rather than the units (5,000 candidates x 6 dimensions at a few
    # hundred patterns).
    patterns = Counter(tuple(sorted(unit)) for unit in units)
    of_one = {pattern: _pool(_coincidences([pattern])) for pattern in patterns}
    alpha = _alpha_of(_pool({cell: value * count for cell, value in of_one[pattern].items()}
                            for pattern, count in patterns.items()))
    if alpha is None:
        return Agreement(None, None, None, pairable, len(units), minimum)
    draws = _bootstrap(patterns, of_one, samples)
    if not draws:
        return Agreement(alpha, None, None, pairable, len(units), minimum)
    draws.sort()
    return Agreement(alpha, percentile(draws, 0.025), percentile(draws, 0.975), pairable,
                     len(units), minimum)


def _bootstrap(patterns: Counter, of_one: dict[tuple, dict[tuple, float]],
               samples: int) -> list[float]:
    """Alpha of `samples` resamples of the units (drawn with replacement, as many as there
    are), the undefined ones left out. `patterns`: how many units have each pattern (sorted
    values); `of_one[pattern]`: the coincidence matrix of one unit of that pattern.

    Resampling identical units is the same as resampling their pattern, so a resample is a
    multinomial draw of counts per pattern, and its coincidence matrix the count-weighted sum
    of the patterns' own (drawing unit by unit took 9 s for 5,000 candidates x 6 dimensions).
    numpy draws the counts and sums the cells; alpha itself is `_alpha_of`, as for the
    figure. Imported here: only this path needs it, and every CLI command imports the core.
    """
    import numpy as np

    cells: dict[tuple, int] = {}  # (c, k) -> column
    pattern_of, cell_of, value_of = [], [], []
    for index, pattern in enumerate(patterns):
        for cell, value in of_one[pattern].items():
            pattern_of.append(index)
            cell_of.append(cells.setdefault(cell, len(cells)))
            value_of.append(value)
    pattern_of, cell_of, value_of = np.array(pattern_of), np.array(cell_of), np.array(value_of)
    units = sum(patterns.values())
    shares = np.array(list(patterns.values()), dtype=float) / units
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    names = list(cells)
    draws = []
    for _ in range(samples):
        drawn = rng.multinomial(units, shares)
        pooled = np.bincount(cell_of, weights=drawn[pattern_of] * value_of,
                             minlength=len(names))
        value = _alpha_of({names[i]: float(v) for i, v in enumerate(pooled) if v > 0})
        if value is not None:
            draws.append(value)
    return draws


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values: the smallest value with at least a share q
    of the values at or below it."""
    rank = math.ceil(q * len(ordered))
    return ordered[max(rank, 1) - 1]
