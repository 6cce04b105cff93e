"""The debrief's plain-language explanation, with the numbers behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scoring import DebriefResult, Settings


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def explain(r: DebriefResult, s: Settings) -> list[str]:
    from .scoring import NOT_ENOUGH, VOTES

    lines: list[str] = []
    if r.composite is None:
        lines.append("No dimension has a rating yet, so there is no score.")
    else:
        top = sorted((d for d in r.dimensions if d.mean is not None),
                     key=lambda d: -d.effective_weight)[:3]
        parts = ", ".join(f"{d.name} {d.mean:.2f} (weight {_pct(d.effective_weight)})"
                          for d in top)
        lines.append(
            f"Weighted score {r.composite:.2f} on the {r.scale_min}\u2013{r.scale_max} scale "
            f"({r.composite_100:.0f}/100): the mean rating of each assessed dimension, weighted "
            f"by its weight renormalised over the assessed dimensions. Largest parts: {parts}.")
        lines.append(
            f"Bands: Strong hire from {s.strong_hire_at:g}, Hire from {s.hire_at:g}, Lean no "
            f"from {s.lean_no_at:g}, No hire below; {r.composite_100:.0f} falls in "
            f"\u201c{r.band_recommendation}\u201d.")
    lines.append(
        f"{r.submitted} submitted scorecard{'s' if r.submitted != 1 else ''} (quorum "
        f"{s.quorum}); coverage {_pct(r.coverage)} of the total weight (needed "
        f"{_pct(s.min_coverage)}).")
    if r.recommendation == NOT_ENOUGH:
        reasons = []
        if r.submitted < s.quorum:
            reasons.append(f"only {r.submitted} of {s.quorum} scorecards are in")
        if r.coverage + 1e-9 < s.min_coverage:
            missing = [d.name for d in r.dimensions if not d.count]
            reasons.append("not assessed: " + ", ".join(missing))
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
        lines.append("Ratings span 2 or more points on: " + ", ".join(r.contested) + ".")
    if r.pivotal_interviewers:
        lines.append("Not robust to one interviewer: leaving out " +
                     " or ".join(r.pivotal_interviewers) + " changes the band.")
    elif r.submitted > 1 and r.composite is not None:
        lines.append("Robust to any one interviewer: leaving out any single scorecard keeps "
                     "the same band.")
    if r.composite is not None:
        lines.append(
            f"With equal weights the band would be \u201c{r.equal_weights_recommendation}\u201d"
            + (": the weights decide this outcome." if r.weight_sensitive else
               ", the same: the weights do not decide it."))
    if r.calibrated_composite_100 is not None:
        lines.append(
            f"Adjusted for interviewer leniency (from their past scorecards) the score would be "
            f"{r.calibrated_composite_100:.0f}/100.")
    return lines
