"""Case-study durations in words become minutes; unknown forms warn, never guess."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiring.core.blueprint_parser import parse_text
from hiring.core.durations import find_duration


@pytest.mark.parametrize(("text", "low", "high"), [
    ("Take-home exercise (2\u20133 hours)", 120, 180),
    ("Architecture case (90 minutes\u20132 hours)", 90, 120),
    ("Design review (1.5 hours)", 90, 90),
    ("Onsite simulation (half a day)", 240, 240),
    ("Case (half-day onsite)", 240, 240),
    ("Execution case study (45\u201360 min):", 45, 60),
    ("Incident review (45 minutes)", 45, 45),
    ("Coaching role-play (1 hour)", 60, 60),
    ("Pairing (an hour and a half)", 90, 90),
    ("Warm-up (half an hour)", 30, 30),
    ("Deep dive (1h30)", 90, 90),
    ("Deep dive (1 hour 30 minutes)", 90, 90),
    ("Planning (3 to 4 hours)", 180, 240),
    ("Ramp (1\u20131.5 hours)", 60, 90),
    ("Review (60\u201390 mins)", 60, 90),
    ("A 45-minute case", 45, 45),
    ("Range written backwards (3\u20132 hours)", 120, 180),
])
def test_durations_in_words(text, low, high):
    found = find_duration(text)
    assert (found.low, found.high, found.warning) == (low, high, None)


@pytest.mark.parametrize("text", ["Take-home (a couple of hours)", "Project (2 days)",
                                  "Pairing (1.33 hours)", "Panel (0 minutes)"])
def test_unknown_forms_warn_and_give_no_number(text):
    found = find_duration(text)
    assert found.low is None and found.high is None and "not understood" in found.warning


def test_text_without_time_is_silent():
    assert find_duration("4\u20136 week stabilization plan") == find_duration("Role-play")
    assert find_duration("Role-play").warning is None


@given(st.text(max_size=200))
def test_any_text_gives_a_whole_positive_range_or_nothing(text):
    found = find_duration(text)
    if found.low is None:
        assert found.high is None
    else:
        assert 0 < found.low <= found.high and found.text in text


@given(st.integers(1, 600), st.integers(1, 600))
def test_minute_ranges_round_trip(a, b):
    found = find_duration(f"Case ({a}\u2013{b} minutes)")
    assert (found.low, found.high) == (min(a, b), max(a, b))


HELD_OUT = ("<h1>Platform Lead: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
            "<h3>Practical exercises or case studies</h3><ul>"
            "<li><strong>Platform strategy case (2\u20133 hours):</strong> Write a plan.</li>"
            "<li><strong>Incident drill (90 minutes\u20132 hours):</strong> Run it.</li>"
            "<li><strong>Onsite build (half a day):</strong> Pair with the team.</li>"
            "<li><strong>Take-home (a few hours):</strong> Optional.</li></ul>"
            "<h3>Scorecard dimensions</h3><table><tr><th>Dimension</th><th>Meets bar</th>"
            "<th>Exceeds</th><th>Weight</th></tr><tr><td>Strategy</td><td>m</td><td>e</td>"
            "<td>100%</td></tr></table>")


def test_a_held_out_style_blueprint_imports_its_durations():
    parsed = parse_text(HELD_OUT, "platform-lead.html")
    got = [(c.title, c.minutes_min, c.minutes_max) for c in parsed.case_studies]
    assert got == [("Platform strategy case", 120, 180), ("Incident drill", 90, 120),
                   ("Onsite build", 240, 240), ("Take-home (a few hours)", None, None)]
    assert any("not understood" in w and "a few hours" in w for w in parsed.warnings)
