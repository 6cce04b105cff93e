"""The article as Markdown (CommonMark with tables); raw HTML in it is not rendered."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from ..text import clean


def read(raw: str, name: str) -> tuple[str, str, str]:
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(raw)
    soup = BeautifulSoup(html, "html.parser")
    h1 = soup.find("h1")
    link = ""
    match = re.search(r"^(?:Source|Link):\s*<?(https?://\S+?)>?\s*$", raw, re.MULTILINE)
    if match:
        link = match.group(1)
    return (clean(h1.get_text()) if h1 else ""), link, html
