"""The pure blueprint parser, tested without an app."""

from __future__ import annotations

import json

import pytest

from hiring.core.blueprint_parser import BlueprintError, parse_file, parse_text
from tests.conftest import FIXTURES, SEED

EXPECTED = {
    "developer-experience-manager": {
        "title": "Developer Experience Manager",
        "dimensions": [
            ("DevEx strategy & roadmap", 15), ("CI/CD and SDLC technical depth", 15),
            ("Platform/portal & self-service thinking", 10), ("Security integration", 10),
            ("Operational excellence", 10), ("Metrics & analytics", 10),
            ("Stakeholder influence", 10), ("People leadership", 15), ("Communication", 5),
        ],
        "weight_source": "blueprint",
        "case_minutes": [(None, None)] * 4,
        "counts": {"strong": 5, "weak": 5, "red_flags": 5, "assess": 6, "loop": 0},
        "scale_source": "default",
    },
    "director-of-software-engineering": {
        "title": "Director of Software Engineering",
        "dimensions": [
            ("Engineering leadership and org scaling", 12.5),
            ("Delivery execution and predictability", 12.5),
            ("Technical judgment and architecture governance", 12.5),
            ("Reliability/operations maturity", 12.5), ("Quality engineering mindset", 12.5),
            ("Security and risk management partnership", 12.5),
            ("Stakeholder communication and influence", 12.5),
            ("Talent development and hiring excellence", 12.5),
        ],
        "weight_source": "defaulted",
        "case_minutes": [(60, 90), (45, 60), (45, 60), (30, 30)],
        "counts": {"strong": 6, "weak": 5, "red_flags": 5, "assess": 6, "loop": 0},
        "scale_source": "default",
    },
    "engineering-manager": {
        "title": "Engineering Manager",
        "dimensions": [
            ("Execution & planning", 20), ("People leadership", 25),
            ("Technical stewardship", 20), ("Stakeholder management", 20),
            ("Operational excellence", 10), ("Values & culture", 5),
        ],
        "weight_source": "blueprint",
        "case_minutes": [(60, 60), (45, 45), (45, 45), (60, 60)],
        "counts": {"strong": 6, "weak": 5, "red_flags": 5, "assess": 6, "loop": 0},
        "scale_source": "default",
    },
    "software-engineering-manager": {
        "title": "Software Engineering Manager",
        "dimensions": [
            ("People leadership", 25), ("Execution management", 20),
            ("Technical judgment", 20), ("Operational excellence", 15),
            ("Stakeholder management", 15), ("Culture/additive impact", 5),
        ],
        "weight_source": "blueprint",
        "case_minutes": [(45, 60), (60, 60), (30, 45), (30, 45)],
        "counts": {"strong": 6, "weak": 5, "red_flags": 5, "assess": 6, "loop": 6},
        "scale_source": "default",
    },
    "staff-ci-cd-engineer": {
        "title": "Staff CI/CD Engineer",
        "dimensions": [
            ("CI/CD architecture", 12.5), ("Platform engineering", 12.5),
            ("Reliability/operations", 12.5), ("Security & supply chain", 12.5),
            ("Coding/automation", 12.5), ("Observability & metrics", 12.5),
            ("Leadership & influence", 12.5), ("Product/DX mindset", 12.5),
        ],
        "weight_source": "defaulted",
        "case_minutes": [(90, 90), (45, 45), (60, 60), (45, 45)],
        "counts": {"strong": 5, "weak": 4, "red_flags": 4, "assess": 5, "loop": 0},
        "scale_source": "blueprint",
    },
}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_bundled_blueprint_parses_exactly(stem):
    expected = EXPECTED[stem]
    parsed = parse_file(SEED / f"{stem}.json")
    assert parsed.title == expected["title"]
    assert parsed.slug == stem
    assert [(d.name, d.weight) for d in parsed.dimensions] == expected["dimensions"]
    assert {d.weight_source for d in parsed.dimensions} == {expected["weight_source"]}
    assert sum(d.weight for d in parsed.dimensions) == pytest.approx(100)
    assert [(c.minutes_min, c.minutes_max) for c in parsed.case_studies] == expected["case_minutes"]
    counts = expected["counts"]
    assert len(parsed.signals.strong) == counts["strong"]
    assert len(parsed.signals.weak) == counts["weak"]
    assert len(parsed.signals.red_flags) == counts["red_flags"]
    assert len(parsed.assess) == counts["assess"]
    assert len(parsed.interview_loop) == counts["loop"]
    assert parsed.rating_scale_source == expected["scale_source"]
    assert [lv.label for lv in parsed.rating_scale] == [
        "Does not meet", "Developing", "Meets", "Exceeds"
    ]
    assert parsed.purpose
    assert parsed.source_link.startswith("https://")


def test_anchors_come_from_meets_and_higher_columns():
    devex = parse_file(SEED / "developer-experience-manager.json")
    assert devex.dimensions[0].meets == "Clear priorities tied to outcomes and constraints"
    assert devex.dimensions[0].exceeds.startswith("Compelling multi-quarter roadmap")
    staff = parse_file(SEED / "staff-ci-cd-engineer.json")
    assert staff.dimensions[0].meets.startswith("Designs scalable, reusable patterns")
    assert all(d.exceeds == "" for d in staff.dimensions)
    director = parse_file(SEED / "director-of-software-engineering.json")
    assert all(d.meets == "" and d.exceeds == "" for d in director.dimensions)


def test_flat_case_study_list_groups_plain_items_under_bold_ones():
    em = parse_file(SEED / "engineering-manager.json")
    assert [c.title for c in em.case_studies] == [
        "Case study 1: Delivery under constraints",
        "Case study 2: Incident and post-incident review",
        "Case study 3: Coaching and performance",
        "Optional technical review",
    ]
    assert [len(c.details) for c in em.case_studies] == [3, 2, 2, 1]
    assert em.case_studies[0].details[1].startswith("Candidate proposes a 6\u20138 week plan")


def test_en_dash_sub_lines_become_questions_and_entities_are_decoded():
    devex = parse_file(SEED / "developer-experience-manager.json")
    first = devex.assess[0]
    assert first.area == "DevEx strategy and prioritization ability"
    assert first.questions == (
        "Can the candidate identify high-leverage friction points and build a credible roadmap?",
        "Do they use evidence and metrics appropriately?",
    )
    assert devex.dimensions[0].name == "DevEx strategy & roadmap"  # &amp; decoded
    assert "\u201cbuying tools\u201d" in devex.signals.weak[0]  # curly quotes kept
    case = devex.case_studies[0]
    assert case.title == "Case study: \u201cDevEx roadmap from messy signals\u201d"
    assert case.details[0].startswith("Provide: a fictional set of metrics")


def test_interview_loop_and_stated_rating_scale():
    sem = parse_file(SEED / "software-engineering-manager.json")
    assert sem.interview_loop[0] == "Hiring manager interview (values + role scope + leadership depth)"
    staff = parse_file(SEED / "staff-ci-cd-engineer.json")
    assert [(lv.value, lv.label) for lv in staff.rating_scale] == [
        (1, "Does not meet"), (2, "Developing"), (3, "Meets"), (4, "Exceeds")
    ]
    assert any("equal weights" in w for w in staff.warnings)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
@pytest.mark.parametrize("ext", ["html", "md"])
def test_html_and_markdown_renditions_match_json(stem, ext):
    from_json = parse_file(SEED / f"{stem}.json")
    other = parse_file(FIXTURES / "blueprints" / f"{stem}.{ext}")
    assert other.content() == from_json.content()
    assert other.content_hash == from_json.content_hash
    assert other.source_link == from_json.source_link


def _article(dimensions_html: str, hiring_title: str = "19) Hiring Evaluation Criteria") -> str:
    return (
        "<h1>Example Role: Role Blueprint, Skills</h1>"
        f"<h2>{hiring_title}</h2>"
        "<h3>Red flags</h3><ul><li>Lies</li></ul>"
        f"<h3>Scorecard dimensions (table)</h3>{dimensions_html}"
    )


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{n}</td><td>m</td><td>e</td><td>{w}</td></tr>" for n, w in rows)
    return (
        "<table><thead><tr><th>Dimension</th><th>Meets bar</th><th>Exceptional</th>"
        f"<th>Weight</th></tr></thead><tbody>{body}</tbody></table>"
    )


def test_weights_not_summing_to_100_are_normalised_with_a_warning():
    parsed = parse_text(_article(_table([("A", "30%"), ("B", "60%")])), "x.html")
    assert [d.weight for d in parsed.dimensions] == pytest.approx([100 / 3, 200 / 3])
    assert any("summed to 90%" in w for w in parsed.warnings)
    assert parsed.title == "Example Role"  # article title without its suffix
    assert parsed.dimensions[0].exceeds == "e"  # "Exceptional" column


def test_partly_missing_weights_are_defaulted():
    parsed = parse_text(_article(_table([("A", "60%"), ("B", "")])), "x.html")
    assert [(d.weight, d.weight_source) for d in parsed.dimensions] == [
        (60, "blueprint"), (40, "defaulted")
    ]


def test_heading_suffixes_and_numbering_are_tolerated():
    html = _article(_table([("A", "100%")]), hiring_title="7. Hiring evaluation criteria (v2)")
    assert parse_text(html, "x.html").dimensions[0].name == "A"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", "just some words", "not a JSON, HTML or Markdown blueprint"),
        ("broken.json", '{"title": ', "not valid JSON"),
        ("post.json", json.dumps({"title": {"rendered": "x"}}), "no content.rendered"),
        ("role.html", "<h1>Role</h1><h2>Skills</h2><ul><li>x</li></ul>", "no 'Hiring Evaluation"),
        ("role.md", "# Role\n\n## Hiring Evaluation Criteria\n\n### Red flags\n\n- x\n",
         "no 'Scorecard dimensions'"),
        ("role.html", _article("<p>None yet.</p>"), "lists no dimensions"),
        ("role.html", _article(_table([("A", "lots")])), "weight 'lots' of dimension 'A'"),
    ],
)
def test_bad_input_gives_one_line_error_naming_the_file(name, content, message):
    with pytest.raises(BlueprintError) as caught:
        parse_text(content, name)
    text = str(caught.value)
    assert text.startswith(f"{name}: ")
    assert message in text
    assert "\n" not in text


def test_missing_file_is_a_blueprint_error(tmp_path):
    with pytest.raises(BlueprintError, match="missing.json: file not found"):
        parse_file(tmp_path / "missing.json")


def test_to_dict_has_the_documented_keys():
    data = parse_file(SEED / "engineering-manager.json").to_dict()
    for key in ("title", "slug", "dimensions", "case_studies", "assess", "signals",
                "interview_loop", "rating_scale", "warnings"):
        assert key in data
    assert set(data["dimensions"][0]) >= {"name", "weight", "weight_source", "meets", "exceeds"}
    assert set(data["case_studies"][0]) >= {"title", "minutes_min", "minutes_max", "details"}
    assert set(data["signals"]) == {"strong", "weak", "red_flags"}
