"""Regenerate the HTML-page and Markdown renditions of the bundled blueprints used by the
tests (tests/fixtures/blueprints). Needs `pip install markdownify`; run from the repo root."""

import html
import json
import pathlib

from markdownify import markdownify

SEED = pathlib.Path("seed/blueprints")
OUT = pathlib.Path("tests/fixtures/blueprints")

for path in sorted(SEED.glob("*.json")):
    post = json.loads(path.read_text(encoding="utf-8"))
    title = post["title"]["rendered"]
    content = post["content"]["rendered"]
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title} - DevOpsSchool</title>"
        f"<link rel=\"canonical\" href=\"{html.escape(post['link'])}\"></head>\n"
        f"<body><header><nav><a href=\"/\">Home</a></nav></header><main><article>"
        f"<h1 class=\"entry-title\">{title}</h1>\n<div class=\"entry-content\">{content}</div>"
        "</article></main><footer><p>Footer</p></footer></body></html>\n"
    )
    (OUT / f"{path.stem}.html").write_text(page, encoding="utf-8")
    body = markdownify(content, heading_style="ATX", bullets="-")
    text = html.unescape(title)
    markdown = f"# {text}\n\nSource: <{post['link']}>\n\n{body}"
    (OUT / f"{path.stem}.md").write_text(markdown, encoding="utf-8")
