"""Krippendorff's alpha at the ordinal level, with missing values.

Units are dimensions, coders are interviewers; a unit counts only where at least two
interviewers rated it. Returns None where alpha is undefined (fewer than two pairable
values, or no variation at all), which the debrief shows as "too few ratings".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


def ordinal_alpha(units: Iterable[Sequence[int | None]]) -> float | None:
    """`units`: for each unit, the values given by each coder (None where missing)."""
    coincidence: dict[tuple[int, int], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidence[(c, k)] += 1.0 / (m - 1)
    if not coincidence:
        return None
    categories = sorted({c for c, _ in coincidence})
    totals = {c: sum(coincidence[(c, k)] for k in categories) for c in categories}
    n = sum(totals.values())
    if n <= 1 or len(categories) < 2:
        return None
    position = {c: i for i, c in enumerate(categories)}

    def distance(c: int, k: int) -> float:
        low, high = sorted((position[c], position[k]))
        between = sum(totals[categories[g]] for g in range(low, high + 1))
        return (between - (totals[c] + totals[k]) / 2.0) ** 2

    observed = sum(coincidence[(c, k)] * distance(c, k) for c in categories for k in categories)
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in categories for k in categories)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected
