"""fit_effects against oracles outside the code: tiny panels solved by hand as exact fractions,
and numpy's least-squares solver on the model the module states.

The model (hiring/core/calibration.py): minimise, over unit levels l and interviewer effects e,
    sum over compared ratings (y - l[unit] - e[person])^2  +  k * sum over people e^2
(k = the prior), one value per person and unit (their ratings averaged first), only units rated
by at least two people. With k > 0 the objective is strictly convex, so a point where every
level is the mean of (rating - effect) over its unit and every effect is
(sum of the person's rating - level) / (n + k) is the unique optimum; such a point has the
effects summing to zero in each connected group. These tests are fast (no simulation), so the
mutation run uses them to check fit_effects.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiring.core import calibration
from hiring.core.calibration import PastRating, calibrate, fit_effects
from hiring.core.scoring import Settings


def _history(units, card_of=lambda person, unit: 100 * person + unit):
    """units: list of {person: rating}; unit u is candidate u, dimension 1."""
    return [PastRating(person, u, 1, rating, card_of(person, u))
            for u, unit in enumerate(units) for person, rating in unit.items()]


# Four people, four units, unequal evidence (A 3 compared ratings, B 2, C 2, D 1):
#   u0: A 4, B 2    u1: A 4, C 2    u2: B 3, C 3    u3: A 3, D 1
# Prior k = 1. Claimed optimum: A = 1, B = C = D = -1/3 (sum 0, one connected group).
# Check by substitution: levels are the unit means of (rating - effect):
#   u0 = (3 + 7/3)/2 = 8/3, u1 = 8/3, u2 = (10/3 + 10/3)/2 = 10/3, u3 = (2 + 4/3)/2 = 5/3;
# effects are (sum of rating - level) / (n + k):
#   A = (4/3 + 4/3 + 4/3) / 4 = 1, B = ((2 - 8/3) + (3 - 10/3)) / 3 = -1/3, C likewise,
#   D = (1 - 5/3) / 2 = -1/3.
# Residuals: +-1/3 in u0, u1, u3 and 0 in u2: squares 6/9 = 2/3. Degrees of freedom: 8 ratings
# - 4 levels - (4 people - 1 group) free effects = 1, so sigma = sqrt(2/3) and each
# uncertainty is sigma / sqrt(n + k).
FOUR = [{1: 4, 2: 2}, {1: 4, 3: 2}, {2: 3, 3: 3}, {1: 3, 4: 1}]


def test_four_person_panel_matches_the_hand_solution():
    fit = fit_effects(_history(FOUR), 1.0)
    expected = {1: Fraction(1), 2: Fraction(-1, 3), 3: Fraction(-1, 3), 4: Fraction(-1, 3)}
    assert fit.effect.keys() == expected.keys()
    for i, value in expected.items():
        assert fit.effect[i] == pytest.approx(float(value), abs=1e-6)
    assert fit.compared == {1: 3, 2: 2, 3: 2, 4: 1}
    assert fit.scorecards == {1: 3, 2: 2, 3: 2, 4: 1}
    sigma = math.sqrt(2 / 3)
    assert fit.sigma == pytest.approx(sigma, abs=1e-6)
    assert fit.uncertainty == pytest.approx(
        {1: sigma / 2, 2: sigma / math.sqrt(3), 3: sigma / math.sqrt(3),
         4: sigma / math.sqrt(2)}, abs=1e-6)
    assert 2 < fit.sweeps < calibration.MAX_SWEEPS  # converged, not stopped at the cap


def test_calibrate_reports_the_hand_solution_under_the_settings_prior():
    names = {1: "A", 2: "B", 3: "C", 4: "D", 5: "E"}
    found = calibrate(_history(FOUR), names, Settings(calibration_prior=1.0,
                                                      calibration_min_compared=2),
                      everyone=True)
    assert [c.interviewer_id for c in found] == [1, 2, 3, 4, 5]
    assert [c.interviewer for c in found] == ["A", "B", "C", "D", "E"]
    assert [c.compared for c in found] == [3, 2, 2, 1, 0]
    assert [c.scorecards for c in found] == [3, 2, 2, 1, 0]
    assert [c.deviation for c in found] == pytest.approx([1, -1 / 3, -1 / 3, -1 / 3, 0],
                                                         abs=1e-6)
    sigma = math.sqrt(2 / 3)
    assert found[0].uncertainty == pytest.approx(sigma / 2, abs=1e-6)
    # A: 1 >= max(0.25, 2 x 0.408) -> lenient; B: 1/3 < 2 x 0.471 -> in line; D: too few
    assert [c.tendency for c in found] == ["lenient", "in line with peers", "in line with peers",
                                           "not enough compared ratings",
                                           "not enough compared ratings"]


def test_without_everyone_only_interviewers_with_enough_evidence_are_listed():
    """An interviewer below the minimum is skipped, and the ones after them still listed."""
    settings = Settings(calibration_prior=1.0, calibration_min_compared=2)
    # FOUR with D (1 compared rating) renumbered 0, so that it sorts first
    renumbered = [{0 if i == 4 else i: y for i, y in unit.items()} for unit in FOUR]
    found = calibrate(_history(renumbered), {0: "D", 1: "A", 3: "C"}, settings)
    assert [(c.interviewer_id, c.interviewer) for c in found] == [(1, "A"), (3, "C")]
    found = calibrate(_history(FOUR), {1: "A", 2: "B", 3: "C", 4: "D"},
                      Settings(calibration_prior=1.0, calibration_min_compared=3))
    assert [c.interviewer_id for c in found] == [1]


# Two groups that never share a candidate, prior k = 0: nothing shrinks, so only the stated
# constraint (effects sum to zero within each connected group) identifies the effects.
#   group 1: two units, both P 4, Q 2: the fit is exact with P = +1, Q = -1;
#   group 2: u2: D 4, E 2 and u3: D 4, F 2: exact fit with D - E = D - F = 2 and
#   D + E + F = 0: D = 4/3, E = F = -2/3 (levels 8/3; every residual 0).
GROUPS = [{1: 4, 2: 2}, {1: 4, 2: 2}, {4: 4, 5: 2}, {4: 4, 6: 2}]


def test_effects_are_centred_within_each_connected_group():
    fit = fit_effects(_history(GROUPS), 0.0)
    assert fit.effect == pytest.approx(
        {1: 1.0, 2: -1.0, 4: 4 / 3, 5: -2 / 3, 6: -2 / 3}, abs=1e-6)
    # 8 ratings - 4 levels - (5 people - 2 groups) = 1 degree of freedom; all residuals 0
    assert fit.sigma == pytest.approx(0, abs=1e-9)
    assert fit.uncertainty == pytest.approx({1: 0, 2: 0, 4: 0, 5: 0, 6: 0}, abs=1e-6)


# Sweep counts on panels whose fixed point is reached by hand-countable steps.
def test_a_panel_in_full_agreement_is_fitted_in_one_sweep():
    """All effects start at 0, which is already the optimum: the first sweep changes nothing."""
    fit = fit_effects(_history([{1: 3, 2: 3}, {1: 2, 2: 2}]), 5.0)
    assert fit.effect == {1: 0.0, 2: 0.0}
    assert fit.sweeps == 1


def test_a_symmetric_pair_is_fitted_in_two_sweeps():
    """P always 4, Q always 2, 3 units, k = 1: the first sweep gives levels 3 and effects
    +-3/(3 + 1) = +-0.75, the optimum; the second sweep finds no change and stops."""
    fit = fit_effects(_history([{1: 4, 2: 2}] * 3), 1.0)
    assert fit.effect == pytest.approx({1: 0.75, 2: -0.75}, abs=1e-12)
    assert fit.sweeps == 2


def test_the_fit_stops_at_the_sweep_cap(monkeypatch):
    """The four-person panel needs more than 3 sweeps (see above); with the cap at 3 the fit
    stops after exactly 3."""
    monkeypatch.setattr(calibration, "MAX_SWEEPS", 3)
    assert fit_effects(_history(FOUR), 1.0).sweeps == 3


def test_no_history_gives_no_effects():
    fit = fit_effects([], 5.0)
    assert (fit.effect, fit.compared, fit.uncertainty, fit.scorecards) == ({}, {}, {}, {})
    assert (fit.sigma, fit.sweeps) == (0.0, 1)


# ---------------------------------------------------------------- numpy least squares


def least_squares(history, k):
    """Solve the stated model directly: one row per compared (unit, person) value, unknowns
    the unit levels and the person effects, plus sqrt(k) x effect = 0 rows for the prior."""
    cells = defaultdict(lambda: defaultdict(list))
    for r in history:
        cells[(r.candidate_id, r.dimension_id)][r.interviewer_id].append(r.rating)
    units = [{i: sum(v) / len(v) for i, v in unit.items()} for unit in cells.values()
             if len(unit) >= 2]
    people = sorted({i for unit in units for i in unit})
    rows, target = [], []
    for u, unit in enumerate(units):
        for i, y in unit.items():
            row = np.zeros(len(units) + len(people))
            row[u], row[len(units) + people.index(i)] = 1, 1
            rows.append(row)
            target.append(y)
    design = np.array(rows).reshape(len(rows), len(units) + len(people))
    prior = np.hstack([np.zeros((len(people), len(units))), math.sqrt(k) * np.eye(len(people))])
    solution = np.linalg.lstsq(np.vstack([design, prior]),
                               np.array(target + [0.0] * len(people)), rcond=None)[0]
    residuals = np.array(target) - design @ solution
    # free parameters: the rank of the data rows (levels + effects, less one per group)
    freedom = len(rows) - (np.linalg.matrix_rank(design) if rows else 0)
    sigma = math.sqrt(float(residuals @ residuals) / freedom) if freedom > 0 else 0.0
    effect = dict(zip(people, solution[len(units):].tolist(), strict=True))
    compared = Counter(i for unit in units for i in unit)
    return effect, sigma, compared


ratings = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 2),
                             st.integers(1, 4), st.integers(1, 3)), max_size=40)


@given(ratings, st.sampled_from([0.5, 1.0, 5.0]))
def test_fit_matches_numpy_least_squares(rows, k):
    history = [PastRating(i, c, d, y, 10 * i + card) for i, c, d, y, card in rows]
    fit = fit_effects(history, k)
    effect, sigma, compared = least_squares(history, k)
    assert fit.effect == pytest.approx(effect, abs=1e-4)
    assert fit.sigma == pytest.approx(sigma, abs=1e-4)
    assert fit.compared == dict(compared)
    assert fit.uncertainty == pytest.approx(
        {i: sigma / math.sqrt(n + k) for i, n in compared.items()}, abs=1e-4)
    assert fit.scorecards == {i: len({10 * i + card for j, _, _, _, card in rows if j == i})
                              for i in {row[0] for row in rows}}
