"""The debrief chart's geometry (hiring/core/chart.py) against hand-computed coordinates.

On the 1-5 scale at the default width of 680: the plot is 680 - 200 - 110 - 16 = 354 wide
and its axis runs from 0.5 (half a step below the floor) to 5, a span of 4.5, so one
rating point is 354 / 4.5 = 78.666... units and a rating r sits at 200 + 78.666... x (r - 0.5).
"""

from __future__ import annotations

import pytest

from hiring.core.chart import layout
from hiring.core.scoring import DimensionSpec, Scorecard, evaluate

POINT = 354 / 4.5


def result(cards, scale=(1, 5)):
    dims = [DimensionSpec(1, "Design", 40), DimensionSpec(2, "Coding", 40),
            DimensionSpec(3, "Writing", 20)]
    return evaluate(dims, cards, scale)


def test_a_panel_of_two():
    chart = layout(result([Scorecard(7, "Ann", ((1, 2), (2, 4), (3, None))),
                           Scorecard(9, "Bob", ((1, 4), (2, None), (3, None)))]))
    # gridlines at 200 + 78.67 x (v - 0.5): 239.33, 318, 396.67, 475.33, 554
    assert [v for v, _x in chart.gridlines] == [1, 2, 3, 4, 5]
    assert [x for _v, x in chart.gridlines] == pytest.approx(
        [239.3333333, 318, 396.6666667, 475.3333333, 554])
    design, coding, writing = chart.rows
    # Design: mean 3, so a bar of 2.5 points (196.67) from the axis at 200; Ann's 2 at 318,
    # Bob's 4 at 475.33, and the spread line between them
    assert design.bar == pytest.approx(196.6666667)
    assert design.dots == pytest.approx((318, 475.3333333))
    assert design.spread == pytest.approx((318, 475.3333333))
    # Coding: Ann alone, 4: a bar of 3.5 points (275.33), one dot, no spread line
    assert coding.bar == pytest.approx(275.3333333)
    assert coding.dots == pytest.approx((475.3333333,))
    assert coding.spread is None
    # Writing: not assessed
    assert (writing.bar, writing.spread, writing.dots) == (None, None, ())
    # rows of 30 from y = 26: the bars 8 below a row's top, the dots 15, the text 19
    assert [(r.bar_y, r.mid_y, r.text_y) for r in chart.rows] == [
        (34, 41, 45), (64, 71, 75), (94, 101, 105)]
    # the gridlines end below the last row (26 + 3 x 30 = 116), the legend 18 lower, and
    # the picture 22 below the legend's baseline
    assert (chart.bottom, chart.legend_y, chart.height, chart.width) == (116, 134, 156, 680)
    assert (chart.label_w, chart.name_x, chart.mean_x, chart.weight_x) == (200, 192, 578, 672)
    # the axis labels sit above y = 26; the legend starts 10 from the left edge
    assert (chart.top, chart.legend_x) == (26, 10)
    assert [r.dimension.name for r in chart.rows] == ["Design", "Coding", "Writing"]


def test_dots_in_interviewer_order_and_a_mean_at_the_floor_still_draws_a_bar():
    chart = layout(result([Scorecard(9, "Bob", ((1, 1), (2, 1), (3, 1))),
                           Scorecard(3, "Cy", ((1, 1), (2, 5), (3, 1)))]))
    design, coding, _writing = chart.rows
    assert design.bar == pytest.approx(POINT / 2)  # 39.33: half a point, not zero
    assert design.spread is None  # both rated 1
    # Coding: Cy (id 3) rated 5 -> 554, Bob (id 9) rated 1 -> 239.33; by id, Cy first
    assert coding.dots == pytest.approx((554, 239.3333333))
    assert coding.bar == pytest.approx(2.5 * POINT)  # mean 3: 2.5 points above 0.5


def test_another_scale_and_width():
    # 1-4 at width 500: plot 500 - 326 = 174, axis 0.5-4, one point = 174 / 3.5 = 49.71
    chart = layout(result([Scorecard(1, "Ann", ((1, 4), (2, 3), (3, 2)))], scale=(1, 4)),
                   width=500)
    assert [x for _v, x in chart.gridlines] == pytest.approx(
        [224.8571429, 274.5714286, 324.2857143, 374])
    assert chart.rows[0].bar == pytest.approx(174)  # a mean at the top fills the plot
    assert (chart.mean_x, chart.weight_x) == (398, 492)
