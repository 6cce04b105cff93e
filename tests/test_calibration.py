"""Calibration against planted truth (tests/calibration_sim.py) and hand-made histories."""

from __future__ import annotations

import random

import pytest

from hiring.core.calibration import PastRating, calibrate, fit_effects
from hiring.core.scoring import DimensionSpec, Scorecard, Settings, evaluate
from tests.calibration_sim import simulate

S = Settings()


@pytest.mark.parametrize("seed", [1, 7])
def test_team_structure_does_not_mislabel_neutral_interviewers(seed):
    """docs/calibration.md records the rates over 20 seeds: 8 of 8 biased interviewers
    recovered and 0 of 16 neutral ones labelled; the bounds here are conservative."""
    history, truth = simulate(seed)
    found = {c.interviewer_id: c for c in
             calibrate(history, {i: f"I{i}" for i in truth}, S, everyone=True)}
    neutral = [i for i in truth if truth[i] == 0]
    lenient = [i for i in truth if truth[i] > 0]
    severe = [i for i in truth if truth[i] < 0]
    assert sum(found[i].tendency != "in line with peers" for i in neutral) <= 1
    assert sum(found[i].tendency == "lenient" for i in lenient) >= 3
    assert sum(found[i].tendency == "severe" for i in severe) >= 3
    for i in truth:  # recovered within 0.35 rating points (rounding and clipping attenuate)
        assert abs(found[i].deviation - truth[i]) < 0.35
        assert found[i].compared > 100 and 0 < found[i].uncertainty < 0.1


def test_effects_sum_to_zero_and_the_fit_is_a_pure_function():
    history, truth = simulate(3, candidates=60)
    shuffled = list(history)
    random.Random(4).shuffle(shuffled)
    a, b = fit_effects(history, 5.0), fit_effects(shuffled, 5.0)
    assert sum(a.effect.values()) == pytest.approx(0, abs=1e-6)
    assert (a.effect, a.uncertainty, a.sigma) == (b.effect, b.uncertainty, b.sigma)  # exactly


def test_hand_made_two_person_history():
    """Two interviewers, n units each with A = B + 2. Levels absorb the mean, effects sum to
    zero, so the least-squares optimum with prior k is A = +n/(n+k), B = -n/(n+k): with
    n = 20 and k = 5, +-0.8 (the prior shrinks the half-difference of 1 by n/(n+k))."""
    history = []
    for candidate in range(10):
        for dim in (1, 2):
            history += [PastRating(1, candidate, dim, 4, 100 + candidate),
                        PastRating(2, candidate, dim, 2, 200 + candidate)]
    found = {c.interviewer_id: c for c in calibrate(history, {1: "A", 2: "B", 3: "C"}, S,
                                                     everyone=True)}
    assert found[1].deviation == pytest.approx(0.8, abs=1e-5)
    assert found[2].deviation == pytest.approx(-0.8, abs=1e-5)
    assert found[1].compared == 20 and found[1].scorecards == 10
    assert found[1].tendency == "lenient" and found[2].tendency == "severe"
    assert found[3].compared == 0 and found[3].tendency == "not enough compared ratings"
    assert (found[3].deviation, found[3].uncertainty, found[3].scorecards) == (0.0, 0.0, 0)
    # residuals are +-0.2 (what the prior held back): 40 of them, 40 - 20 levels - 1 free
    # effect = 19 degrees of freedom; sigma = sqrt(40 * 0.04 / 19); uncertainty sigma/sqrt(25)
    assert found[1].uncertainty == pytest.approx((1.6 / 19) ** 0.5 / 5, abs=1e-5)


def test_labels_are_gated_on_compared_ratings_not_scorecards():
    # one scorecard each, many dimensions: 12 compared ratings (10 needed by default)
    history = [PastRating(i, 1, dim, 4 if i == 1 else 2, i) for dim in range(12)
               for i in (1, 2)]
    assert [c.tendency for c in calibrate(history, {1: "A", 2: "B"}, S)] == [
        "lenient", "severe"]
    assert calibrate(history, {1: "A"}, Settings(calibration_min_compared=13)) == []
    assert len(calibrate(history, {1: "A"}, Settings(calibration_min_compared=12))) == 1
    # ratings on a candidate nobody else rated are not compared
    alone = [PastRating(1, 2, dim, 4, 9) for dim in range(30)]
    assert calibrate(alone, {1: "A"}, S, everyone=True)[0].compared == 0


def test_two_scorecards_by_one_person_on_a_candidate_are_one_voice():
    base = [PastRating(2, c, 1, 2, 50 + c) for c in range(15)]
    twice = base + [PastRating(1, c, 1, r, 10 * c + r) for c in range(15) for r in (3, 4)]
    found = {c.interviewer_id: c for c in calibrate(twice, {1: "A", 2: "B"}, S)}
    assert found[1].compared == 15  # 15 units, not 30 ratings
    # A's averaged rating is 3.5 against B's 2: half-difference 0.75, shrunk by 15/20
    assert found[1].deviation == pytest.approx(0.75 * 15 / 20, abs=1e-5)


def test_the_debrief_applies_the_estimated_effects():
    history = []
    for candidate in range(10):
        for dim in (1, 2):
            history += [PastRating(1, candidate, dim, 4, 100 + candidate),
                        PastRating(2, candidate, dim, 2, 200 + candidate),
                        PastRating(3, candidate, dim, 3, 300 + candidate)]
    dims = [DimensionSpec(1, "A", 50), DimensionSpec(2, "B", 50)]
    cards = [Scorecard(i, f"I{i}", ((1, 3), (2, 3))) for i in (1, 2, 3)]
    r = evaluate(dims, cards, (1, 4), history=history)
    effect = {c.interviewer_id: c.deviation for c in r.calibrations}
    assert effect[1] == pytest.approx(0.8, abs=1e-5) and effect[3] == pytest.approx(0)
    # each adjusted rating is 3 - effect; the effects sum to zero, so the mean stays 3
    assert float(r.calibrated_composite_100) == pytest.approx(100 * 2 / 3)


@pytest.mark.parametrize(("effect", "compared", "se", "expected"), [
    (0.9, 10, 0.01, "lenient"),  # exactly the minimum of compared ratings
    (0.9, 9, 0.01, "not enough compared ratings"),
    (0.25, 40, 0.01, "lenient"),  # exactly the label threshold
    (-0.25, 40, 0.01, "severe"),
    (0.2499, 40, 0.01, "in line with peers"),
    (0.30, 40, 0.14, "lenient"),  # 2 x 0.14 = 0.28 <= 0.30
    (0.30, 40, 0.16, "in line with peers"),  # 2 x 0.16 = 0.32 > 0.30
    (0.0, 40, 0.0, "in line with peers"),
])
def test_tendency_boundaries(effect, compared, se, expected):
    from hiring.core.calibration import tendency_of

    assert tendency_of(effect, compared, se, S) == expected


def test_zero_threshold_never_labels_a_zero_effect():
    from hiring.core.calibration import tendency_of

    assert tendency_of(0.0, 50, 0.0, Settings(calibration_label_at=0)) == "in line with peers"
    assert tendency_of(0.01, 50, 0.0, Settings(calibration_label_at=0)) == "lenient"


def _two_rater_history():
    history = []
    for candidate in range(10):
        for dim in (1, 2):
            history += [PastRating(1, candidate, dim, 4, 100 + candidate),
                        PastRating(2, candidate, dim, 2, 200 + candidate),
                        PastRating(3, candidate, dim, 3, 300 + candidate)]
    return history  # effects: 1 -> +0.8, 2 -> -0.8, 3 -> 0 (see above)


@pytest.mark.parametrize(("ratings", "expected"), [
    # lenient (+0.8) rated 4, neutral 3: 3.2 and 3 -> 3.1 -> 100 * 2.1 / 3 = 70
    ({1: 4, 3: 3}, 70),
    # lenient rated 1: 1 - 0.8 is clipped to the scale's 1; neutral 1 -> 0/100
    ({1: 1, 3: 1}, 0),
    # severe (-0.8) rated 4: 4.8 is clipped to 4 -> 100/100
    ({2: 4, 3: 4}, 100),
    # interviewer 7 has no history: no shift; lenient 4 -> 3.2, 7's 3 stays -> 70
    ({1: 4, 7: 3}, 70),
])
def test_calibrated_composite_subtracts_effects_and_stays_on_the_scale(ratings, expected):
    dims = [DimensionSpec(1, "A", 50), DimensionSpec(2, "B", 50)]
    cards = [Scorecard(i, f"I{i}", ((1, r), (2, r))) for i, r in ratings.items()]
    r = evaluate(dims, cards, (1, 4), history=_two_rater_history())
    assert float(r.calibrated_composite_100) == pytest.approx(expected, abs=1e-3)
