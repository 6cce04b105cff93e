"""One reader per format behind one registry; the sections are read in one place, so the
same article parses to the same blueprint whatever its format."""

from __future__ import annotations

import pytest

from hiring.core.blueprint_parser import FORMATS, BlueprintError, parse_file, parse_text
from tests.conftest import FIXTURES, SEED


def test_the_registry_covers_the_three_formats():
    assert {".json", ".html", ".md"} <= set(FORMATS)


@pytest.mark.parametrize("suffix", [".json", ".html", ".md"])
def test_without_a_suffix_the_text_decides(suffix):
    path = (SEED if suffix == ".json" else FIXTURES / "blueprints") / f"engineering-manager{suffix}"
    by_suffix = parse_file(path)
    sniffed = parse_text(path.read_text(encoding="utf-8"), "engineering-manager")
    assert sniffed.content_hash == by_suffix.content_hash


def test_each_format_gives_the_same_blueprint():
    hashes = {parse_file(SEED / "engineering-manager.json").content_hash,
              parse_file(FIXTURES / "blueprints" / "engineering-manager.html").content_hash,
              parse_file(FIXTURES / "blueprints" / "engineering-manager.md").content_hash}
    assert len(hashes) == 1


def test_text_of_no_known_format_is_refused():
    with pytest.raises(BlueprintError, match="not a JSON, HTML or Markdown blueprint"):
        parse_text("just some words", "notes.txt")
