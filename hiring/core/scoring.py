"""Weighted hire recommendation for one candidate, with its explanation.

Plain, frozen data in; a DebriefResult out. The formula is declared, not discussed:
- each dimension's score is the mean of the ratings it received ("not assessed" excluded,
  never counted as zero);
- the composite is the weighted mean of those scores, the weights renormalised over the
  dimensions that were actually assessed;
- coverage is the share of total weight that at least one interviewer assessed;
- the recommendation comes from bands on the 0-100 composite, unless there are fewer
  submitted scorecards than the quorum or coverage is below its threshold (then "Not enough
  evidence"). Red flags and Strong-no votes never move the number: they mark the result
  "needs discussion" and are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from statistics import mean

from .agreement import ordinal_alpha

STRONG_HIRE, HIRE, LEAN_NO, NO_HIRE = "Strong hire", "Hire", "Lean no", "No hire"
NOT_ENOUGH = "Not enough evidence"
VOTES = {1: "Strong no", 2: "No", 3: "Yes", 4: "Strong yes"}


@dataclass(frozen=True)
class Settings:
    """Decision settings; each requisition may override them."""

    strong_hire_at: float = 80.0  # composite 0-100 at or above which: Strong hire
    hire_at: float = 60.0
    lean_no_at: float = 35.0  # below this: No hire
    quorum: int = 3  # submitted scorecards needed
    min_coverage: float = 0.8  # share of total weight assessed
    disagreement_spread: int = 2  # max - min rating at which a dimension is contested
    calibration_min_scorecards: int = 5


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
    concern: str = ""


@dataclass(frozen=True)
class PastRating:
    """A submitted rating anywhere, for interviewer calibration."""

    interviewer_id: int
    candidate_id: int
    dimension_id: int
    rating: int
    scorecard_id: int


@dataclass(frozen=True)
class DimensionResult:
    id: int
    name: str
    weight: float  # as configured (percent)
    effective_weight: float  # renormalised over assessed dimensions (0-1), 0 if unassessed
    ratings: dict[int, int]  # interviewer id -> rating
    count: int
    mean: float | None
    low: int | None
    high: int | None
    spread: int | None
    contested: bool


@dataclass(frozen=True)
class Calibration:
    interviewer_id: int
    interviewer: str
    scorecards: int
    deviation: float  # mean (own rating - co-panelists' mean); > 0 lenient, < 0 severe
    compared: int

    @property
    def tendency(self) -> str:
        if abs(self.deviation) < 0.25:
            return "in line with peers"
        return "lenient" if self.deviation > 0 else "severe"


@dataclass(frozen=True)
class DebriefResult:
    scale_min: int
    scale_max: int
    dimensions: tuple[DimensionResult, ...]
    composite: float | None  # on the rating scale
    composite_100: float | None
    coverage: float
    submitted: int
    votes: dict[int, int]
    recommendation: str
    band_recommendation: str | None  # what the bands alone say, even without enough evidence
    needs_discussion: bool
    red_flags: tuple[tuple[str, str], ...]  # (interviewer, flag)
    strong_no_by: tuple[str, ...]
    contested: tuple[str, ...]
    split_vote: bool
    pivotal_interviewers: tuple[str, ...]  # leaving any one out changes the band
    weight_sensitive: bool  # equal weights change the band
    equal_weights_recommendation: str  # the band under equal weights
    alpha: float | None
    calibrations: tuple[Calibration, ...] = ()
    calibrated_composite_100: float | None = None
    explanation: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------- core formula


def _dimension_results(dims, cards, settings) -> list[DimensionResult]:
    given: dict[int, dict[int, int]] = {d.id: {} for d in dims}
    for card in cards:
        for dim_id, rating in card.ratings:
            if rating is not None and dim_id in given:
                given[dim_id][card.interviewer_id] = rating
    assessed_weight = sum(d.weight for d in dims if given[d.id])
    results = []
    for d in dims:
        values = list(given[d.id].values())
        spread = (max(values) - min(values)) if values else None
        results.append(DimensionResult(
            id=d.id, name=d.name, weight=d.weight,
            effective_weight=(d.weight / assessed_weight) if values and assessed_weight else 0.0,
            ratings=dict(given[d.id]), count=len(values),
            mean=mean(values) if values else None,
            low=min(values) if values else None, high=max(values) if values else None,
            spread=spread,
            contested=spread is not None and spread >= settings.disagreement_spread))
    return results


def composite_of(dims: list[DimensionResult]) -> float | None:
    assessed = [d for d in dims if d.mean is not None and d.effective_weight > 0]
    if not assessed:
        return None
    return sum(d.effective_weight * d.mean for d in assessed)


def to_100(value: float | None, low: int, high: int) -> float | None:
    if value is None:
        return None
    return 100.0 * (value - low) / (high - low) if high > low else 100.0


def band(score_100: float | None, settings: Settings) -> str | None:
    if score_100 is None:
        return None
    if score_100 >= settings.strong_hire_at:
        return STRONG_HIRE
    if score_100 >= settings.hire_at:
        return HIRE
    if score_100 >= settings.lean_no_at:
        return LEAN_NO
    return NO_HIRE


def _recommend(dims: list[DimensionSpec], cards: list[Scorecard], scale: tuple[int, int],
               settings: Settings) -> tuple[str, str | None, list[DimensionResult], float | None,
                                            float]:
    results = _dimension_results(dims, cards, settings)
    composite = composite_of(results)
    total = sum(d.weight for d in dims)
    coverage = (sum(d.weight for d in results if d.count) / total) if total else 0.0
    banded = band(to_100(composite, *scale), settings)
    enough = len(cards) >= settings.quorum and coverage + 1e-9 >= settings.min_coverage
    return (banded if enough and banded else NOT_ENOUGH), banded, results, composite, coverage


def recommendation_for(dims, cards, scale, settings) -> str:
    return _recommend(list(dims), list(cards), scale, settings)[0]


def band_for(dims, cards, scale, settings) -> str | None:
    """What the bands say, ignoring quorum and coverage: robustness asks whether one
    interviewer or the weights move the number across a band, not whether a smaller panel
    would still be a quorum."""
    return _recommend(list(dims), list(cards), scale, settings)[1]


# ---------------------------------------------------------------------- calibration


def calibrate(history: list[PastRating], names: dict[int, str],
              settings: Settings) -> list[Calibration]:
    """Each interviewer's mean deviation from co-panelists on the same candidate and
    dimension, for interviewers with enough submitted scorecards."""
    by_unit: dict[tuple[int, int], dict[int, int]] = {}
    scorecards: dict[int, set[int]] = {}
    for past in history:
        by_unit.setdefault((past.candidate_id, past.dimension_id), {})[
            past.interviewer_id] = past.rating
        scorecards.setdefault(past.interviewer_id, set()).add(past.scorecard_id)
    deviations: dict[int, list[float]] = {}
    for unit in by_unit.values():
        if len(unit) < 2:
            continue
        for interviewer, rating in unit.items():
            others = [r for i, r in unit.items() if i != interviewer]
            deviations.setdefault(interviewer, []).append(rating - mean(others))
    result = []
    for interviewer in sorted(names):
        count = len(scorecards.get(interviewer, ()))
        devs = deviations.get(interviewer, [])
        if count >= settings.calibration_min_scorecards and devs:
            result.append(Calibration(interviewer, names[interviewer], count, mean(devs),
                                      len(devs)))
    return result


def _calibrated_cards(cards, calibrations, scale) -> list[Scorecard]:
    shift = {c.interviewer_id: c.deviation for c in calibrations}
    low, high = scale

    def adjust(card: Scorecard) -> Scorecard:
        delta = shift.get(card.interviewer_id)
        if delta is None:
            return card
        ratings = tuple((d, None if r is None else min(high, max(low, r - delta)))
                        for d, r in card.ratings)
        return replace(card, ratings=ratings)

    return [adjust(card) for card in cards]


# ---------------------------------------------------------------------- the debrief


def evaluate(dims: list[DimensionSpec], cards: list[Scorecard], scale: tuple[int, int],
             settings: Settings | None = None,
             history: list[PastRating] | None = None) -> DebriefResult:
    settings = settings or Settings()
    dims, cards = list(dims), sorted(cards, key=lambda c: c.interviewer_id)
    recommendation, banded, results, composite, coverage = _recommend(
        dims, cards, scale, settings)
    votes = {v: 0 for v in VOTES}
    for card in cards:
        if card.overall in votes:
            votes[card.overall] += 1
    red_flags = tuple((c.interviewer, f) for c in cards for f in c.red_flags)
    strong_no = tuple(c.interviewer for c in cards if c.overall == 1)
    split = (votes[1] + votes[2]) > 0 and (votes[3] + votes[4]) > 0

    pivotal = tuple(
        card.interviewer for card in cards
        if len(cards) > 1
        and band_for(dims, [c for c in cards if c is not card], scale, settings) != banded)
    equal = [replace(d, weight=1.0) for d in dims]
    equal_band = band_for(equal, cards, scale, settings)
    alpha = ordinal_alpha(
        [tuple(r.ratings.get(c.interviewer_id) for c in cards) for r in results])

    names = {c.interviewer_id: c.interviewer for c in cards}
    calibrations = tuple(calibrate(history or [], names, settings))
    calibrated = None
    if calibrations:
        adjusted = _dimension_results(dims, _calibrated_cards(cards, calibrations, scale),
                                      settings)
        calibrated = to_100(composite_of(adjusted), *scale)

    result = DebriefResult(
        scale_min=scale[0], scale_max=scale[1], dimensions=tuple(results),
        composite=composite, composite_100=to_100(composite, *scale), coverage=coverage,
        submitted=len(cards), votes=votes, recommendation=recommendation,
        band_recommendation=banded,
        needs_discussion=bool(red_flags or strong_no), red_flags=red_flags,
        strong_no_by=strong_no, contested=tuple(d.name for d in results if d.contested),
        split_vote=split, pivotal_interviewers=pivotal,
        weight_sensitive=equal_band != banded,
        equal_weights_recommendation=equal_band or NOT_ENOUGH, alpha=alpha,
        calibrations=calibrations, calibrated_composite_100=calibrated)
    from .explain import explain

    return replace(result, explanation=tuple(explain(result, settings)))
