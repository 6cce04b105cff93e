"""The pure blueprint parser on hostile shapes: malformed tables, weights out of range, deep
nesting and long headings get a one-line BlueprintError naming the file (never a traceback),
in about linear time. Tested without an app."""

from __future__ import annotations

import time

import pytest

from hiring.core.blueprint_parser import BlueprintError, parse_text


def _article(dimensions_html: str, heading: str = "Scorecard dimensions") -> str:
    return ("<h1>Example Role: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
            "<h3>Red flags</h3><ul><li>Lies</li></ul>"
            f"<h3>{heading}</h3>{dimensions_html}")


HEADER = "<tr><th>Dimension</th><th>Meets bar</th><th>Exceptional</th><th>Weight</th></tr>"


def _refusal(text: str, name: str = "role.html") -> str:
    with pytest.raises(BlueprintError) as caught:
        parse_text(text, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("table", "message"), [
    ("<table></table>", "'Scorecard dimensions' table has no rows"),
    (f"<table>{HEADER}</table>", "lists no dimensions"),
    ("<table><tr><th>Weight</th><th>Dimension</th></tr><tr><td>50</td></tr></table>",
     "row 2 of the 'Scorecard dimensions' table has 1 cell(s) and no dimension name "
     "(column 2)"),
    (f"<table>{HEADER}<tr><td>A<td>m<td>e<td>50</tr></table>", "a row or cell inside another"),
    (f"<table>{HEADER}<tr><td><table><tr><td>A</td></tr></table></td></tr></table>",
     "a row or cell inside another"),
])
def test_malformed_dimension_tables_are_refused(table, message):
    assert message in _refusal(_article(table))


def test_an_empty_short_row_is_skipped_as_before():
    table = (f"<table>{HEADER}<tr></tr><tr><td></td></tr>"
             "<tr><td>A</td><td>m</td><td>e</td><td>100</td></tr></table>")
    parsed = parse_text(_article(table), "role.html")
    assert [(d.name, d.weight) for d in parsed.dimensions] == [("A", 100.0)]


@pytest.mark.parametrize(("weight", "message"), [
    ("9" * 400, "weight '99999999999999999999... (400 characters)' of dimension 'A' is too large"),
    ("10001", "weight '10001' of dimension 'A' is too large (at most 10000"),
])
def test_weights_out_of_range_are_refused(weight, message):
    table = (f"<table>{HEADER}<tr><td>A</td><td>m</td><td>e</td><td>{weight}</td></tr>"
             "<tr><td>B</td><td>m</td><td>e</td><td>10</td></tr></table>")
    assert message in _refusal(_article(table))


def test_the_largest_weight_still_normalises():
    table = (f"<table>{HEADER}<tr><td>A</td><td>m</td><td>e</td><td>10000</td></tr>"
             "<tr><td>B</td><td>m</td><td>e</td><td>0</td></tr></table>")
    parsed = parse_text(_article(table), "role.html")
    assert [d.weight for d in parsed.dimensions] == [100.0, 0.0]


def test_deeply_nested_json_is_refused():
    text = '{"content":' * 100_000 + "1" + "}" * 100_000
    assert "JSON nested too deeply" in _refusal(text, "role.json")


@pytest.mark.parametrize(("heading", "key"), [
    ("scorecard dimensions (table)", "scorecard dimensions"),
    ("scorecard dimensions (table):", "scorecard dimensions"),
    ("scorecard dimensions (table) :", "scorecard dimensions"),
    ("scorecard dimensions ((nested) table)", "scorecard dimensions ((nested) table)"),
    ("scorecard dimensions ((nested table)", "scorecard dimensions"),
    ("scorecard (a) dimensions (b)", "scorecard (a) dimensions"),
    ("scorecard dimensions (a) x", "scorecard dimensions (a) x"),
    ("scorecard dimensions (a):x", "scorecard dimensions (a):x"),
    ("scorecard (dimensions", "scorecard (dimensions"),
    ("(" * 60_000, "(" * 60_000),
    ("(" * 60_000 + ")", ""),
])
def test_a_headings_final_parenthetical_is_dropped(heading, key):
    from hiring.core.blueprint_sections import _drop_final_parenthetical

    started = time.perf_counter()
    assert _drop_final_parenthetical(heading) == key
    assert time.perf_counter() - started < 1


def test_a_long_run_of_digits_in_a_case_study_is_read_in_linear_time():
    """find_duration tried every digit of a run as the start of a number: 20,000 digits took
    over 90 s."""
    from hiring.core.durations import find_duration

    started = time.perf_counter()
    assert find_duration("1" * 20_000).text == ""
    too_long = find_duration("x" + "1" * 20_000 + " minutes")
    assert (too_long.low, too_long.high) == (None, None)
    assert too_long.warning.startswith("duration not understood")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(("text", "minutes"), [
    ("Exercise (10080 minutes)", 10080),  # a week: the longest
    ("Exercise (168 hours)", 10080),
    ("Exercise (10081 minutes)", None),
    ("Exercise (99999999999 minutes)", None),  # more than a database integer holds
    ("Exercise (2 hours and 99999999999999 minutes)", None),
])
def test_a_duration_over_a_week_is_not_understood(text, minutes):
    from hiring.core.durations import find_duration

    found = find_duration(text)
    assert (found.low, found.high) == (minutes, minutes)
    assert (found.warning is None) == (minutes is not None)


def test_many_scales_without_labels_are_read_in_linear_time():
    """The rating-scale regex scanned from every "1-2 scale" to the next colon: 40,000 of
    them without a colon took 19 s."""
    from hiring.core.blueprint_sections import _scale_labels

    started = time.perf_counter()
    assert _scale_labels("1-2 scale " * 40_000) is None
    assert _scale_labels("1-2 scale " * 40_000 + ":)") is None
    assert _scale_labels("1-2 scale " * 40_000 + "and 1-4 scale: A / B / C / D") == (
        1, 2, "A / B / C / D")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(("text", "found"), [
    ("Rated on a 1-4 scale: Poor / Fair / Good / Great (see below)",
     (1, 4, "Poor / Fair / Good / Great (see below")),
    ("1 \u2013 3 point Scale (with notes): Low / Mid / High", (1, 3, "Low / Mid / High")),
    ("1-4 scale: ) and 2-3 scale: Mid / High", (1, 4, " ")),  # the space before ")"
    ("1-4 scale:) then 2-3 scale: Mid / High", (2, 3, "Mid / High")),
    ("no scale here: A / B", None),
])
def test_scale_labels_are_found_as_before(text, found):
    from hiring.core.blueprint_sections import _scale_labels

    assert _scale_labels(text) == found


@pytest.mark.parametrize(("lead", "title"), [
    ("Pipeline design case (90 minutes)", "Pipeline design case"),
    ("Design (take-home, 90 minutes) review", "Design review"),
    ("Design (v2) (90 minutes)", "Design (v2)"),
    ("Design ((90 minutes)", "Design"),  # the group opens at the first "("
    ("Design (90 minutes", "Design (")  # no group: the words alone go
])
def test_a_case_study_title_loses_the_parenthetical_holding_its_duration(lead, title):
    from hiring.core.blueprint_sections import _case_title

    assert _case_title(lead, [])[0] == title


def test_many_open_parentheses_in_a_case_study_title_are_read_in_linear_time():
    """The title regex scanned from every "(" to the next ")": 1,500 "( 90 minutes " took
    27 s."""
    from hiring.core.blueprint_sections import _case_title

    started = time.perf_counter()
    assert _case_title("( 90 minutes " * 6_000, [])[1:] == (90, 90)
    assert _case_title("(" * 80_000 + "90 minutes", [])[0] == "(" * 80_000
    assert time.perf_counter() - started < 2
