"""The debrief's dimension chart as SVG markup (templates/macros/chart.html frames it).

Per dimension: the mean rating as a bar, each interviewer's rating as a dot, the spread
(lowest to highest rating) as a line, and the dimension's weight. No script: the same SVG
goes into the PDF packet (as an image there). The coordinates come from hiring/core/chart.py.

Written here rather than as a Jinja macro because printing its ~300 numbers through Jinja
(attribute lookups, autoescaping each number) was a quarter of the debrief page's template
time; here a number is formatted by Python's f-string, which prints it as Jinja did (str()).
Every piece of text from the data (dimension names, shown numbers) goes through `_text`:
escaped, and without control characters, which XML forbids (in the PDF the SVG is an image:
WeasyPrint drops a malformed one).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .core.chart import layout
from .core.scoring import DebriefResult
from .core.text import one_line

NAME_CHARS = 30  # a longer dimension name is cut to 29 characters and "…"
TRUNCATE_LEEWAY = 5  # Jinja's truncate filter's default: names up to 35 characters stay whole

INK, MUTED, GRID, AXIS, DOT = "#1d2733", "#5b6b7c", "#d8dee6", "#8a97a6", "#2f5d8a"
BAR, CONTESTED, NOT_ASSESSED = "#9fbfdf", "#f0b4ae", "#b3261e"


def chart_title(result: DebriefResult) -> Markup:
    return Markup("Mean rating per dimension on the {}\u2013{} scale, with each interviewer's "
                  "rating, the spread and the weight").format(result.scale_min, result.scale_max)


def _short(name: str) -> str:
    """The name as Jinja's truncate(30, killwords=True, end='…') printed it."""
    if len(name) <= NAME_CHARS + TRUNCATE_LEEWAY:
        return name
    return name[:NAME_CHARS - 1] + "\u2026"


def _description(result: DebriefResult) -> str:
    parts = []
    for d in result.dimensions:
        if d.mean is None:
            parts.append(f"{d.name}: not assessed. ")
            continue
        plural = "s" if d.count != 1 else ""
        spread = f", spread {d.spread_shown}" if d.count > 1 else ""
        parts.append(f"{d.name}: mean {d.mean_shown} from {d.count} interviewer{plural}"
                     f"{spread}, weight {d.weight_shown}. ")
    return "".join(parts)


def chart_svg(result: DebriefResult, width: int = 680) -> Markup:
    c = layout(result, width)
    top = c.top
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width} '
        f'{c.height}" width="{c.width}" height="{c.height}" role="img" '
        'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{chart_title(result)}</title>',
        f'<desc id="chart-desc">{_text(_description(result))}</desc>',
        f'<text x="{c.mean_x}" y="{top - 10}" font-size="11" fill="{MUTED}">mean</text>',
        f'<text x="{c.weight_x}" y="{top - 10}" font-size="11" text-anchor="end" '
        f'fill="{MUTED}">weight</text>',
    ]
    for value, x in c.gridlines:
        out.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{c.bottom}" stroke="{GRID}" '
                   'stroke-width="1"/>')
        out.append(f'<text x="{x}" y="{top - 10}" font-size="11" text-anchor="middle" '
                   f'fill="{MUTED}">{value}</text>')
    out.append(f'<line x1="{c.label_w}" y1="{top - 6}" x2="{c.label_w}" y2="{c.bottom}" '
               f'stroke="{AXIS}" stroke-width="1"/>')
    for row in c.rows:
        d, text_y = row.dimension, row.text_y
        out.append(f'<text x="{c.name_x}" y="{text_y}" font-size="12" text-anchor="end" '
                   f'fill="{INK}">{_text(_short(d.name))}</text>')
        if row.bar is None:
            out.append(f'<text x="{c.label_w + 4}" y="{text_y}" font-size="11" '
                       f'fill="{NOT_ASSESSED}">not assessed</text>')
            out.append(f'<text x="{c.weight_x}" y="{text_y}" font-size="12" '
                       f'text-anchor="end" fill="{MUTED}">\u2014</text>')
            continue
        out.append(f'<rect x="{c.label_w}" y="{row.bar_y}" width="{row.bar}" height="14" '
                   f'rx="2" fill="{CONTESTED if d.contested else BAR}"/>')
        if row.spread:
            out.append(f'<line x1="{row.spread[0]}" y1="{row.mid_y}" x2="{row.spread[1]}" '
                       f'y2="{row.mid_y}" stroke="{INK}" stroke-width="1.5"/>')
        out.extend(f'<circle cx="{x}" cy="{row.mid_y}" r="4" fill="{DOT}" stroke="#fff" '
                   'stroke-width="1"/>' for x in row.dots)
        out.append(f'<text x="{c.mean_x}" y="{text_y}" font-size="12" '
                   f'fill="{INK}">{_text(d.mean_shown)}</text>')
        out.append(f'<text x="{c.weight_x}" y="{text_y}" font-size="12" text-anchor="end" '
                   f'fill="{INK}">{_text(d.weight_shown)}</text>')
    lx, ly = c.legend_x, c.legend_y
    out.append(
        f'<g class="legend" font-size="11" fill="{INK}">'
        f'<rect x="{lx}" y="{ly - 9}" width="22" height="10" rx="2" fill="{BAR}"/>'
        f'<text x="{lx + 28}" y="{ly}">mean rating</text>'
        f'<rect x="{lx + 110}" y="{ly - 9}" width="22" height="10" rx="2" fill="{CONTESTED}"/>'
        f'<text x="{lx + 138}" y="{ly}">contested</text>'
        f'<line x1="{lx + 212}" y1="{ly - 4}" x2="{lx + 240}" y2="{ly - 4}" stroke="{INK}" '
        'stroke-width="1.5"/>'
        f'<text x="{lx + 246}" y="{ly}">spread (lowest\u2013highest)</text>'
        f'<circle cx="{lx + 400}" cy="{ly - 4}" r="4" fill="{DOT}"/>'
        f'<text x="{lx + 408}" y="{ly}">one interviewer</text></g></svg>')
    # every text from the data went through _text() above; the rest is numbers
    return Markup("\n".join(out))  # noqa: S704


def _text(value: object) -> Markup:
    """Data as SVG text: escaped, control characters as spaces (not allowed in XML 1.0)."""
    return escape(one_line(value))
