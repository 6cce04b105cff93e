"""The debrief's plain-language explanation, with the numbers behind it.

It consumes a finished result (duck-typed: any object with DebriefResult's fields) and the
settings; it never imports the scoring module, so the core has no import cycle.
"""

from __future__ import annotations

from fractions import Fraction

from .bands import NOT_ENOUGH, VOTES, Settings, exact, show


def _pct(value) -> str:
    return show(Fraction(value) * 100) + "%"


def _points(value: Fraction, places: int) -> str:
    sign = "+" if value >= 0 else "\u2212"
    return sign + show(abs(value), max(places, 1))


def _score_lines(r, s: Settings) -> list[str]:
    if r.composite is None:
        if r.only_zero_weight:
            rated = [d.name for d in r.dimensions if d.count]
            return ["Only dimensions weighted 0 were rated (" + ", ".join(rated) + "), so "
                    "they do not count and there is no score yet."]
        return ["No dimension has a rating yet, so there is no score."]
    moved = sorted((d for d in r.dimensions if d.impact_100 is not None and d.effective_weight),
                   key=lambda d: (-abs(d.impact_100), d.name))[:3]
    parts = ", ".join(
        f"{d.name} {_points(d.impact_100, r.score_places)} (mean {show(d.mean, 2)}, weight "
        f"{_pct(d.effective_weight)})" for d in moved)
    return [
        f"Score {r.score_shown}/100 ({r.composite_shown} on the {r.scale_min}\u2013"
        f"{r.scale_max} scale): the mean rating of each assessed dimension, weighted by its "
        f"weight renormalised over the assessed dimensions.",
        f"Starting from 50 (the middle of the scale), what moved the score most: {parts}.",
        f"Bands: Strong hire from {s.strong_hire_at:g}, Hire from {s.hire_at:g}, Lean no "
        f"from {s.lean_no_at:g}, No hire below; {r.score_shown} falls in "
        f"\u201c{r.band_recommendation}\u201d (scores are shown rounded down, so the shown "
        f"number and the band always agree)."]


def explain(r, s: Settings) -> list[str]:
    lines = _score_lines(r, s)
    people = r.assessors
    lines.append(
        f"{people} interviewer{'s' if people != 1 else ''} rated at least one dimension "
        f"(quorum {s.quorum} people; each person counts once, however many interviews they "
        f"did); coverage {r.coverage_shown} of the total weight (needed "
        f"{_pct(s.min_coverage)}).")
    if r.empty_by:
        lines.append("Submitted without assessing any dimension (not counted as evidence): "
                     + ", ".join(r.empty_by) + ".")
    if r.recommendation == NOT_ENOUGH:
        reasons = []
        if people < s.quorum:
            reasons.append(f"only {people} of {s.quorum} interviewers have rated")
        if r.coverage < exact(s.min_coverage):
            missing = [d.name for d in r.dimensions if not d.count]
            reasons.append("not assessed: " + ", ".join(missing))
        if reasons:
            lines.append("Not enough evidence yet: " + "; ".join(reasons) + ".")
    votes = ", ".join(f"{VOTES[v]} {n}" for v, n in r.votes.items() if n)
    if votes:
        lines.append(f"Overall votes: {votes}." + (" The panel is split." if r.split_vote
                                                    else ""))
    if r.needs_discussion:
        why = []
        if r.red_flags:
            why.append(f"{len(r.red_flags)} red flag{'s' if len(r.red_flags) > 1 else ''}")
        if r.strong_no_by:
            why.append("a Strong-no vote from " + ", ".join(r.strong_no_by))
        lines.append("Needs discussion: " + " and ".join(why) +
                     ". These are listed below; they are never averaged into the score.")
    if r.contested:
        lines.append(f"Ratings span {s.disagreement_spread} or more points on: "
                     + ", ".join(r.contested) + ".")
    if r.pivotal_interviewers:
        lines.append("Not robust to one interviewer: leaving out " +
                     " or ".join(r.pivotal_interviewers) + " changes the band.")
    elif r.assessors > 1 and r.composite is not None:
        lines.append("Robust to any one interviewer: leaving out any single person's ratings "
                     "keeps the same band.")
    if r.composite is not None:
        lines.append(
            f"With equal weights the band would be \u201c{r.equal_weights_recommendation}\u201d"
            + (": the weights decide this outcome." if r.weight_sensitive else
               ", the same: the weights do not decide it."))
    if r.calibrated_composite_100 is not None:
        lines.append(
            f"Adjusted for each interviewer's estimated leniency or severity (from the rating "
            f"history) the score would be {r.calibrated_shown}/100.")
    return lines
