"""Turn a role blueprint (WordPress JSON, saved HTML page or Markdown) into a
ParsedBlueprint: a reader per format (hiring.core.formats, chosen by FORMATS), then the
shared section logic (hiring.core.blueprint_sections)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from .blueprint import BlueprintError, ParsedBlueprint

__all__ = ["FORMATS", "BlueprintError", "parse_file", "parse_text"]

# file suffix -> the module in hiring.core.formats whose read(raw text, file name) returns
# (title, link, article HTML). Readers and the HTML parser are imported on first use: they
# bring BeautifulSoup, soupsieve and markdown-it, a sixth of the start-up of every process
# (web worker, CLI command, packet worker) that never parses a blueprint.
Reader = Callable[[str, str], tuple[str, str, str]]
FORMATS: dict[str, str] = {
    ".json": "wordpress_json",
    ".html": "html_page",
    ".htm": "html_page",
    ".md": "markdown",
    ".markdown": "markdown",
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
    from bs4 import BeautifulSoup

    from .blueprint_sections import parse_article

    title, link, html = reader_for(raw, source_name)(raw, source_name)
    return parse_article(BeautifulSoup(html, "html.parser"), title, link, source_name)


def reader_for(raw: str, name: str) -> Reader:
    """By the file's suffix; without a known one, by what the text looks like."""
    return _reader(FORMATS.get(Path(name).suffix.lower()) or _format_of(raw, name))


def _format_of(raw: str, name: str) -> str:
    head = raw.lstrip()[:200].lower()
    if head.startswith(("{", "[")):
        return FORMATS[".json"]
    if head.startswith(("<!doctype html", "<html")) or "<h2" in raw.lower():
        return FORMATS[".html"]
    if re.search(r"^#{1,6}\s", raw, re.MULTILINE):
        return FORMATS[".md"]
    raise BlueprintError(name, "not a JSON, HTML or Markdown blueprint")


def _reader(module: str) -> Reader:
    return importlib.import_module(f"{__package__}.formats.{module}").read
