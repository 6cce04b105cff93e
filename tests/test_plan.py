from hypothesis import given
from hypothesis import strategies as st

from hiring.core.plan import PlanDimension, coverage, suggest_plan, uncovered

DIMS = [PlanDimension(1, "People", 25), PlanDimension(2, "Execution", 20),
        PlanDimension(3, "Tech", 20), PlanDimension(4, "Ops", 15),
        PlanDimension(5, "Stakeholders", 15), PlanDimension(6, "Culture", 5)]


def test_every_dimension_covered_and_load_balanced_by_weight():
    plan = suggest_plan(DIMS, [10, 11, 12])
    assert set().union(*plan.values()) == {1, 2, 3, 4, 5, 6}
    loads = [sum(d.weight for d in DIMS if d.id in dims) for dims in plan.values()]
    assert max(loads) - min(loads) <= 25
    assert 1 in plan[10]  # the heaviest dimension goes first to the first interview


def test_more_interviews_than_dimensions_leaves_none_empty():
    plan = suggest_plan(DIMS[:2], [1, 2, 3, 4])
    assert all(plan.values())
    assert plan[3] == {1}  # the heaviest dimension gets a second opinion


def test_coverage_and_gaps():
    focus = {10: {1, 2}, 11: {2}}
    assert coverage(DIMS, focus)[2] == [10, 11]
    assert [d.id for d in uncovered(DIMS, focus)] == [3, 4, 5, 6]


@given(st.lists(st.floats(0, 100), min_size=1, max_size=12),
       st.lists(st.integers(1, 10_000), min_size=1, max_size=8, unique=True))
def test_plan_always_covers_everything(weights, interviews):
    dims = [PlanDimension(i, str(i), w) for i, w in enumerate(weights)]
    plan = suggest_plan(dims, interviews)
    assert uncovered(dims, plan) == []
    assert all(plan[i] for i in interviews)
