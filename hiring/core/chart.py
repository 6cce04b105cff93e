"""Geometry of the debrief's dimension chart (drawn by hiring/chart_svg.py): where each
gridline, bar, spread line and interviewer's dot goes, in SVG user units.

Plain Python with tests of hand-computed coordinates (tests/test_chart.py) and mutation
testing; the drawing prints these numbers as they are.

The axis starts half a step below the scale's floor, so a mean at the floor (1.00) still
draws a bar; the gridlines mark the scale's points.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import DebriefResult, DimensionResult

WIDTH = 680
LABEL_W = 200  # dimension names, right-aligned before the axis
RIGHT_W = 110  # the mean and weight columns
ROW_H = 30
TOP = 26  # room for the axis labels above the first row
LEGEND_X = 10


@dataclass(frozen=True)
class Row:
    dimension: DimensionResult
    bar_y: int  # top of the bar
    mid_y: int  # the dots and the spread line
    text_y: int  # baseline of the row's name, mean and weight
    bar: float | None  # width of the mean's bar from the axis; None: not assessed
    spread: tuple[float, float] | None  # x of the lowest and highest rating, if they differ
    dots: tuple[float, ...]  # x of each interviewer's rating, by interviewer id


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_w: int  # x of the axis
    name_x: int  # right end of the dimension names
    mean_x: int
    weight_x: int  # right end of the weights
    top: int
    bottom: int  # y where the gridlines end (below the last row)
    legend_x: int
    legend_y: int
    gridlines: tuple[tuple[int, float], ...]  # (scale point, x)
    rows: tuple[Row, ...]


def layout(result: DebriefResult, width: int = WIDTH) -> Chart:
    plot_w = width - LABEL_W - RIGHT_W - 16
    origin = result.scale_min - 0.5
    span = result.scale_max - origin

    def x(value) -> float:
        return LABEL_W + plot_w * (float(value) - origin) / span

    rows = []
    for index, dim in enumerate(result.dimensions):
        assessed, y = dim.mean is not None, TOP + ROW_H * index
        rows.append(Row(
            dimension=dim, bar_y=y + 8, mid_y=y + 15, text_y=y + 19,
            bar=plot_w * (float(dim.mean) - origin) / span if assessed else None,
            spread=(x(dim.low), x(dim.high)) if assessed and dim.spread else None,
            # a dimension nobody assessed has no ratings, so no dots
            dots=tuple(x(rating) for _id, rating in sorted(dim.ratings.items()))))
    bottom = TOP + ROW_H * len(rows)
    legend_y = bottom + 18
    return Chart(
        width=width, height=legend_y + 22, label_w=LABEL_W, name_x=LABEL_W - 8,
        mean_x=width - RIGHT_W + 8, weight_x=width - 8, top=TOP,
        bottom=bottom, legend_x=LEGEND_X, legend_y=legend_y,
        gridlines=tuple((v, x(v)) for v in range(result.scale_min, result.scale_max + 1)),
        rows=tuple(rows))
