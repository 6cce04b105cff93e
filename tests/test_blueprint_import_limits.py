"""Blueprint text the database cannot hold: a field longer than its column, or holding a
character no column can hold (NUL, a lone surrogate), is refused at parsing with a message
naming the field and the limit, the same on SQLite and PostgreSQL, and nothing is written.
A field at its limit is stored whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hiring.core.blueprint_parser import BlueprintError, parse_text
from hiring.extensions import db
from hiring.models import (
    Role,
    TemplateAssessmentArea,
    TemplateCaseStudy,
    TemplateDimension,
    TemplateVersion,
)


def _blueprint(title="Example Role", dimension="Alpha", meets="m", case="Design case",
               area="Systems thinking", link="https://example.com/role", red_flag="Lies",
               purpose="Build teams") -> str:
    return (f'<html><head><link rel="canonical" href="{link}"></head><body>'
            f"<h1>{title}: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
            f"<h3>What to assess</h3><ul><li><strong>{area}</strong> How?</li></ul>"
            f"<h3>Case studies</h3><ul><li><strong>{case}</strong> Plan it.</li></ul>"
            f"<h3>Red flags</h3><ul><li>{red_flag}</li></ul>"
            "<h3>Scorecard dimensions</h3><table><tr><th>Dimension</th><th>Meets bar</th>"
            f"<th>Weight</th></tr><tr><td>{dimension}</td><td>{meets}</td><td>100</td></tr>"
            "</table><h2>Final role scorecard summary</h2>"
            f"<table><tr><td>Role purpose</td><td>{purpose}</td></tr></table></body></html>")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(app, tmp_path, html: str):
    path = tmp_path / "role.html"
    path.write_text(html, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["blueprints", "import", str(path)])


TOO_LONG = [
    ("title", "T" * 301, "role title 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT...' is 301 characters "
                         "long; at most 300 can be stored"),
    ("title", "T" * 201, "role slug (made from the title) 'tttttttttttttttttttttttttttttt...' "
                         "is 201 characters long; at most 200 can be stored"),
    ("dimension", "D" * 301, "dimension 1 name 'DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD...' is 301 "
                             "characters long; at most 300 can be stored"),
    ("case", "C" * 501, "case study 1 title 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC...' is 501 "
                        "characters long; at most 500 can be stored"),
    ("area", "A" * 501, "assessment area 1 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' is 501 "
                        "characters long; at most 500 can be stored"),
    ("link", "https://example.com/" + "a" * 981, "source link 'https://example.com/aaaaaaaaaa...'"
                                                 " is 1,001 characters long; at most 1000 can "
                                                 "be stored"),
    ("dimension", "Al\x00pha", r"dimension 1 name 'Al\x00pha' contains a NUL character (U+0000),"
                               " which cannot be stored"),
    ("meets", "m\x00", r"dimension 1 'meets' text 'm\x00' contains a NUL character"),
    ("red_flag", "\x00Lies", r"red flag 1 '\x00Lies' contains a NUL character"),
    ("purpose", "Build\x00", r"role purpose 'Build\x00' contains a NUL character"),
]


@pytest.mark.parametrize(("field", "value", "message"), TOO_LONG)
def test_text_the_database_cannot_hold_is_refused_naming_the_field(app, tmp_path, field, value,
                                                                   message):
    result = _import(app, tmp_path, _blueprint(**{field: value}))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert f"error: role.html: {message}" in result.output
    assert "Nothing was imported." in result.output
    db.session.rollback()
    assert (_count(Role), _count(TemplateVersion)) == (0, 0)


def test_text_at_its_limit_is_stored_whole(app, tmp_path):
    title = "T" * 200 + "!" * 100  # 300 characters; its slug is the 200 letters
    link = "https://example.com/" + "a" * 980
    result = _import(app, tmp_path, _blueprint(
        title=title, dimension="D" * 300, case="C" * 500, area="A" * 500, link=link))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    role = db.session.scalar(select(Role))
    assert (role.slug, role.title) == ("t" * 200, title)
    template = db.session.scalar(select(TemplateVersion))
    assert (template.title, template.source_link) == (title, link)
    assert db.session.scalar(select(TemplateDimension.name)) == "D" * 300
    assert db.session.scalar(select(TemplateCaseStudy.title)) == "C" * 500
    assert db.session.scalar(select(TemplateAssessmentArea.area)) == "A" * 500


def test_a_source_name_longer_than_its_column_is_refused():
    name = "n" * 296 + ".html"  # 301 characters
    with pytest.raises(BlueprintError, match=r"source file name '(n{30})\.\.\.' is 301 "
                                             r"characters long; at most 300 can be stored"):
        parse_text(_blueprint(), name)


def test_a_lone_surrogate_is_refused():
    import json

    post = {"title": {"rendered": "Example Role"},
            "content": {"rendered": _blueprint(dimension="A\ud800b")}}
    with pytest.raises(BlueprintError, match=r"dimension 1 name 'A\\ud800b' contains U\+D800"):
        parse_text(json.dumps(post), "role.json")


def test_a_file_name_with_undecodable_bytes_is_refused_printably():
    with pytest.raises(BlueprintError) as caught:
        parse_text(_blueprint(), "role\udcff.html")
    assert str(caught.value) == (
        r"role\udcff.html: source file name 'role\udcff.html' contains U+DCFF (half of a "
        "surrogate pair, not a character), which cannot be stored")
    str(caught.value).encode("utf-8")  # printable
