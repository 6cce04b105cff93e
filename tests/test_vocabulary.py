"""Each word of the vocabulary is spelled once (issue 12 item 3): a vote, role, stage or band
label written as a literal anywhere but hiring/core/vocabulary.py is a second definition
that can drift (the packet once printed votes from its own dictionary)."""

from __future__ import annotations

import re
from pathlib import Path

from hiring.core.vocabulary import Band, Outcome, Stage, UserRole, Vote

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for folder in ("hiring", "templates", "static")
           for p in (ROOT / folder).rglob("*")
           if p.suffix in {".py", ".html", ".txt", ".js"}
           and p != ROOT / "hiring" / "core" / "vocabulary.py"]


# The same letters meaning something else: an interview with the hiring manager (a kind of
# interview, not the role) and the debrief page's own name in its breadcrumbs.
OTHER_MEANINGS = {("hiring/models/hiring.py", "Hiring manager"),
                  ("templates/debriefs/debrief.html", "Debrief")}


def quoted_literals(label: str) -> re.Pattern:
    return re.compile(r"""(['"])""" + re.escape(label) + r"\1")


def test_no_vote_role_stage_or_band_label_is_spelled_outside_the_vocabulary():
    found = []
    for vocabulary in (Vote, UserRole, Stage, Band, Outcome):
        for member in vocabulary:
            pattern = quoted_literals(member.label)
            for path in SOURCES:
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    where = str(path.relative_to(ROOT))
                    if pattern.search(line) and (where, member.label) not in OTHER_MEANINGS:
                        found.append(f"{where}:{number}: {member.label!r}")
    assert found == []


def test_the_tolerance_is_defined_once():
    spelled = [str(p.relative_to(ROOT)) for p in SOURCES if p.suffix == ".py"
               and re.search(r"\b1e-0?9\b", p.read_text())]
    assert spelled == []


def test_the_check_finds_a_spelled_label(tmp_path):
    line = "{{ {1: 'Strong no', 2: 'No'}.get(x) }}"
    assert quoted_literals(Vote.STRONG_NO.label).search(line)
    assert quoted_literals(Vote.NO.label).search(line)
    assert not quoted_literals(Vote.NO.label).search("'No hire'")


def test_pages_draw_breadcrumbs_and_pagers_with_the_macros():
    """Issue 12 item 8: crumbs and pagers come from templates/macros/page.html."""
    spelled = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
               if p.parent.name != "macros"
               and re.search(r'class="(crumbs|pager)"', p.read_text())]
    assert spelled == []


def test_no_template_adds_a_second_time_zone_to_a_formatted_date():
    """The datetime filter already ends in "UTC"; "19:23 UTC UTC" was on the debrief."""
    twice = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
             if re.search(r"\|datetime(\([^)]*\))? }}\s*UTC", p.read_text())]
    assert twice == []
