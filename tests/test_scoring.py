"""The scoring formula against independent oracles: hand-computed exact fractions, and a
Fraction-based oracle written here from the README's "Formulas" section (it never calls the
code under test)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hiring.core.scoring import (
    HIRE,
    LEAN_NO,
    NO_HIRE,
    NOT_ENOUGH,
    STRONG_HIRE,
    DimensionSpec,
    Scorecard,
    Settings,
    evaluate,
)

SCALE = (1, 4)
WEIGHTS = st.one_of(st.integers(0, 40), st.sampled_from([0.5, 12.5, 33.3, 7.25, 0.1]))


@st.composite
def panels(draw, min_people=1):
    n_dims = draw(st.integers(1, 6))
    dims = [DimensionSpec(i, f"D{i}", draw(WEIGHTS)) for i in range(n_dims)]
    n_cards = draw(st.integers(min_people, 7))
    cards = []
    for _ in range(n_cards):
        ratings = tuple((d.id, draw(st.one_of(st.none(), st.integers(*SCALE)))) for d in dims)
        person = draw(st.integers(0, n_cards - 1))  # some people fill in two scorecards
        cards.append(Scorecard(100 + person, f"I{person}", ratings,
                               overall=draw(st.one_of(st.none(), st.integers(1, 4)))))
    return dims, cards


# ------------------------------------------------------------ the oracle (README formulas)


def oracle(dims, cards, scale=SCALE):
    """README: person mean per dimension; dimension mean of person means; composite = sum of
    w x mean / sum of w over assessed dimensions; 0-100 = 100 (c - lo) / (hi - lo); bands
    compared exactly; quorum = people with an assessed rating; coverage = assessed weight /
    total weight."""
    lo, hi = scale
    weight = {d.id: F(str(d.weight)) for d in dims}
    person: dict = {}
    for c in cards:
        for dim, r in c.ratings:
            if r is not None:
                person.setdefault(dim, {}).setdefault(c.interviewer_id, []).append(r)
    means = {dim: sum(F(sum(v), len(v)) for v in p.values()) / len(p)
             for dim, p in person.items()}
    total_assessed = sum(weight[d] for d in means)
    composite = (sum(weight[d] * means[d] for d in means) / total_assessed
                 if total_assessed else None)
    score = None if composite is None else 100 * (composite - lo) / (hi - lo)
    if score is None:
        banded = None
    elif score >= 80:
        banded = STRONG_HIRE
    elif score >= 60:
        banded = HIRE
    elif score >= 35:
        banded = LEAN_NO
    else:
        banded = NO_HIRE
    total = sum(weight.values())
    coverage = total_assessed / total if total else F(0)
    people = {i for p in person.values() for i in p}
    enough = len(people) >= 3 and coverage >= F(4, 5) and banded is not None
    return score, banded, (banded if enough else NOT_ENOUGH), coverage, len(people)


@given(panels())
def test_matches_the_exact_oracle(panel):
    dims, cards = panel
    score, banded, recommendation, coverage, people = oracle(dims, cards)
    r = evaluate(dims, cards, SCALE)
    assert r.composite_100 == score
    assert r.band_recommendation == banded
    assert r.recommendation == recommendation
    assert r.coverage == coverage
    assert r.assessors == people
    if score is not None:  # the shown number never contradicts the band
        shown = int(r.score_shown)
        assert shown <= score < shown + 1
        for threshold, label in ((80, STRONG_HIRE), (60, HIRE), (35, LEAN_NO)):
            if banded == label:
                assert shown >= threshold


@given(panels(), st.randoms())
def test_interviewer_order_does_not_matter(panel, rnd):
    dims, cards = panel
    shuffled = list(cards)
    rnd.shuffle(shuffled)
    a, b = evaluate(dims, shuffled, SCALE), evaluate(dims, cards, SCALE)
    assert (a.composite_100, a.recommendation, a.pivotal_interviewers, a.votes) == (
        b.composite_100, b.recommendation, b.pivotal_interviewers, b.votes)


@given(panels(), st.data())
def test_splitting_one_persons_scorecard_in_two_changes_nothing(panel, data):
    dims, cards = panel
    index = data.draw(st.integers(0, len(cards) - 1))
    card = cards[index]
    cut = data.draw(st.integers(0, len(card.ratings)))
    first = replace(card, ratings=tuple(card.ratings[:cut]))
    second = replace(card, ratings=tuple(card.ratings[cut:]), overall=None)
    split = cards[:index] + [first, second] + cards[index + 1:]
    a, b = evaluate(dims, cards, SCALE), evaluate(dims, split, SCALE)
    assert (a.composite_100, a.recommendation, a.assessors, a.coverage) == (
        b.composite_100, b.recommendation, b.assessors, b.coverage)


@given(panels())
def test_an_empty_scorecard_is_no_evidence(panel):
    dims, cards = panel
    blank = Scorecard(999, "Blank", tuple((d.id, None) for d in dims), overall=4)
    a, b = evaluate(dims, cards, SCALE), evaluate(dims, cards + [blank], SCALE)
    assert [d.mean for d in a.dimensions] == [d.mean for d in b.dimensions]
    assert (a.composite_100, a.recommendation, a.assessors) == (
        b.composite_100, b.recommendation, b.assessors)
    assert "Blank" in b.empty_by and "Blank" not in a.empty_by


@given(panels(), st.sampled_from([F(1, 3), F(7), F(1000), F(1, 100)]))
def test_scaling_all_weights_changes_nothing_exactly(panel, factor):
    dims, cards = panel
    scaled = [replace(d, weight=F(str(d.weight)) * factor) for d in dims]
    a, b = evaluate(dims, cards, SCALE), evaluate(scaled, cards, SCALE)
    assert (a.composite_100, a.coverage, a.recommendation) == (
        b.composite_100, b.coverage, b.recommendation)


@given(panels(), st.data())
def test_raising_one_rating_never_lowers_the_composite(panel, data):
    dims, cards = panel
    rated = [(ci, ri) for ci, c in enumerate(cards) for ri, (_, r) in enumerate(c.ratings)
             if r is not None and r < SCALE[1]]
    assume(rated)
    ci, ri = data.draw(st.sampled_from(rated))
    before = evaluate(dims, cards, SCALE).composite
    assume(before is not None)  # only zero-weight dimensions rated: no score to compare
    ratings = list(cards[ci].ratings)
    ratings[ri] = (ratings[ri][0], ratings[ri][1] + 1)
    raised = list(cards)
    raised[ci] = replace(cards[ci], ratings=tuple(ratings))
    assert evaluate(dims, raised, SCALE).composite >= before


@given(panels(min_people=2))
def test_leave_one_person_out_matches_the_oracle(panel):
    dims, cards = panel
    r = evaluate(dims, cards, SCALE)
    people = sorted({c.interviewer_id for c in cards
                     if any(v is not None for _, v in c.ratings)})
    expected = tuple(f"I{i - 100}" for i in people if len(people) > 1 and oracle(
        dims, [c for c in cards if c.interviewer_id != i])[1] != oracle(dims, cards)[1])
    assert r.pivotal_interviewers == expected
    equal = oracle([replace(d, weight=1) for d in dims], cards)[1]
    assert r.weight_sensitive == (equal != oracle(dims, cards)[1])


# ------------------------------------------------------------------ exact band edges


def one_dim_panel(ratings, weight=100):
    dims = [DimensionSpec(1, "Only", weight)]
    return dims, [Scorecard(i, f"P{i}", ((1, r),), overall=3) for i, r in enumerate(ratings)]


def test_exactly_60_is_hire_and_shown_as_60():
    r = evaluate(*one_dim_panel([1, 1, 4, 4, 4]), SCALE)  # mean 14/5; (14/5 - 1)/3 = 3/5
    assert r.composite == F(14, 5) and r.composite_100 == 60
    assert r.recommendation == HIRE and r.score_shown == "60"
    assert "60/100" in r.explanation[0] and "falls in \u201cHire\u201d" in r.explanation[2]


def test_exactly_80_with_weights_30_30_20_20_is_strong_hire():
    dims = [DimensionSpec(1, "A", 30), DimensionSpec(2, "B", 30), DimensionSpec(3, "C", 20),
            DimensionSpec(4, "D", 20)]
    ratings = ((1, 4), (2, 4), (3, 3), (4, 2))  # (120 + 120 + 60 + 40) / 100 = 17/5
    cards = [Scorecard(i, f"P{i}", ratings) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    assert r.composite == F(17, 5) and r.composite_100 == 80
    assert r.recommendation == STRONG_HIRE and r.score_shown == "80"


def test_exactly_35_is_lean_no():
    dims = [DimensionSpec(1, "A", 35), DimensionSpec(2, "B", 65)]
    cards = [Scorecard(i, f"P{i}", ((1, 4), (2, 1))) for i in range(3)]  # 1 + 105/100
    r = evaluate(dims, cards, SCALE)
    assert r.composite_100 == 35 and r.recommendation == LEAN_NO and r.score_shown == "35"


def test_just_below_an_edge_is_shown_below_it():
    # 1, 1, 4, 4, 3 on 1-4: mean 13/5, (13/5 - 1)/3 = 8/15 = 53.33..: shown 53, Lean no
    r = evaluate(*one_dim_panel([1, 1, 4, 4, 3]), SCALE)
    assert r.composite_100 == F(160, 3) and r.score_shown == "53" and r.recommendation == LEAN_NO
    # 59.99..: ratings on 1-5 giving 2.8/4 ... use a fractional threshold instead
    s = Settings(hire_at=53.4)
    r = evaluate(*one_dim_panel([1, 1, 4, 4, 3]), SCALE, s)
    assert r.score_shown == "53.3" and r.recommendation == LEAN_NO
    r = evaluate(*one_dim_panel([1, 1, 4, 4, 3]), SCALE, Settings(hire_at=53.3))
    assert r.score_shown == "53.3" and r.recommendation == HIRE


def test_a_hand_computed_five_point_panel():
    # scale 1-5, weights 25/25/50. A: 5, 4 (person means) -> 9/2; B: 3 -> 3; C: 2, 3 -> 5/2
    # composite = (25*9/2 + 25*3 + 50*5/2) / 100 = (225/2 + 75 + 125)/100 = 625/200 = 25/8
    # 0-100 = 100 * (25/8 - 1) / 4 = 425/8 = 53.125
    dims = [DimensionSpec(1, "A", 25), DimensionSpec(2, "B", 25), DimensionSpec(3, "C", 50)]
    cards = [Scorecard(1, "X", ((1, 5), (2, 3), (3, 2))), Scorecard(2, "Y", ((1, 4), (3, 3))),
             Scorecard(3, "Z", ((2, None),))]
    r = evaluate(dims, cards, (1, 5))
    assert r.composite == F(25, 8) and r.composite_100 == F(425, 8)
    assert r.score_shown == "53" and r.assessors == 2 and r.empty_by == ("Z",)
    assert (r.scale_min, r.scale_max) == (1, 5)
    assert r.recommendation == NOT_ENOUGH  # two people, quorum 3


# ------------------------------------------------------------------ one person, one voice


def test_one_person_two_scorecards_is_one_voice_and_one_quorum_seat():
    dims = [DimensionSpec(1, "A", 100)]
    cards = [Scorecard(1, "Ann", ((1, 4),)), Scorecard(1, "Ann", ((1, 2),)),
             Scorecard(2, "Bo", ((1, 1),))]
    r = evaluate(dims, cards, SCALE)
    # Ann's mean 3, Bo 1: dimension mean 2 (not (4+2+1)/3 and not Ann's last card)
    assert r.dimensions[0].mean == 2 and r.dimensions[0].ratings == {1: 3, 2: 1}
    assert r.assessors == 2 and r.recommendation == NOT_ENOUGH
    assert r.submitted == 3


def test_two_real_and_one_empty_scorecard_is_not_enough():
    dims = [DimensionSpec(1, "A", 50), DimensionSpec(2, "B", 50)]
    cards = [Scorecard(1, "Ann", ((1, 4), (2, 4))), Scorecard(2, "Bo", ((1, 4), (2, 3))),
             Scorecard(3, "Cy", ((1, None), (2, None)), overall=4)]
    r = evaluate(dims, cards, SCALE)
    assert r.band_recommendation == STRONG_HIRE and r.recommendation == NOT_ENOUGH
    assert r.empty_by == ("Cy",)
    text = " ".join(r.explanation)
    assert "only 2 of 3 interviewers" in text and "without assessing any dimension" in text


# ------------------------------------------------------------------ worked examples
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
    assert r.composite_shown in text and "quorum 3" in text


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


def test_leaving_out_one_person_hand_example():
    # 4, 4, 1 on one dimension: 3 -> 66.7 Hire; without P2 (the 1): 4 -> 100 Strong hire;
    # without P0 or P1: 5/2 -> 50 Lean no. Everyone is pivotal.
    r = evaluate(*one_dim_panel([4, 4, 1]), SCALE)
    assert r.recommendation == HIRE and r.pivotal_interviewers == ("P0", "P1", "P2")
    # 3, 3, 3, 3: leaving anyone out keeps 66.7
    r = evaluate(*one_dim_panel([3, 3, 3, 3]), SCALE)
    assert r.pivotal_interviewers == () and "Robust to any one interviewer" in " ".join(
        r.explanation)


def test_leaving_out_one_person_needs_two_people_and_two_are_enough():
    # One person rating 4: composite 4 -> 100, but nobody is left to compare without them,
    # so nobody is pivotal (leaving out the only assessor would leave no score at all).
    r = evaluate(*one_dim_panel([4]), SCALE)
    assert r.composite_100 == 100 and r.pivotal_interviewers == ()
    # Two people, 4 and 1: (4 + 1)/2 = 5/2 -> 100 (5/2 - 1)/3 = 50, Lean no. Without P0
    # only the 1 is left: 0, No hire; without P1 only the 4: 100, Strong hire. Both pivotal.
    r = evaluate(*one_dim_panel([4, 1]), SCALE)
    assert r.composite_100 == 50 and r.band_recommendation == LEAN_NO
    assert r.pivotal_interviewers == ("P0", "P1")


def test_largest_parts_are_what_moved_the_score_not_the_heaviest_weights():
    # Heavy (60) rated 3 (close to the 2.5 midpoint): +10; Light (40) rated 1: -20 points
    dims = [DimensionSpec(1, "Heavy", 60), DimensionSpec(2, "Light", 40)]
    cards = [Scorecard(i, f"P{i}", ((1, 3), (2, 1))) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    # composite = (180 + 40)/100 = 11/5 -> 40/100 = 50 + 60%*(1/2)/3*100 - 40%*(3/2)/3*100
    assert r.composite_100 == 40
    assert [d.impact_100 for d in r.dimensions] == [10, -20]
    # equal weights: (3 + 1)/2 = 2 -> 100/3 = 33.3, No hire; the weights decide it
    assert r.equal_weights_recommendation == NO_HIRE and r.weight_sensitive
    line = r.explanation[1]
    assert line.index("Light \u221220.0") < line.index("Heavy +10.0")


def test_only_zero_weight_dimensions_rated_says_so():
    dims = [DimensionSpec(1, "Counts", 100), DimensionSpec(2, "Extra", 0)]
    cards = [Scorecard(i, f"P{i}", ((2, 4),)) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    assert r.composite is None and r.only_zero_weight
    assert [d.effective_weight for d in r.dimensions] == [0, 0]  # nothing weighs anything
    assert r.explanation[0].startswith("Only dimensions weighted 0 were rated (Extra)")
    assert "weight" not in r.explanation[0].split("(Extra)")[1].replace("weighted", "")


def test_all_weights_zero_is_no_coverage_and_no_score():
    # Total weight 0 + 0 = 0: coverage is 0 (not 0/0, and not "all of nothing" = 1); no
    # dimension weighs anything, so there is no composite and no band.
    dims = [DimensionSpec(1, "A", 0), DimensionSpec(2, "B", 0)]
    cards = [Scorecard(i, f"P{i}", ((1, 4), (2, 3))) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    assert r.coverage == 0 and r.coverage_shown == "0%"
    assert r.composite is None and r.composite_100 is None and r.only_zero_weight
    assert r.band_recommendation is None and r.recommendation == NOT_ENOUGH
    assert r.assessors == 3 and r.pivotal_interviewers == ()


def test_contested_prose_uses_the_setting():
    r = evaluate(*one_dim_panel([1, 4, 4]), SCALE, Settings(disagreement_spread=3))
    assert "Ratings span 3 or more points on: Only." in r.explanation
    r = evaluate(*one_dim_panel([2, 4, 4]), SCALE, Settings(disagreement_spread=3))
    assert not r.contested


def test_within_one_point_per_dimension_and_overall():
    dims = [DimensionSpec(1, "A", 50), DimensionSpec(2, "B", 50)]
    cards = [Scorecard(1, "X", ((1, 1), (2, 3))), Scorecard(2, "Y", ((1, 2), (2, 3))),
             Scorecard(3, "Z", ((1, 4), (2, None)))]
    r = evaluate(dims, cards, SCALE)
    # A: pairs (1,2) yes, (1,4) no, (2,4) no -> 1 of 3; B: (3,3) -> 1 of 1; overall 2 of 4
    assert [d.within_one for d in r.dimensions] == [(1, 3), (1, 1)]
    assert [(d.id, d.name, d.weight, d.low, d.high, d.count) for d in r.dimensions] == [
        (1, "A", 50, 1, 4, 3), (2, "B", 50, 3, 3, 2)]
    assert r.within_one == (2, 4) and r.agreement_shown == "50%"


def test_shown_forms_of_people_ratings_and_shares():
    from hiring.core.bands import show_percent

    dims = [DimensionSpec(1, "A", 100)]
    cards = [Scorecard(1, "Ann", ((1, 4),)), Scorecard(1, "Ann", ((1, 3),)),
             Scorecard(2, "Bo", ((1, 2),)), Scorecard(3, "Cy", ((1, 1),)),
             Scorecard(3, "Cy", ((1, 2),)), Scorecard(3, "Cy", ((1, 2),))]
    [d] = evaluate(dims, cards, SCALE).dimensions
    assert d.rating_shown(1) == "3.5" and d.rating_shown(2) == "2"
    assert d.rating_shown(3) == "1.66"  # 5/3 rounded down, like every shown number
    assert d.rating_shown(99) == "\u00b7"
    assert d.spread_shown == "1.83"  # 7/2 - 5/3 = 11/6
    assert d.mean_shown == "2.38"  # (7/2 + 2 + 5/3)/3 = 43/18
    assert d.weight_shown == "100%" and d.agreement_shown == "33%"  # only (2, 5/3) within 1
    assert show_percent(2, 3) == "66%" and show_percent(1, 1) == "100%"
    assert show_percent(0, 7) == "0%"


def test_exact_decimals_and_the_shown_floor():
    from hiring.core.bands import band, decimals, exact, floor_to, score_places, show

    assert exact(33.3) == F(333, 10) and exact(7) == 7 and exact(F(1, 3)) == F(1, 3)
    with pytest.raises(ValueError, match="finite"):
        exact(float("inf"))
    assert [decimals(x) for x in (60, 62.5, 0.125, 1e-7, 1e-9, F(1, 3))] == [0, 1, 3, 6, 6, 6]
    assert floor_to(F(5999, 100), 0) == 59 and floor_to(F(5999, 100), 1) == F(599, 10)
    assert floor_to(F(-1, 3), 0) == -1
    assert show(None) == "\u2014" and show(F(1199, 20)) == "59" and show(F(60)) == "60"
    assert show(F(1199, 20), 1) == "59.9" and show(F(2, 3), 2) == "0.66"
    assert score_places(Settings()) == 0 and score_places(Settings(hire_at=62.25)) == 2
    assert band(None, Settings()) is None
    edges = [(80, STRONG_HIRE), (F(7999, 100), HIRE), (60, HIRE), (F(5999, 100), LEAN_NO),
             (35, LEAN_NO), (F(3499, 100), NO_HIRE), (0, NO_HIRE), (100, STRONG_HIRE)]
    assert [band(x, Settings()) for x, _ in edges] == [label for _, label in edges]


def test_a_one_point_scale_maps_to_100():
    r = evaluate(*one_dim_panel([1, 1, 1]), (1, 1))
    assert r.composite_100 == 100 and r.recommendation == STRONG_HIRE


def test_huge_ids_long_names_and_nul_bytes_pass_through():
    name = "N\x00" + "w" * 20_000
    dims = [DimensionSpec(2**63 - 1, name, 100)]
    cards = [Scorecard(2**63 - i, name + str(i), ((2**63 - 1, 3),), overall=1) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    assert r.composite_100 == F(200, 3) and r.recommendation == HIRE
    assert r.interviewers[0] == (2**63 - 2, name + "2") and name + "0" in r.strong_no_by


def test_coverage_exactly_at_the_threshold_is_enough():
    # 80 of 100 weight assessed: coverage exactly 4/5, the default minimum
    dims = [DimensionSpec(1, "Assessed", 80), DimensionSpec(2, "Missing", 20)]
    cards = [Scorecard(i, f"P{i}", ((1, 3), (2, None))) for i in range(3)]
    r = evaluate(dims, cards, SCALE)
    assert r.coverage == F(4, 5) and r.recommendation == HIRE and r.coverage_shown == "80%"
    r = evaluate([replace(dims[0], weight=79.9), replace(dims[1], weight=20.1)], cards, SCALE)
    assert r.recommendation == NOT_ENOUGH and r.coverage_shown == "79%"


def test_discussion_split_votes_and_flags_each_on_their_own():
    dims = [DimensionSpec(1, "A", 100)]
    flagged = [Scorecard(1, "A1", ((1, 3),), overall=3, red_flags=("Blames others",)),
               Scorecard(2, "A2", ((1, 3),), overall=2), Scorecard(3, "A3", ((1, 3),), overall=3)]
    r = evaluate(dims, flagged, SCALE)
    assert r.needs_discussion and r.strong_no_by == () and r.split_vote  # No 1 vs Yes 2
    lone_yes = [Scorecard(1, "B1", ((1, 3),), overall=2), Scorecard(2, "B2", ((1, 3),), overall=3)]
    assert evaluate(dims, lone_yes, SCALE).split_vote  # one No, one Yes
    strong_yes = [Scorecard(1, "E1", ((1, 3),), overall=2),
                  Scorecard(2, "E2", ((1, 3),), overall=4)]
    assert evaluate(dims, strong_yes, SCALE).split_vote  # one No, one Strong yes
    against = [Scorecard(1, "F1", ((1, 3),), overall=1), Scorecard(2, "F2", ((1, 3),), overall=2)]
    assert not evaluate(dims, against, SCALE).split_vote  # all against: no split
    agreed = [Scorecard(1, "C1", ((1, 3),), overall=4), Scorecard(2, "C2", ((1, 3),), overall=3)]
    r = evaluate(dims, agreed, SCALE)
    assert not r.split_vote and not r.needs_discussion
    assert r.calibrated_composite_100 is None and r.calibrations == ()  # no history
    nothing = evaluate(dims, [Scorecard(1, "D1", ((1, None),))], SCALE)
    assert nothing.composite is None and not nothing.only_zero_weight
    assert not r.only_zero_weight  # a score exists


def test_stored_calibrations_are_applied_as_given_by_hand():
    """Rater effects fitted earlier (what a debrief reads from storage) are applied as
    given, without fitting: A (+1 point lenient) rates 4, B (no estimate) rates 2, one
    dimension on 1-4. Calibrated ratings 3 and 2, mean 5/2: (5/2 - 1) / 3 = 50/100; raw mean
    3: 200/3. An estimate of someone not on the panel (C) is left out of the result."""
    from hiring.core.scoring import Calibration

    dims = [DimensionSpec(1, "Only", 1)]
    cards = [Scorecard(1, "A", ((1, 4),), overall=3), Scorecard(2, "B", ((1, 2),), overall=2)]
    stored = [Calibration(1, "A", 5, 1.0, 20, 0.1, "lenient"),
              Calibration(3, "C", 5, -2.0, 20, 0.1, "severe")]
    r = evaluate(dims, cards, SCALE, Settings(), history=[], calibrations=stored)
    assert r.calibrated_composite_100 == 50
    assert r.composite_100 == F(200, 3)
    assert [c.interviewer_id for c in r.calibrations] == [1]


def test_stored_calibrations_are_clamped_to_the_scale_by_hand():
    """Calibrated ratings are person means minus stored effects, clamped to the scale, in
    fractions whose denominators are not 1. One dimension on 1-4, weight 30:
    A (two scorecards, 4 and 3: 7/2), effect -0.75 (severe): 7/2 + 3/4 = 17/4 > 4 -> 4;
    B rates 1, effect +0.5 (lenient): 1 - 1/2 = 1/2 < 1 -> 1;
    C rates 3, effect +0.25: 3 - 1/4 = 11/4 (inside the scale, kept).
    Calibrated mean (4 + 1 + 11/4)/3 = (31/4)/3 = 31/12; 0-100: 100 (31/12 - 1)/3
    = 100 x 19/36 = 475/9 = 52.77.., shown 52. Unclamped it would be (17/4 + 2/4 + 11/4)/3
    = 5/2 -> 50; clamping only the top, (16/4 + 2/4 + 11/4)/3 = 29/12 -> 100 x 17/36 = 425/9.
    Raw: (7/2 + 1 + 3)/3 = 5/2 -> 100 (3/2)/3 = 50."""
    from hiring.core.scoring import Calibration

    dims = [DimensionSpec(1, "Only", 30)]
    cards = [Scorecard(1, "A", ((1, 4),)), Scorecard(1, "A", ((1, 3),)),
             Scorecard(2, "B", ((1, 1),)), Scorecard(3, "C", ((1, 3),))]
    stored = [Calibration(1, "A", 8, -0.75, 30, 0.1, "severe"),
              Calibration(2, "B", 8, 0.5, 30, 0.1, "lenient"),
              Calibration(3, "C", 8, 0.25, 30, 0.1, "lenient")]
    r = evaluate(dims, cards, SCALE, calibrations=stored)
    assert r.calibrated_composite_100 == F(475, 9) and r.calibrated_shown == "52"
    assert r.composite_100 == 50
