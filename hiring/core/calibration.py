"""Interviewer calibration: an additive rater-effects model fitted over the rating history.

Model: rating(candidate c, dimension d, interviewer i) = level(c, d) + effect(i) + noise.
- One person, one voice: an interviewer's ratings of one (candidate, dimension) across several
  scorecards are averaged first, so a unit holds at most one value per person.
- Only units rated by at least two people carry information about effects ("compared
  ratings"); an interviewer's evidence n is their number of compared ratings.
- Fit: alternating means. level(u) = mean over raters of (rating - effect); effect(i) = sum
  over their units of (rating - level) / (n + k). Dividing by n + k instead of n is a normal
  prior on the effects (k = settings.calibration_prior): an interviewer with little evidence is
  pulled toward 0. That prior also identifies the model: the levels absorb any common shift,
  so the best fit has the effects summing to zero within each connected group of interviewers
  (people linked by shared candidates); we centre them so after every sweep.
- Uncertainty: sigma / sqrt(n + k), sigma the residual standard deviation.
- A tendency is named only with at least settings.calibration_min_compared compared ratings
  and |effect| >= max(settings.calibration_label_at, 2 x uncertainty).

Pure function of the history: the same history gives the same estimates (a background job may
store them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .bands import IN_LINE, LENIENT, SEVERE, TOO_FEW, Settings

MAX_SWEEPS = 2000
TOLERANCE = 1e-7  # rating points; far below what is shown (2 decimals)


@dataclass(frozen=True)
class PastRating:
    """A submitted rating anywhere, for interviewer calibration."""

    interviewer_id: int
    candidate_id: int
    dimension_id: int
    rating: int
    scorecard_id: int


@dataclass(frozen=True)
class Calibration:
    interviewer_id: int
    interviewer: str
    scorecards: int
    deviation: float  # estimated effect in rating points; > 0 lenient, < 0 severe
    compared: int  # ratings that shared a candidate and dimension with someone else
    uncertainty: float = 0.0  # standard error of the effect, rating points
    tendency: str = IN_LINE


@dataclass(frozen=True)
class Effects:
    effect: dict[int, float]
    compared: dict[int, int]
    uncertainty: dict[int, float]
    scorecards: dict[int, int]
    sigma: float
    sweeps: int


def _units(history: list[PastRating]) -> dict[tuple[int, int], dict[int, float]]:
    cells: dict[tuple[int, int], dict[int, list[int]]] = {}
    for past in history:
        unit = cells.setdefault((past.candidate_id, past.dimension_id), {})
        unit.setdefault(past.interviewer_id, []).append(past.rating)
    # Sorted, so float sums run in one order: the same history in any row order gives
    # bit-identical estimates (stored estimates and re-fits agree).
    return {key: {i: sum(unit[i]) / len(unit[i]) for i in sorted(unit)}
            for key, unit in sorted(cells.items()) if len(unit) >= 2}


def _groups(units) -> dict[int, int]:
    """Connected groups of interviewers (union-find): effects are centred within each."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for unit in units:
        first, *rest = unit
        for other in rest:
            parent[root(other)] = root(first)
    return {i: root(i) for i in parent}


def fit_effects(history: list[PastRating], prior: float) -> Effects:
    units = list(_units(history).values())
    scorecards: dict[int, set[int]] = {}
    for past in history:
        scorecards.setdefault(past.interviewer_id, set()).add(past.scorecard_id)
    compared: dict[int, int] = {}
    for unit in units:
        for i in unit:
            compared[i] = compared.get(i, 0) + 1
    group = _groups(units)
    members: dict[int, list[int]] = {}
    for i, g in group.items():
        members.setdefault(g, []).append(i)
    # Flat lists of (person index, rating) per unit: the sweeps are the hot loop.
    people = sorted(compared)
    index = {i: n for n, i in enumerate(people)}
    cells = [[(index[i], y) for i, y in unit.items()] for unit in units]
    evidence = [compared[i] + prior for i in people]
    groups = sorted(sorted(index[i] for i in group) for group in members.values())
    effect = [0.0] * len(people)
    # Index loops rather than zip(..., strict=True): the lists always have equal lengths, and
    # the float operations run in the same order either way.
    for sweeps in range(1, MAX_SWEEPS + 1):  # noqa: B007 (the count is reported)
        levels = []
        summed = [0.0] * len(people)
        for cell in cells:
            level = sum(y - effect[p] for p, y in cell) / len(cell)
            levels.append(level)
            for p, y in cell:
                summed[p] += y - level
        new = [summed[p] / evidence[p] for p in range(len(people))]
        for group in groups:
            centre = sum(new[p] for p in group) / len(group)
            for p in group:
                new[p] -= centre
        change = max((abs(new[p] - effect[p]) for p in range(len(people))), default=0.0)
        effect = new
        if change < TOLERANCE:
            break
    squares = sum((y - levels[c] - effect[p]) ** 2
                  for c, cell in enumerate(cells) for p, y in cell)
    freedom = sum(len(c) for c in cells) - len(cells) - (len(people) - len(groups))
    sigma = math.sqrt(squares / freedom) if freedom > 0 else 0.0
    effect = {i: effect[index[i]] for i in people}
    return Effects(
        effect=effect, compared=compared,
        uncertainty={i: sigma / math.sqrt(compared[i] + prior) for i in compared},
        scorecards={i: len(s) for i, s in scorecards.items()}, sigma=sigma, sweeps=sweeps)


def tendency_of(effect: float, compared: int, uncertainty: float, settings: Settings) -> str:
    if compared < settings.calibration_min_compared:
        return TOO_FEW
    if effect == 0 or abs(effect) < max(settings.calibration_label_at, 2 * uncertainty):
        return IN_LINE
    return LENIENT if effect > 0 else SEVERE


def calibrate(history: list[PastRating], names: dict[int, str], settings: Settings,
              everyone: bool = False) -> list[Calibration]:
    """Estimated effects of the interviewers in `names`, sorted by id. By default only those
    with enough compared ratings (what the debrief applies); `everyone` adds the others with
    the tendency "not enough compared ratings" (what the calibration report lists)."""
    fit = fit_effects(history, settings.calibration_prior)
    result = []
    for i in sorted(names):
        n = fit.compared.get(i, 0)
        if not everyone and n < settings.calibration_min_compared:
            continue
        effect, se = fit.effect.get(i, 0.0), fit.uncertainty.get(i, 0.0)
        result.append(Calibration(
            interviewer_id=i, interviewer=names[i], scorecards=fit.scorecards.get(i, 0),
            deviation=effect, compared=n, uncertainty=se,
            tendency=tendency_of(effect, n, se, settings)))
    return result
