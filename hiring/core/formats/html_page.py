"""A saved HTML page of the article."""

from __future__ import annotations

from bs4 import BeautifulSoup

from ..text import clean


def read(raw: str, name: str) -> tuple[str, str, str]:
    soup = BeautifulSoup(raw, "html.parser")
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    title = clean((h1 or title_tag).get_text()) if (h1 or title_tag) else ""
    link = ""
    for selector in ({"rel": "canonical"}, {"property": "og:url"}):
        tag = soup.find(["link", "meta"], attrs=selector)
        if tag is not None:
            link = str(tag.get("href") or tag.get("content") or "")
            break
    return title, link, raw
