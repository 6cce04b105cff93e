"""Interview-loop coverage and the "suggest plan" spread of dimensions over interviews."""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import TOLERANCE


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


@dataclass(frozen=True)
class PlanSlot:
    """An interview of the loop as the planner sees it.

    `fixed`: dimensions it covers whatever the plan (a case study's targets, or the focus of
    an interview whose scorecard is in). `open`: whether the planner may add dimensions; a
    case study or a screen keeps exactly its fixed dimensions."""

    id: int
    fixed: frozenset[int] = frozenset()
    open: bool = True


@dataclass(frozen=True)
class LoopPlan:
    focus: dict[int, set[int]]
    uncovered: list[PlanDimension]  # nobody rates these
    single_rater: list[PlanDimension]  # weight at or above the share, only one rater


def needs_two_raters(dimensions: list[PlanDimension], min_share: float) -> set[int]:
    """Dimensions whose share of the total weight is at or above min_share (0..1).
    One rater gives no agreement, so these need at least two. No weight at all: none."""
    total = sum(d.weight for d in dimensions)
    if total <= 0:
        return set()
    # compare w/total >= share without dividing: exact at the boundary for decimal inputs
    return {d.id for d in dimensions if d.weight > 0 and d.weight >= min_share * total - TOLERANCE}


def review(dimensions: list[PlanDimension], focus: dict[int, set[int]],
           min_share: float) -> tuple[list[PlanDimension], list[PlanDimension]]:
    """(uncovered, single-rater) dimensions of a loop as it stands."""
    raters = {d.id: sum(1 for dims in focus.values() if d.id in dims) for d in dimensions}
    two = needs_two_raters(dimensions, min_share)
    return ([d for d in dimensions if raters[d.id] == 0],
            [d for d in dimensions if d.id in two and raters[d.id] == 1])


def plan_loop(dimensions: list[PlanDimension], slots: list[PlanSlot],
              min_share: float) -> LoopPlan:
    """Spread the dimensions over the open interviews: first every dimension gets one
    rater, then every dimension at or above min_share gets a second, the heaviest first,
    each going to the open interview carrying the least weight so far (earlier interview
    on ties); open interviews left empty then take the heaviest dimensions they lack.
    Fixed dimensions stay where they are and count as raters."""
    weight = {d.id: d.weight for d in dimensions}
    known = set(weight)
    focus = {s.id: {d for d in s.fixed if d in known} for s in slots}
    open_ids = [s.id for s in slots if s.open]
    order = {s.id: k for k, s in enumerate(slots)}
    load = {s.id: sum(weight[d] for d in focus[s.id]) for s in slots}
    by_weight = sorted(dimensions, key=lambda d: (-d.weight, d.id))
    two = needs_two_raters(dimensions, min_share)

    def raters(dim_id: int) -> int:
        return sum(1 for dims in focus.values() if dim_id in dims)

    for wanted in (1, 2):
        for dim in by_weight:
            if wanted == 2 and dim.id not in two:
                continue
            while raters(dim.id) < wanted:
                free = [i for i in open_ids if dim.id not in focus[i]]
                if not free:
                    break
                target = min(free, key=lambda i: (load[i], order[i]))
                focus[target].add(dim.id)
                load[target] += dim.weight
    for slot_id in open_ids:
        if not focus[slot_id] and by_weight:
            focus[slot_id].add(by_weight[0].id)
    gaps, single = review(dimensions, focus, min_share)
    return LoopPlan(focus=focus, uncovered=gaps, single_rater=single)
