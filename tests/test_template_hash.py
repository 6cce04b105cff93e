"""Template versions are stable: a parser that grows a defaulted field re-versions nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, field, make_dataclass, replace

import pytest
from sqlalchemy import func, select

from hiring.core.blueprint import CaseStudy, Dimension, ParsedBlueprint
from hiring.core.blueprint_parser import parse_file
from hiring.extensions import db
from hiring.models import TemplateVersion
from hiring.services.blueprints import store_blueprint
from tests.conftest import SEED

SEEDS = sorted(p.name for p in SEED.iterdir())


def grown(parsed: ParsedBlueprint, **values) -> ParsedBlueprint:
    """The same blueprint as a later parser would give it: every dataclass has one more
    field, with a default (`values` overrides it)."""
    Dim = make_dataclass("Dimension", [("rubric_url", str, field(default=""))],
                         bases=(Dimension,), frozen=True)
    Case = make_dataclass("CaseStudy", [("format", str, field(default="live"))],
                          bases=(CaseStudy,), frozen=True)
    Parsed = make_dataclass("ParsedBlueprint", [("locale", str, field(default="en"))],
                            bases=(ParsedBlueprint,), frozen=True)
    base = {f: getattr(parsed, f) for f in parsed.__dataclass_fields__}
    base["dimensions"] = tuple(Dim(**asdict(d), rubric_url=values.get("rubric_url", ""))
                               for d in parsed.dimensions)
    base["case_studies"] = tuple(Case(**{**asdict(c), "details": c.details})
                                 for c in parsed.case_studies)
    return Parsed(**base, locale=values.get("locale", "en"))


@pytest.mark.parametrize("name", SEEDS)
def test_hash_is_the_one_stored_before_this_canonical_form(name):
    """Existing databases keep their versions: for today's fields the canonical form is
    exactly the old one (every field, sorted keys)."""
    parsed = parse_file(SEED / name)
    old = asdict(parsed)
    for key in ("source_name", "source_link", "warnings"):
        old.pop(key)
    expected = hashlib.sha256(json.dumps(old, sort_keys=True, ensure_ascii=False)
                              .encode("utf-8")).hexdigest()
    assert parsed.content_hash == expected


@pytest.mark.parametrize("name", SEEDS)
def test_a_new_defaulted_field_changes_no_hash(name):
    parsed = parse_file(SEED / name)
    assert grown(parsed).content_hash == parsed.content_hash
    assert grown(parsed, locale="fr").content_hash != parsed.content_hash
    assert grown(parsed, rubric_url="https://x").content_hash != parsed.content_hash
    assert replace(parsed, warnings=("new warning",)).content_hash == parsed.content_hash


def test_reseeding_with_a_grown_parser_creates_no_version(app):
    parsed = [parse_file(SEED / name) for name in SEEDS]
    for blueprint in parsed:
        assert store_blueprint(blueprint).created
    db.session.commit()
    again = [store_blueprint(grown(blueprint)) for blueprint in parsed]
    assert [r.created for r in again] == [False] * len(SEEDS)
    assert db.session.scalar(select(func.count()).select_from(TemplateVersion)) == len(SEEDS)
