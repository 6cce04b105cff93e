"""Weighted hire recommendation for one candidate; the explanation consumes the result.

Plain, frozen data in; a DebriefResult out. The formula is declared (README, "Formulas"):
- one person, one voice: an interviewer's ratings of a dimension across their scorecards are
  averaged first; a dimension's score is the mean of those per-person values ("not assessed"
  excluded, never counted as zero);
- the composite is the weighted mean of the dimension scores, the weights renormalised over
  the assessed dimensions; on 0-100 it is 100 x (composite - lowest) / (highest - lowest);
- everything that decides a band is exact (`fractions.Fraction`); a shown score is floored at
  the decimals of the band thresholds, so it never contradicts its band;
- the quorum counts distinct interviewers with at least one assessed rating; a scorecard that
  assesses nothing is no evidence (listed in `empty_by`);
- coverage is the share of total weight that at least one interviewer assessed;
- red flags and Strong-no votes never move the number: they mark the result "needs
  discussion" and are listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .agreement import within_one
from .bands import (  # noqa: F401 (re-exported: the vocabulary's public home is scoring)
    HIRE,
    LEAN_NO,
    NO_HIRE,
    NOT_ENOUGH,
    STRONG_HIRE,
    VOTES,
    Settings,
    band,
    exact,
    score_places,
    show,
    show_percent,
)
from .calibration import Calibration, PastRating, calibrate  # noqa: F401 (re-exported)
from .explain import explain

# Bump when any number a debrief computes changes meaning: stored score snapshots made by
# another version are recomputed (services/snapshots.py, `flask snapshots refresh`).
FORMULA_VERSION = 2

Ratings = dict[int, dict[int, Fraction]]  # dimension id -> interviewer id -> their mean


@dataclass(frozen=True)
class DimensionSpec:
    id: int
    name: str
    weight: float


@dataclass(frozen=True)
class Scorecard:
    interviewer_id: int
    interviewer: str
    ratings: tuple[tuple[int, int | None], ...]  # (dimension id, rating or None)
    overall: int | None = None  # 1 Strong no .. 4 Strong yes
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DimensionResult:
    id: int
    name: str
    weight: float  # as configured (percent)
    effective_weight: Fraction  # renormalised over assessed dimensions (0-1), 0 if unassessed
    ratings: dict[int, Fraction]  # interviewer id -> their (averaged) rating
    count: int  # people who rated it
    mean: Fraction | None
    low: Fraction | None
    high: Fraction | None
    spread: Fraction | None
    contested: bool
    impact_100: Fraction | None  # points this dimension adds to 50/100 (scale midpoint)
    within_one: tuple[int, int] = (0, 0)  # (pairs within one point, pairs of people)

    @property
    def mean_shown(self) -> str:
        return show(self.mean, 2)

    @property
    def weight_shown(self) -> str:
        return show(self.effective_weight * 100) + "%" if self.count else "\u2014"

    @property
    def spread_shown(self) -> str:
        return "\u2014" if self.spread is None else _plain(self.spread)

    @property
    def agreement_shown(self) -> str:
        close, pairs = self.within_one
        return f"{show(Fraction(close * 100, pairs))}%" if pairs else "\u2014"

    def rating_shown(self, interviewer_id: int) -> str:
        """A person's rating of this dimension: 3, or 3.5 when their scorecards differ."""
        value = self.ratings.get(interviewer_id)
        return "\u00b7" if value is None else _plain(value)


def _plain(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else show(value, 2).rstrip("0")


@dataclass(frozen=True)
class DebriefResult:
    scale_min: int
    scale_max: int
    dimensions: tuple[DimensionResult, ...]
    composite: Fraction | None  # on the rating scale, exact
    composite_100: Fraction | None  # 0-100, exact; decides the band
    coverage: Fraction
    submitted: int  # submitted scorecards
    assessors: int  # distinct interviewers with at least one assessed rating: the quorum
    interviewers: tuple[tuple[int, str], ...]  # the assessors, by id
    empty_by: tuple[str, ...]  # submitted a scorecard that assessed nothing
    votes: dict[int, int]
    recommendation: str
    band_recommendation: str | None  # what the bands alone say, even without enough evidence
    needs_discussion: bool
    red_flags: tuple[tuple[str, str], ...]  # (interviewer, flag)
    strong_no_by: tuple[str, ...]
    contested: tuple[str, ...]
    split_vote: bool
    pivotal_interviewers: tuple[str, ...]  # leaving any one person out changes the band
    weight_sensitive: bool  # equal weights change the band
    equal_weights_recommendation: str  # the band under equal weights
    within_one: tuple[int, int]  # pooled over dimensions
    only_zero_weight: bool  # ratings exist, but only on dimensions weighted 0
    score_places: int  # decimals a 0-100 score is shown with
    calibrations: tuple[Calibration, ...] = ()
    calibrated_composite_100: Fraction | None = None
    explanation: tuple[str, ...] = field(default=())

    @property
    def score_shown(self) -> str:
        """The 0-100 score as every page and the PDF show it."""
        return show(self.composite_100, self.score_places)

    @property
    def composite_shown(self) -> str:
        return show(self.composite, 2)

    @property
    def calibrated_shown(self) -> str:
        return show(self.calibrated_composite_100, self.score_places)

    @property
    def coverage_shown(self) -> str:
        return show(self.coverage * 100, 0) + "%"

    @property
    def agreement_shown(self) -> str | None:
        close, pairs = self.within_one
        return f"{show(Fraction(close * 100, pairs))}%" if pairs else None


# ---------------------------------------------------------------------- core formula


def per_person(cards: list[Scorecard], dim_ids) -> Ratings:
    """One person, one voice: each interviewer's ratings of a dimension, averaged."""
    given: dict[int, dict[int, list[int]]] = {d: {} for d in dim_ids}
    for card in cards:
        for dim_id, rating in card.ratings:
            if rating is not None and dim_id in given:
                given[dim_id].setdefault(card.interviewer_id, []).append(rating)
    return {d: {i: Fraction(sum(v), len(v)) for i, v in people.items()}
            for d, people in given.items()}


Sums = dict[int, tuple[int, int, int]]  # dimension id -> (sum, common denominator, people)


def _sums(given: Ratings) -> Sums:
    """Each dimension's per-person values as integers: their sum over a common denominator,
    that denominator, and how many people. The mean is sum / (denominator x people); leaving
    one person out is one subtraction. A debrief takes a dozen composites (one per
    interviewer left out, equal weights, calibrated): Fraction arithmetic term by term (a gcd
    per operation) was most of its scoring time."""
    return {dim_id: _sum_of([(v.numerator, v.denominator) for v in people.values()])
            for dim_id, people in given.items()}


def _sum_of(values: list[tuple[int, int]]) -> tuple[int, int, int]:
    """(numerator, denominator) pairs -> (their sum over a common denominator, it, count)."""
    common = math.lcm(*(den for _, den in values))
    return sum(num * (common // den) for num, den in values), common, len(values)


def _without(sums: Sums, given: Ratings, interviewer: int) -> Sums:
    """The sums with one interviewer's values taken out."""
    left = dict(sums)
    for dim_id, people in given.items():
        if interviewer in people:
            value, (total, common, count) = people[interviewer], sums[dim_id]
            left[dim_id] = (total - value.numerator * (common // value.denominator), common,
                            count - 1)
    return left


def _mean(values) -> Fraction:
    """The exact mean of integers and Fractions (at least one)."""
    total, common, count = _sum_of([(v.numerator, v.denominator) for v in values])
    return Fraction(total, common * count)


Weights = list[tuple[int, int, int]]  # (dimension id, weight numerator, weight denominator)


def _weights(dims) -> Weights:
    """Each dimension's weight, exactly, as integers (read once per debrief, not once per
    composite)."""
    return [(d.id, w.numerator, w.denominator) for d in dims for w in (exact(d.weight),)]


def _composite(weights: Weights, sums: Sums) -> Fraction | None:
    """Sum of weight x mean over the assessed dimensions, divided by the sum of their
    weights. Both sums are kept as integer fractions over a running common denominator and
    reduced once, at the end."""
    top, top_den, total, total_den = 0, 1, 0, 1
    for dim_id, weight, weight_den in weights:
        values, common, count = sums[dim_id]
        if count:
            mean_den = common * count
            top, top_den = (top * weight_den * mean_den + weight * values * top_den,
                            top_den * weight_den * mean_den)
            total, total_den = total * weight_den + weight * total_den, total_den * weight_den
    if not total:
        return None
    return Fraction(top * total_den, top_den * total)


def to_100(value: Fraction | None, low: int, high: int) -> Fraction | None:
    if value is None:
        return None
    if high <= low:
        return Fraction(100)
    value = exact(value)
    return Fraction(100 * (value.numerator - low * value.denominator),
                    value.denominator * (high - low))


def _band(weights: Weights, sums: Sums, scale, settings) -> str | None:
    return band(to_100(_composite(weights, sums), *scale), settings)


def _dimension_results(dims, given: Ratings, scale, settings) -> list[DimensionResult]:
    assessed = sum(exact(d.weight) for d in dims if given[d.id])
    midpoint = Fraction(scale[0] + scale[1], 2)
    results = []
    for d in dims:
        values = sorted(given[d.id].values())
        average = _mean(values) if values else None
        share = exact(d.weight) / assessed if values and assessed else Fraction(0)
        spread = values[-1] - values[0] if values else None
        results.append(DimensionResult(
            id=d.id, name=d.name, weight=d.weight, effective_weight=share,
            ratings=dict(given[d.id]), count=len(values), mean=average,
            low=values[0] if values else None, high=values[-1] if values else None,
            spread=spread,
            contested=spread is not None and spread >= settings.disagreement_spread,
            impact_100=(100 * share * (average - midpoint) / (scale[1] - scale[0])
                        if average is not None and scale[1] > scale[0] else None),
            within_one=within_one(values)))
    return results


def _calibrated(weights: Weights, given: Ratings, calibrations, scale) -> Fraction | None:
    """The composite with each interviewer's estimated effect taken off their ratings, each
    adjusted rating clamped to the scale (in integers: rating - effect = num / den)."""
    shift = {c.interviewer_id: exact(c.deviation) for c in calibrations}
    low, high = scale
    sums = {}
    for dim_id, people in given.items():
        adjusted = []
        for interviewer, rating in people.items():
            effect = shift.get(interviewer, Fraction(0))
            den = rating.denominator * effect.denominator
            num = rating.numerator * effect.denominator - effect.numerator * rating.denominator
            adjusted.append((min(high * den, max(low * den, num)), den))
        sums[dim_id] = _sum_of(adjusted)
    return to_100(_composite(weights, sums), *scale)


# ---------------------------------------------------------------------- the debrief


def evaluate(dims: list[DimensionSpec], cards: list[Scorecard], scale: tuple[int, int],
             settings: Settings | None = None,
             history: list[PastRating] | None = None,
             calibrations: list[Calibration] | None = None) -> DebriefResult:
    """`calibrations`, when given, are rater effects fitted earlier (the stored estimates
    a debrief reads); else they are fitted here from `history`."""
    settings = settings or Settings()
    dims, cards = list(dims), sorted(cards, key=lambda c: c.interviewer_id)
    given = per_person(cards, [d.id for d in dims])
    results = _dimension_results(dims, given, scale, settings)
    weights, sums = _weights(dims), _sums(given)
    composite = _composite(weights, sums)
    composite_100 = to_100(composite, *scale)
    banded = band(composite_100, settings)
    total = sum(exact(d.weight) for d in dims)
    coverage = (sum(exact(d.weight) for d in dims if given[d.id]) / total
                if total else Fraction(0))

    names = {c.interviewer_id: c.interviewer for c in cards}
    assessing = sorted({i for people in given.values() for i in people})
    empty = [c for c in cards if all(r is None or d not in given for d, r in c.ratings)]
    enough = len(assessing) >= settings.quorum and coverage >= exact(settings.min_coverage)

    votes = dict.fromkeys(VOTES, 0)
    for card in cards:
        if card.overall in votes:
            votes[card.overall] += 1
    red_flags = tuple((c.interviewer, f) for c in cards for f in c.red_flags)
    strong_no = tuple(c.interviewer for c in cards if c.overall == 1)
    pivotal = tuple(names[i] for i in assessing if len(assessing) > 1
                    and _band(weights, _without(sums, given, i), scale, settings) != banded)
    equal_band = _band([(d.id, 1, 1) for d in dims], sums, scale, settings)
    close = sum(r.within_one[0] for r in results)
    pairs = sum(r.within_one[1] for r in results)

    if calibrations is None:
        calibrations = calibrate(history or [], {i: names[i] for i in assessing}, settings)
    calibrations = tuple(c for c in calibrations if c.interviewer_id in assessing)
    result = DebriefResult(
        scale_min=scale[0], scale_max=scale[1], dimensions=tuple(results),
        composite=composite, composite_100=composite_100, coverage=coverage,
        submitted=len(cards), assessors=len(assessing),
        interviewers=tuple((i, names[i]) for i in assessing),
        empty_by=tuple(dict.fromkeys(c.interviewer for c in empty)),
        votes=votes, recommendation=(banded if enough and banded else NOT_ENOUGH),
        band_recommendation=banded,
        needs_discussion=bool(red_flags or strong_no), red_flags=red_flags,
        strong_no_by=strong_no, contested=tuple(d.name for d in results if d.contested),
        split_vote=(votes[1] + votes[2]) > 0 and (votes[3] + votes[4]) > 0,
        pivotal_interviewers=pivotal, weight_sensitive=equal_band != banded,
        equal_weights_recommendation=equal_band or NOT_ENOUGH, within_one=(close, pairs),
        only_zero_weight=composite is None and bool(assessing),
        score_places=score_places(settings), calibrations=calibrations,
        calibrated_composite_100=(_calibrated(weights, given, calibrations, scale)
                                  if calibrations else None))
    return replace(result, explanation=tuple(explain(result, settings)))
