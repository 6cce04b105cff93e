"""Properties of the scoring module, and worked examples."""

from __future__ import annotations

import math
from dataclasses import replace

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hiring.core.agreement import ordinal_alpha
from hiring.core.scoring import (
    HIRE,
    NOT_ENOUGH,
    DimensionSpec,
    PastRating,
    Scorecard,
    Settings,
    band_for,
    evaluate,
)

SCALE = (1, 4)


@st.composite
def panels(draw, min_cards=1):
    n_dims = draw(st.integers(1, 8))
    dims = [DimensionSpec(i, f"D{i}", draw(st.floats(0.5, 40))) for i in range(n_dims)]
    n_cards = draw(st.integers(min_cards, 7))
    cards = []
    for i in range(n_cards):
        ratings = tuple((d.id, draw(st.one_of(st.none(), st.integers(*SCALE)))) for d in dims)
        cards.append(Scorecard(100 + i, f"I{i}", ratings,
                               overall=draw(st.one_of(st.none(), st.integers(1, 4)))))
    return dims, cards


@given(panels())
def test_composite_stays_within_the_scale(panel):
    dims, cards = panel
    result = evaluate(dims, cards, SCALE)
    if result.composite is not None:
        assert SCALE[0] - 1e-9 <= result.composite <= SCALE[1] + 1e-9
        assert -1e-9 <= result.composite_100 <= 100 + 1e-9
    assert 0 <= result.coverage <= 1 + 1e-9


@given(panels(), st.randoms())
def test_interviewer_order_does_not_matter(panel, rnd):
    dims, cards = panel
    shuffled = list(cards)
    rnd.shuffle(shuffled)
    assert evaluate(dims, shuffled, SCALE) == evaluate(dims, cards, SCALE)


@given(panels(), st.data())
def test_raising_one_rating_never_lowers_the_composite(panel, data):
    dims, cards = panel
    rated = [(ci, ri) for ci, c in enumerate(cards) for ri, (_, r) in enumerate(c.ratings)
             if r is not None and r < SCALE[1]]
    assume(rated)
    ci, ri = data.draw(st.sampled_from(rated))
    before = evaluate(dims, cards, SCALE).composite
    ratings = list(cards[ci].ratings)
    dim_id, value = ratings[ri]
    ratings[ri] = (dim_id, value + 1)
    raised = list(cards)
    raised[ci] = replace(cards[ci], ratings=tuple(ratings))
    assert evaluate(dims, raised, SCALE).composite >= before - 1e-12


@given(panels(), st.floats(0.01, 1000))
def test_scaling_all_weights_changes_nothing(panel, factor):
    dims, cards = panel
    scaled = [replace(d, weight=d.weight * factor) for d in dims]
    a, b = evaluate(dims, cards, SCALE), evaluate(scaled, cards, SCALE)
    assert a.recommendation == b.recommendation
    if a.composite is None:
        assert b.composite is None
    else:
        assert math.isclose(a.composite, b.composite, rel_tol=1e-9)
        assert math.isclose(a.coverage, b.coverage, rel_tol=1e-9)


@given(panels())
def test_not_assessed_never_counts_as_zero(panel):
    dims, cards = panel
    # adding a card that assesses nothing leaves every dimension's mean unchanged
    blank = Scorecard(999, "Blank", tuple((d.id, None) for d in dims))
    a, b = evaluate(dims, cards, SCALE), evaluate(dims, cards + [blank], SCALE)
    assert [d.mean for d in a.dimensions] == [d.mean for d in b.dimensions]
    assert a.composite == b.composite
    for d in a.dimensions:
        assert d.mean is None or d.mean >= SCALE[0]


@given(panels(min_cards=2))
def test_leave_one_out_and_equal_weights_match_recomputation(panel):
    dims, cards = panel
    s = Settings()
    result = evaluate(dims, cards, SCALE, s)
    full = band_for(dims, cards, SCALE, s)
    expected = tuple(c.interviewer for c in sorted(cards, key=lambda c: c.interviewer_id)
                     if band_for(dims, [x for x in cards if x is not c], SCALE, s) != full)
    assert result.pivotal_interviewers == expected
    equal = band_for([replace(d, weight=7.0) for d in dims], cards, SCALE, s)
    assert result.weight_sensitive == (equal != full)


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


# ------------------------------------------------------------------ worked examples

DIMS = [DimensionSpec(1, "People", 25), DimensionSpec(2, "Execution", 20),
        DimensionSpec(3, "Technical", 20), DimensionSpec(4, "Stakeholders", 20),
        DimensionSpec(5, "Operations", 10), DimensionSpec(6, "Culture", 5)]


def card(i, ratings, overall=3, flags=()):
    return Scorecard(i, f"Interviewer {i}", tuple(ratings.items()), overall, tuple(flags))


def test_a_solid_panel_is_a_hire_with_its_numbers_explained():
    cards = [card(1, {1: 3, 2: 3, 3: 3}), card(2, {3: 3, 4: 3, 5: 3}),
             card(3, {1: 3, 6: 3, 4: 4}, overall=4)]
    r = evaluate(DIMS, cards, SCALE)
    assert r.recommendation == HIRE
    assert r.coverage == pytest.approx(1.0)
    assert r.votes == {1: 0, 2: 0, 3: 2, 4: 1}
    assert not r.needs_discussion and not r.split_vote
    text = " ".join(r.explanation)
    assert f"{r.composite:.2f}" in text and "quorum 3" in text


def test_quorum_and_coverage_gate_the_recommendation():
    two = [card(1, {d.id: 4 for d in DIMS}), card(2, {d.id: 4 for d in DIMS})]
    r = evaluate(DIMS, two, SCALE)
    assert r.recommendation == NOT_ENOUGH and r.band_recommendation == "Strong hire"
    narrow = [card(i, {1: 4, 2: 4}) for i in range(3)]  # 45% of the weight
    r = evaluate(DIMS, narrow, SCALE)
    assert r.recommendation == NOT_ENOUGH
    assert "not assessed: Technical, Stakeholders, Operations, Culture" in " ".join(
        r.explanation)


def test_red_flags_and_strong_no_are_shown_not_averaged():
    cards = [card(1, {d.id: 4 for d in DIMS}), card(2, {d.id: 4 for d in DIMS}),
             card(3, {d.id: 4 for d in DIMS}, overall=1, flags=["Blames the team"])]
    r = evaluate(DIMS, cards, SCALE)
    assert r.recommendation == "Strong hire"  # the number is not changed by the flag
    assert r.needs_discussion
    assert r.red_flags == (("Interviewer 3", "Blames the team"),)
    assert r.strong_no_by == ("Interviewer 3",)
    assert r.split_vote


def test_calibration_finds_a_lenient_interviewer():
    history = []
    for candidate in range(6):
        for dim in (1, 2):
            history += [PastRating(1, candidate, dim, 4, 100 + candidate),
                        PastRating(2, candidate, dim, 2, 200 + candidate),
                        PastRating(3, candidate, dim, 2, 300 + candidate)]
    cards = [card(1, {d.id: 4 for d in DIMS}), card(2, {d.id: 2 for d in DIMS}),
             card(3, {d.id: 2 for d in DIMS})]
    r = evaluate(DIMS, cards, SCALE, history=history)
    found = {c.interviewer_id: c for c in r.calibrations}
    assert found[1].deviation == pytest.approx(2.0) and found[1].tendency == "lenient"
    assert found[2].deviation == pytest.approx(-1.0) and found[2].tendency == "severe"
    # on a panel with interviewers who have no history, only the lenient one moves
    cards = [card(1, {d.id: 4 for d in DIMS}), card(7, {d.id: 2 for d in DIMS}),
             card(8, {d.id: 2 for d in DIMS})]
    r = evaluate(DIMS, cards, SCALE, history=history)
    assert [c.interviewer_id for c in r.calibrations] == [1]
    assert r.calibrated_composite_100 == pytest.approx(100 * (2 - 1) / 3)
    assert r.composite_100 == pytest.approx(100 * (8 / 3 - 1) / 3)
