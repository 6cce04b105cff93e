"""Interview-loop coverage and the "suggest plan" spread of dimensions over interviews."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanDimension:
    id: int
    name: str
    weight: float


def coverage(dimensions: list[PlanDimension], focus: dict[int, set[int]]) -> dict[int, list[int]]:
    """dimension id -> ids of the interviews that cover it (possibly none)."""
    return {d.id: sorted(i for i, dims in focus.items() if d.id in dims) for d in dimensions}


def uncovered(dimensions: list[PlanDimension], focus: dict[int, set[int]]) -> list[PlanDimension]:
    covered = coverage(dimensions, focus)
    return [d for d in dimensions if not covered[d.id]]


def suggest_plan(dimensions: list[PlanDimension], interview_ids: list[int]) -> dict[int, set[int]]:
    """Spread the dimensions over the interviews by weight: every dimension is covered at
    least once, the heaviest first, each going to the interview with the least weight so
    far; interviews left empty then take the heaviest dimensions again (a second opinion
    where it matters most)."""
    plan: dict[int, set[int]] = {i: set() for i in interview_ids}
    if not interview_ids or not dimensions:
        return plan
    load = {i: 0.0 for i in interview_ids}
    by_weight = sorted(dimensions, key=lambda d: (-d.weight, d.id))
    for dim in by_weight:
        target = min(interview_ids, key=lambda i: (load[i], interview_ids.index(i)))
        plan[target].add(dim.id)
        load[target] += dim.weight
    extra = iter(by_weight * len(interview_ids))
    for interview in interview_ids:
        while not plan[interview]:
            dim = next(extra)
            plan[interview].add(dim.id)
    return plan
