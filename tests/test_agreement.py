"""Agreement: ordinal alpha against the `krippendorff` package and Krippendorff (2011)'s
published example; the requisition figure's minimum and bootstrap interval."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.core.agreement import ordinal_alpha, requisition_alpha, within_one


@settings(max_examples=200)
@given(st.integers(2, 6), st.integers(1, 12), st.data())
def test_alpha_matches_the_krippendorff_package(coders, units, data):
    matrix = [[data.draw(st.one_of(st.none(), st.integers(1, 4))) for _ in range(units)]
              for _ in range(coders)]
    ours = ordinal_alpha([tuple(row[u] for row in matrix) for u in range(units)])
    array = np.array([[np.nan if v is None else v for v in row] for row in matrix], float)
    pairable = sum(1 for u in range(units)
                   if sum(row[u] is not None for row in matrix) >= 2)
    values = {row[u] for row in matrix for u in range(units) if row[u] is not None
              and sum(r[u] is not None for r in matrix) >= 2}
    if pairable == 0 or len(values) < 2:
        assert ours is None
        return
    theirs = krippendorff.alpha(reliability_data=array, level_of_measurement="ordinal")
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100)
@given(st.lists(st.tuples(st.lists(st.sampled_from([1, 1.5, 2, 7 / 3, 2.5, 3, 4]),
                                   min_size=2, max_size=4), st.integers(1, 40)),
                min_size=1, max_size=5), st.randoms())
def test_requisition_alpha_of_repeated_and_shuffled_units_matches_the_package(
        patterns, random):
    """The figure is summed per distinct pattern of values, weighted by its count: it must
    equal the package's alpha over every unit, whatever the order of units and of the values
    in a unit (people's averaged ratings are fractions, hence the fractional values)."""
    units = [list(pattern) for pattern, times in patterns for _ in range(times)]
    for unit in units:
        random.shuffle(unit)
    random.shuffle(units)
    ours = requisition_alpha(units, minimum=0, samples=0)
    # the interval too depends on the ratings alone, not on the order they came in
    assert requisition_alpha(units, 0, samples=20) == requisition_alpha(
        sorted(units, key=repr), 0, samples=20)
    width = max(len(u) for u in units)
    array = np.full((width, len(units)), np.nan)
    for j, unit in enumerate(units):
        array[:len(unit), j] = unit
    if len({v for u in units for v in u}) < 2:
        assert ours.alpha is None
        return
    theirs = krippendorff.alpha(reliability_data=array, level_of_measurement="ordinal")
    assert ours.alpha == pytest.approx(theirs, abs=1e-9)
    assert (ours.units, ours.pairable) == (len(units), sum(len(u) for u in units))


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, values 1-5 with missing data. Published: ordinal alpha = 0.815.
PUBLISHED = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_matches_the_published_example():
    units = [tuple(row[u] for row in PUBLISHED) for u in range(12)]
    assert round(ordinal_alpha(units), 3) == 0.815


def test_requisition_alpha_needs_the_minimum_of_pairable_values():
    units = [tuple(row[u] for row in PUBLISHED) for u in range(12)]
    # unit 12 has a single value (not pairable): 40 pairable values in 11 units
    pairable = sum(sum(v is not None for v in u) for u in units
                   if sum(v is not None for v in u) >= 2)
    assert pairable == 40
    shown = requisition_alpha(units, minimum=40)
    assert round(shown.alpha, 3) == 0.815 and shown.pairable == 40 and shown.units == 11
    assert shown.minimum == 40
    assert shown.low <= shown.alpha <= shown.high
    assert shown.low >= -1 and shown.high <= 1
    hidden = requisition_alpha(units, minimum=41)
    assert hidden.alpha is None and hidden.low is None and hidden.pairable == 40
    assert hidden.units == 11 and hidden.minimum == 41
    no_draws = requisition_alpha(units, minimum=40, samples=0)
    assert round(no_draws.alpha, 3) == 0.815 and (no_draws.low, no_draws.high) == (None, None)
    assert (no_draws.pairable, no_draws.units, no_draws.minimum) == (40, 11, 40)


def test_bootstrap_interval_is_repeatable_and_narrows_with_more_units():
    units = [tuple(row[u] for row in PUBLISHED) for u in range(12)]
    a, b = requisition_alpha(units, 10), requisition_alpha(units, 10)
    assert (a.low, a.high) == (b.low, b.high)
    big = requisition_alpha(units * 20, 10)
    assert big.high - big.low < a.high - a.low


def test_within_one_counts_pairs():
    assert within_one([1, 2, 4]) == (1, 3)
    assert within_one([3]) == (0, 0)
    assert within_one([]) == (0, 0)


def test_within_one_of_people_whose_ratings_are_averaged():
    """Someone with two interviews counts once, with the mean of their ratings (a fraction).
    By hand: 7/3 and 10/3 are exactly 1 apart (close); 5/2 and 10/3 are 5/6 apart (close);
    3/2 and 8/3 are 7/6 apart (not close); 2 and 10/3 are 4/3 apart (not close)."""
    from fractions import Fraction as F

    assert within_one([F(7, 3), F(10, 3)]) == (1, 1)
    assert within_one([F(5, 2), F(10, 3)]) == (1, 1)
    assert within_one([F(3, 2), F(8, 3)]) == (0, 1)
    assert within_one([2, F(10, 3)]) == (0, 1)
    # the six pairs of 3/2, 5/2, 8/3 and 2: all within one but 3/2 and 8/3
    assert within_one([F(3, 2), F(5, 2), F(8, 3), 2]) == (5, 6)
    assert within_one([2, 3, 3, 4]) == (5, 6)  # only (2, 4) is two apart


def test_no_variation_at_all_gives_no_alpha_but_counts():
    shown = requisition_alpha([(3, 3)] * 20, minimum=10)
    assert (shown.alpha, shown.low, shown.high, shown.pairable, shown.units, shown.minimum) == (
        None, None, None, 40, 20, 10)
    hidden = requisition_alpha([(1, 2)] * 3 + [(5,)], minimum=10)
    assert (hidden.alpha, hidden.pairable, hidden.units, hidden.minimum) == (None, 6, 3, 10)


def monte_carlo_interval(units, draws=2000):
    """An independent bootstrap: numpy's generator resampling the units, alpha from the
    `krippendorff` package, percentiles from numpy."""
    rng = np.random.default_rng(7)
    width = max(len(u) for u in units)
    matrix = np.full((width, len(units)), np.nan)
    for j, unit in enumerate(units):
        matrix[:len(unit), j] = unit
    values = []
    for _ in range(draws):
        sample = matrix[:, rng.integers(0, len(units), len(units))]
        if len(np.unique(sample[~np.isnan(sample)])) > 1:
            values.append(krippendorff.alpha(reliability_data=sample,
                                             level_of_measurement="ordinal"))
    return np.percentile(values, 2.5), np.percentile(values, 97.5)


@pytest.mark.parametrize("units", [
    # mostly agreement with a few wide disagreements: a lopsided interval
    [(1, 1)] * 30 + [(4, 4)] * 30 + [(2, 2, 3)] * 10 + [(1, 4)] * 4 + [(2, 3)] * 6,
    # overlapping patterns: several patterns add to the same coincidence cells
    [(1, 2)] * 15 + [(2, 3)] * 15 + [(1, 2, 3)] * 10 + [(2, 2)] * 10 + [(3, 3)] * 10
    + [(1, 1)] * 10,
])
def test_bootstrap_interval_matches_an_independent_monte_carlo(units):
    ours = requisition_alpha(units, minimum=30)
    low, high = monte_carlo_interval(units)
    assert ours.low == pytest.approx(low, abs=0.04)
    assert ours.high == pytest.approx(high, abs=0.04)
    assert ours.low < ours.alpha < ours.high


def test_the_bootstrap_draws_the_same_resamples_in_any_batches():
    """Its working arrays are bounded by drawing the resamples in batches: any batch size
    must give the same number of resamples and the same ones as a single batch (numpy
    draws resample after resample), a last batch that is not full included."""
    from itertools import combinations_with_replacement

    from hiring.core.agreement import _bootstrap, _coincidences, _pool, unit_patterns

    values = [1, 2, 2.5, 3, 4]
    units = [list(c) for size in (2, 3) for c in combinations_with_replacement(values, size)]
    units += [[1, 1], [4, 4], [2, 2, 2]] * 10
    patterns = unit_patterns(units)
    of_one = {pattern: _pool(_coincidences([pattern])) for pattern in patterns}
    cells = sum(len(part) for part in of_one.values())
    whole = _bootstrap(patterns, of_one, 50, batch_numbers=10**9)
    assert len(whole) == 50
    for per_batch in (1, 7, 49):
        assert _bootstrap(patterns, of_one, 50, batch_numbers=per_batch * cells) == whole


def test_nearest_rank_percentile():
    from hiring.core.agreement import percentile

    values = list(range(1, 41))  # 2.5% of 40 is 1 value; 97.5% is 39 values
    assert percentile(values, 0.025) == 1 and percentile(values, 0.975) == 39
    assert percentile(values, 0.5) == 20 and percentile(values, 1.0) == 40
    assert percentile([5.0], 0.025) == 5.0 and percentile([1, 2], 0.0) == 1
