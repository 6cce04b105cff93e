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
BATCH_NUMBERS = 2_000_000  # the bootstrap's working arrays, in numbers (16 MB each)


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
    """Alpha of one coincidence matrix {(c, k): value}."""
    categories = sorted({c for c, _ in coincidence})
    return _alphas(categories, [coincidence])[0]


def _alphas(categories: list, matrices: list[dict[tuple, float]] | None = None,
            dense=None) -> list[float | None]:
    """Ordinal alpha of each coincidence matrix, given as dicts {(c, k): value} or as one
    array `dense` of shape (matrices, C, C) whose rows and columns follow `categories`
    (sorted); None where alpha is undefined: fewer than two categories hold values.

    Krippendorff (2011): alpha = 1 - (n - 1) * sum o_ck d_ck / sum n_c n_k d_ck, with the
    ordinal d_ck = (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2. numpy evaluates it
    for every matrix at once (the bootstrap's 400); imported here so that importing the core
    (every CLI command does) does not import numpy.
    """
    import numpy as np

    size = len(categories)
    if dense is None:
        position = {c: i for i, c in enumerate(categories)}
        dense = np.zeros((len(matrices), size, size))
        for m, matrix in enumerate(matrices):
            for (c, k), value in matrix.items():
                dense[m, position[c], position[k]] = value
    totals = dense.sum(axis=2)
    cumulative = np.concatenate([np.zeros((len(dense), 1)), totals.cumsum(axis=1)], axis=1)
    index = np.arange(size)
    low, high = np.minimum.outer(index, index), np.maximum.outer(index, index)
    between = cumulative[:, high + 1] - cumulative[:, low]
    distance = (between - (totals[:, :, None] + totals[:, None, :]) / 2.0) ** 2
    observed = (dense * distance).sum(axis=(1, 2))
    expected = (totals[:, :, None] * totals[:, None, :] * distance).sum(axis=(1, 2))
    # Two categories with values are a positive distance apart, so expected > 0 exactly when
    # at least two categories hold values (a category without values adds exact zeros; no
    # categories at all leave every sum empty, 0).
    defined = expected > 0
    alphas = 1.0 - (totals.sum(axis=1) - 1.0) * observed / np.where(defined, expected, 1.0)
    return [float(alphas[m]) if defined[m] else None for m in range(len(alphas))]


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


def unit_patterns(units: Iterable[Sequence[int | float | None]]) -> Counter:
    """How many pairable units (two or more values) have each pattern: the unit's values
    without the missing ones, sorted. Alpha and its interval depend on the units only through
    these counts, which add and subtract like the units they count."""
    patterns: Counter = Counter()
    for unit in units:
        values = sorted(v for v in unit if v is not None)
        if len(values) >= 2:
            patterns[tuple(values)] += 1
    return patterns


def requisition_alpha(units: Iterable[Sequence[int | float | None]], minimum: int,
                      samples: int = BOOTSTRAP_SAMPLES) -> Agreement:
    """Ordinal alpha over (candidate, dimension) units with a percentile bootstrap interval;
    alpha only when at least `minimum` pairable values exist."""
    return patterns_alpha(unit_patterns(units), minimum, samples)


def patterns_alpha(patterns: Counter, minimum: int,
                   samples: int = BOOTSTRAP_SAMPLES) -> Agreement:
    """`requisition_alpha` of the units `unit_patterns` counted (patterns with a count of 0
    or less count for nothing)."""
    # Identical units add identical coincidences: the figure and each resample are sums over
    # the distinct patterns, weighted by how often each occurs, so the cost grows with the
    # patterns rather than the units (5,000 candidates x 6 dimensions: a few hundred).
    # in sorted order: the resamples, and so the interval, depend on the ratings alone, not
    # on the order the units came in
    patterns = Counter(dict(sorted((+patterns).items())))  # unary +: positive counts only
    units = sum(patterns.values())
    pairable = sum(len(pattern) * n for pattern, n in patterns.items())
    if pairable < minimum:
        return Agreement(None, None, None, pairable, units, minimum)
    of_one = {pattern: _pool(_coincidences([pattern])) for pattern in patterns}
    alpha = _alpha_of(_pool({cell: value * count for cell, value in of_one[pattern].items()}
                            for pattern, count in patterns.items()))
    if alpha is None:
        return Agreement(None, None, None, pairable, units, minimum)
    draws = _bootstrap(patterns, of_one, samples)
    if not draws:
        return Agreement(alpha, None, None, pairable, units, minimum)
    draws.sort()
    return Agreement(alpha, percentile(draws, 0.025), percentile(draws, 0.975), pairable,
                     units, minimum)


def _bootstrap(patterns: Counter, of_one: dict[tuple, dict[tuple, float]], samples: int,
               batch_numbers: int = BATCH_NUMBERS) -> list[float]:
    """Alpha of `samples` resamples of the units (drawn with replacement, as many as there
    are), the undefined ones left out. `patterns`: how many units have each pattern (sorted
    values); `of_one[pattern]`: the coincidence matrix of one unit of that pattern.

    Resampling identical units is the same as resampling their pattern, so a resample is a
    multinomial draw of counts per pattern, and its coincidence matrix the count-weighted sum
    of the patterns' own (drawing unit by unit took 9 s for 5,000 candidates x 6 dimensions).
    numpy draws the counts and sums the cells; `_alphas` computes every resample's alpha with
    the formula the figure itself uses.
    """
    import numpy as np

    categories = sorted({c for part in of_one.values() for c, _ in part})
    size = len(categories)
    position = {c: i for i, c in enumerate(categories)}
    pattern_of, cell_of, value_of = [], [], []  # the patterns' non-zero cells, as columns
    for index, pattern in enumerate(patterns):
        for (c, k), value in of_one[pattern].items():
            pattern_of.append(index)
            cell_of.append(position[c] * size + position[k])
            value_of.append(value)
    pattern_of, cell_of, value_of = np.array(pattern_of), np.array(cell_of), np.array(value_of)
    order = np.argsort(cell_of)  # each cell's entries side by side
    pattern_of, cell_of, value_of = pattern_of[order], cell_of[order], value_of[order]
    cells, starts = np.unique(cell_of, return_index=True)
    units = sum(patterns.values())
    shares = np.array(list(patterns.values())) / units
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    # resamples per batch: the batch's largest array (resamples x non-zero cells) stays
    # near `batch_numbers` numbers whatever the number of patterns; the draws are the same
    # in any batches (numpy's generator draws resample after resample)
    batch = max(1, min(samples, batch_numbers // max(len(value_of), len(patterns))))
    draws: list[float] = []
    for done in range(0, samples, batch):
        drawn = rng.multinomial(units, shares, size=min(batch, samples - done))
        summed = np.add.reduceat(drawn[:, pattern_of] * value_of, starts, axis=1)
        dense = np.zeros((len(drawn), size * size))
        dense[:, cells] = summed
        draws += [a for a in _alphas(categories, dense=dense.reshape(-1, size, size))
                  if a is not None]
    return draws


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values: the smallest value with at least a share q
    of the values at or below it."""
    rank = math.ceil(q * len(ordered))
    return ordered[max(rank, 1) - 1]
