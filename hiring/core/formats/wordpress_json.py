"""A WordPress REST API post (the bundled seed files): the article is content.rendered."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from ..blueprint import BlueprintError
from ..text import clean


def read(raw: str, name: str) -> tuple[str, str, str]:
    try:
        post = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BlueprintError(name, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:  # the decoder recurses once per nested array or object
        raise BlueprintError(name, "not a WordPress post (JSON nested too deeply)") from None
    if not isinstance(post, dict):
        raise BlueprintError(name, "JSON is not a WordPress post object")
    content = post.get("content")
    html = content.get("rendered") if isinstance(content, dict) else None
    if not isinstance(html, str) or not html.strip():
        raise BlueprintError(name, "JSON has no content.rendered article HTML")
    title_field = post.get("title")
    title = title_field.get("rendered", "") if isinstance(title_field, dict) else ""
    title = clean(BeautifulSoup(str(title), "html.parser").get_text())
    return title, str(post.get("link") or ""), html
