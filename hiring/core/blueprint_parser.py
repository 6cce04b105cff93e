"""Turn a role blueprint (WordPress JSON, saved HTML page or Markdown) into a
ParsedBlueprint: a reader per format (hiring.core.formats, chosen by FORMATS), then the
shared section logic (hiring.core.blueprint_sections)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from .blueprint import BlueprintError, ParsedBlueprint
from .blueprint_sections import parse_article
from .formats import html_page, markdown, wordpress_json

__all__ = ["FORMATS", "BlueprintError", "parse_file", "parse_text"]

# file suffix -> reader(raw text, file name) -> (title, link, article HTML)
Reader = Callable[[str, str], tuple[str, str, str]]
FORMATS: dict[str, Reader] = {
    ".json": wordpress_json.read,
    ".html": html_page.read,
    ".htm": html_page.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
}


def parse_file(path: str | Path) -> ParsedBlueprint:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError(name, "file not found") from None
    except UnicodeDecodeError:
        raise BlueprintError(name, "not a text file (expected JSON, HTML or Markdown)") from None
    return parse_text(raw, name)


def parse_text(raw: str, source_name: str) -> ParsedBlueprint:
    title, link, html = reader_for(raw, source_name)(raw, source_name)
    return parse_article(BeautifulSoup(html, "html.parser"), title, link, source_name)


def reader_for(raw: str, name: str) -> Reader:
    """By the file's suffix; without a known one, by what the text looks like."""
    reader = FORMATS.get(Path(name).suffix.lower())
    if reader is not None:
        return reader
    head = raw.lstrip()[:200].lower()
    if head.startswith(("{", "[")):
        return FORMATS[".json"]
    if head.startswith(("<!doctype html", "<html")) or "<h2" in raw.lower():
        return FORMATS[".html"]
    if re.search(r"^#{1,6}\s", raw, re.MULTILINE):
        return FORMATS[".md"]
    raise BlueprintError(name, "not a JSON, HTML or Markdown blueprint")
