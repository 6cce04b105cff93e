"""Read a blueprint article's sections (whatever file format it came in) into a
ParsedBlueprint.

Sections are located by their heading text, never by position or number, because the
bundled articles differ in numbering, heading suffixes and list shapes.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from .blueprint import (
    DEFAULT_RATING_SCALE,
    AssessmentArea,
    BlueprintError,
    CaseStudy,
    Dimension,
    ParsedBlueprint,
    ScaleLevel,
    Signals,
)
from .blueprint_weights import parse_weight, settle_weights
from .durations import find_duration
from .text import clean, slugify

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCKS = ("p", "ul", "ol", "table")

HIRING = "hiring evaluation criteria"
SUMMARY = "final role scorecard summary"
SUBSECTIONS = {
    "assess": ("what to assess",),
    "case_studies": ("case stud", "practical exercise"),
    "strong": ("strong candidate signals", "strong signals"),
    "weak": ("weak candidate signals", "weak signals"),
    "red_flags": ("red flags",),
    "dimensions": ("scorecard dimensions",),
    "interview_loop": ("interview loop",),
}

_DASH_LINE = re.compile(r"\n\s*[\u2013\u2014]\s*")
# "1-4 scale: Does not meet / Developing / Meets / Exceeds": the scale's words, then the
# labels after the first colon that follows them (_scale_labels).
_SCALE_WORDS = re.compile(r"(\d)\s*[\u2013\u2014-]\s*(\d)\s*(?:point\s*)?scale", re.IGNORECASE)
_SCALE_LABELS = re.compile(r"\s*([^)\n]+)")
_TITLE_SUFFIX = re.compile(r"\s*:\s*Role Blueprint\b.*$", re.IGNORECASE)


# ---------------------------------------------------------------- sections


def _heading_key(tag: Tag) -> str:
    text = clean(tag.get_text()).lower()
    text = re.sub(r"^\d+[.)]\s*", "", text)  # "19) " numbering
    text = _drop_final_parenthetical(text)  # "(table)", "(example)" suffixes
    return text.rstrip(":").strip()


def _drop_final_parenthetical(text: str) -> str:
    """`text` without a final "(...)" group (and the white space before it, and a colon
    after it): what re.sub(r"\\s*\\([^)]*\\)\\s*:?$", "", text) gives for text without line
    breaks, in linear time. (That regex tries every "(" as a start and scans to the end from
    each: quadratic, a minute for a heading of 60,000 "(".)"""
    rest = text[:-1] if text.endswith(":") else text
    rest = rest.rstrip()
    if not rest.endswith(")"):
        return text
    close = len(rest) - 1
    # The group holds no ")": it opens at the first "(" after the ")" before this one, the
    # leftmost place the regex would match.
    opening = rest.find("(", rest.rfind(")", 0, close) + 1, close)
    return text if opening < 0 else rest[:opening].rstrip()


def _level(tag: Tag) -> int:
    return int(tag.name[1])


def _find_heading(soup: BeautifulSoup | list[Tag], needles: tuple[str, ...]) -> Tag | None:
    headings = soup.find_all(HEADINGS) if isinstance(soup, BeautifulSoup) else soup
    for heading in headings:
        key = _heading_key(heading)
        if any(needle in key for needle in needles):
            return heading
    return None


def _section_blocks(heading: Tag, stop_level: int) -> tuple[list[Tag], list[Tag]]:
    """Top-level blocks after `heading` and the sub-headings below it, up to the next
    heading at `stop_level` or higher."""
    blocks: list[Tag] = []
    subheadings: list[Tag] = []
    inside: set[int] = set()  # the descendants of the blocks taken (each is visited once)
    for element in heading.next_elements:
        if not isinstance(element, Tag):
            continue
        if element.name in HEADINGS:
            if _level(element) <= stop_level:
                break
            subheadings.append(element)
            continue
        if element.name in BLOCKS and id(element) not in inside:
            blocks.append(element)
            inside.update(id(d) for d in element.descendants if isinstance(d, Tag))
    return blocks, subheadings


def _subsection(heading: Tag) -> list[Tag]:
    blocks, _ = _section_blocks(heading, _level(heading))
    return blocks


# ---------------------------------------------------------------- text helpers


def _item_text(tag: Tag) -> str:
    """Text of a list item or paragraph with <br> and block breaks kept as newlines."""
    copy = BeautifulSoup(str(tag), "html.parser")
    for br in copy.find_all("br"):
        br.replace_with("\n")
    for p in copy.find_all("p"):
        p.insert_after("\n")
    lines = [clean(line) for line in copy.get_text().split("\n")]
    return "\n".join(line for line in lines if line)


def _lead_bold(tag: Tag) -> str | None:
    """The bold text an item opens with, if it opens with one."""
    for child in tag.descendants:
        if isinstance(child, Tag):
            if child.name in ("strong", "b"):
                return clean(child.get_text())
            continue
        if str(child).strip():
            return None
    return None


def _split_lead(tag: Tag) -> tuple[str | None, list[str]]:
    """An item's bold lead and the lines that follow it (en-dash sub-lines, <br> lines)."""
    text = _item_text(tag)
    lead = _lead_bold(tag)
    rest = text
    if lead:
        idx = text.find(lead)
        rest = text[idx + len(lead) :] if idx >= 0 else text
        lead = lead.rstrip(":").strip()
    rest = _DASH_LINE.sub("\n", "\n" + rest)
    lines = [line.strip().lstrip(":").strip() for line in rest.split("\n")]
    return lead, [line.lstrip("\u2013\u2014 ").strip() for line in lines if line]


def _table_rows(table: Tag, name: str, section: str) -> list[list[Tag]]:
    """The cells of each row. A row inside a row (a table in a cell, or a <tr> or <td> left
    open, which the HTML parser nests) is refused: its text would be read again in every
    row around it (quadratic, a stall for a few thousand), and which row it belongs to is
    a guess. Each check stops at the first nesting, so the whole is linear."""
    rows: list[list[Tag]] = []
    for tr in table.find_all("tr"):
        cells = tr.find_all(["td", "th"])
        if tr.find("tr") is not None or any(c.find(["td", "th"]) for c in cells):
            raise BlueprintError(
                name, f"the {section!r} table has a row or cell inside another "
                "(a table in a cell, or a <tr> or <td> left open)")
        rows.append(cells)
    return rows


def _list_items(blocks: list[Tag]) -> list[Tag]:
    items: list[Tag] = []
    for block in blocks:
        if block.name in ("ul", "ol"):
            items.extend(block.find_all("li", recursive=False))
    return items


# ---------------------------------------------------------------- the article


def parse_article(soup: BeautifulSoup, title: str, link: str, name: str) -> ParsedBlueprint:
    hiring = _find_heading(soup, (HIRING,))
    if hiring is None:
        raise BlueprintError(name, "no 'Hiring Evaluation Criteria' section")
    blocks, subheadings = _section_blocks(hiring, _level(hiring))
    warnings: list[str] = []

    def sub(key: str) -> list[Tag]:
        heading = _find_heading(subheadings, SUBSECTIONS[key])
        return _subsection(heading) if heading is not None else []

    dimension_blocks = sub("dimensions")
    if not dimension_blocks:
        raise BlueprintError(name, "no 'Scorecard dimensions' in the hiring section")
    dimensions = _dimensions(dimension_blocks, name, warnings)

    summary = _summary_table(soup, name)
    role_title = summary.get("role title") or _TITLE_SUFFIX.sub("", title).strip()
    if not role_title:
        raise BlueprintError(name, "no role title (summary table or article title)")

    scale, scale_source = _rating_scale(blocks)
    signals = Signals(
        strong=tuple(_item_text(li).replace("\n", " ") for li in _list_items(sub("strong"))),
        weak=tuple(_item_text(li).replace("\n", " ") for li in _list_items(sub("weak"))),
        red_flags=tuple(_item_text(li).replace("\n", " ") for li in _list_items(sub("red_flags"))),
    )
    return ParsedBlueprint(
        title=role_title,
        slug=slugify(role_title),
        purpose=summary.get("role purpose", ""),
        source_name=name,
        source_link=link,
        dimensions=dimensions,
        case_studies=_case_studies(_list_items(sub("case_studies")), warnings),
        assess=_assessment_areas(_list_items(sub("assess"))),
        signals=signals,
        interview_loop=_interview_loop(blocks, subheadings),
        rating_scale=scale,
        rating_scale_source=scale_source,
        warnings=tuple(warnings),
    )


def _summary_table(soup: BeautifulSoup, name: str) -> dict[str, str]:
    heading = _find_heading(soup, (SUMMARY,))
    if heading is None:
        return {}
    rows: dict[str, str] = {}
    for table in (b for b in _subsection(heading) if b.name == "table"):
        for cells in _table_rows(table, name, "Final role scorecard summary"):
            if len(cells) >= 2:
                rows.setdefault(clean(cells[0].get_text()).lower(), clean(cells[1].get_text()))
    return rows


def _assessment_areas(items: list[Tag]) -> tuple[AssessmentArea, ...]:
    areas = []
    for li in items:
        lead, lines = _split_lead(li)
        if lead:
            areas.append(AssessmentArea(lead, tuple(lines)))
        elif lines:
            areas.append(AssessmentArea(lines[0], tuple(lines[1:])))
    return tuple(areas)


def _duration(text: str, warnings: list[str]) -> tuple[int | None, int | None, str]:
    found = find_duration(text)
    if found.warning:
        warnings.append(f"case study: {found.warning}")
    return found.low, found.high, found.text


def _case_title(lead: str, warnings: list[str]) -> tuple[str, int | None, int | None]:
    low, high, words = _duration(lead, warnings)
    if not words:
        return lead, None, None
    # Drop the parenthetical that holds the duration: "Pipeline design case (90 minutes)".
    title = _drop_parentheticals_with(words, lead)
    if title == lead:
        title = lead.replace(words, "")
    return title.strip(" :\u2013\u2014-"), low, high


def _drop_parentheticals_with(words: str, text: str) -> str:
    """`text` without each "(...)" group holding `words` (which hold no parenthesis) and the
    white space before it: what re.sub(r"\\s*\\([^)]*" + re.escape(words) + r"[^)]*\\)", "",
    text) gives, in linear time. (That regex scans from every "(" to the next ")" and
    searches the words there: quadratic, 27 s for 1,500 "( 90 minutes ".) A group runs from
    a "(" to the first ")" after it, so of the "(" after one ")" only the first can match."""
    parts: list[str] = []
    kept = scan = 0
    while (opening := text.find("(", scan)) >= 0 and (close := text.find(")", opening)) >= 0:
        if words in text[opening + 1 : close]:
            start = opening
            while start > kept and text[start - 1].isspace():
                start -= 1
            parts.append(text[kept:start])
            kept = close + 1
        scan = close + 1
    parts.append(text[kept:])
    return "".join(parts)


def _case_studies(items: list[Tag], warnings: list[str]) -> tuple[CaseStudy, ...]:
    """One bold-led item per case study, or a flat list where a bold item opens a case study
    and the plain items after it are its details."""
    drafts: list[tuple[str, int | None, int | None, list[str]]] = []
    for li in items:
        lead, lines = _split_lead(li)
        if lead:
            title, low, high = _case_title(lead, warnings)
            drafts.append((title, low, high, list(lines)))
        elif drafts:
            drafts[-1][3].extend(lines)
        elif lines:
            low, high, _ = _duration(lines[0], warnings)
            drafts.append((lines[0], low, high, list(lines[1:])))
    return tuple(CaseStudy(t, lo, hi, tuple(d)) for t, lo, hi, d in drafts)


def _column(headers: list[str], *needles: str) -> int | None:
    for index, header in enumerate(headers):
        if any(needle in header for needle in needles):
            return index
    return None


def _dimensions(blocks: list[Tag], name: str, warnings: list[str]) -> tuple[Dimension, ...]:
    table = next((b for b in blocks if b.name == "table"), None)
    rows: list[tuple[str, str, str, str | None]] = []
    if table is not None:
        table_rows = _table_rows(table, name, "Scorecard dimensions")
        if not table_rows:
            raise BlueprintError(name, "the 'Scorecard dimensions' table has no rows")
        headers = [clean(c.get_text()).lower() for c in table_rows[0]]
        name_col = _column(headers, "dimension", "competenc", "area") or 0
        meets_col = _column(headers, "meets")
        exceeds_col = _column(headers, "exceed", "excellent", "exceptional", "outstanding")
        weight_col = _column(headers, "weight")
        for number, row in enumerate(table_rows[1:], start=2):
            cells = [clean(c.get_text()) for c in row]
            if name_col >= len(cells) and any(cells):
                # A row cut short (merged or lost cells): which dimension its text belongs
                # to is unknown, and a template version cannot be edited once imported.
                raise BlueprintError(
                    name, f"row {number} of the 'Scorecard dimensions' table has "
                    f"{len(cells)} cell(s) and no dimension name (column {name_col + 1})")
            if not any(cells) or not cells[name_col]:
                continue

            def cell(col: int | None, cells: list[str] = cells) -> str:
                return cells[col] if col is not None and col < len(cells) else ""

            weight = cell(weight_col) if weight_col is not None else None
            rows.append((cells[name_col], cell(meets_col), cell(exceeds_col), weight))
    else:
        for li in _list_items(blocks):
            text = _item_text(li).replace("\n", " ")
            if text:
                rows.append((text, "", "", None))
    if not rows:
        raise BlueprintError(name, "the 'Scorecard dimensions' section lists no dimensions")
    weights = [parse_weight(w, dim, name) for dim, _, _, w in rows]
    final, sources = settle_weights(weights, warnings)
    return tuple(
        Dimension(dim, meets, exceeds, weight, source)
        for (dim, meets, exceeds, _), weight, source in zip(rows, final, sources, strict=True)
    )


def _scale_labels(text: str) -> tuple[int, int, str] | None:
    """(low, high, labels text) of the first rating scale in `text`: what
    re.search(r"(\\d)\\s*[\\u2013\\u2014-]\\s*(\\d)\\s*(?:point\\s*)?scale[^:]*:\\s*([^)\\n]+)",
    text, re.IGNORECASE) finds, in linear time. (That regex scans from every "1-2 scale" to
    the next colon: quadratic, 19 s for a paragraph of 40,000 of them without a colon.)"""
    failed_colon = -1  # labels cannot follow this colon: skip the scales before it
    for words in _SCALE_WORDS.finditer(text):
        if words.end() <= failed_colon:
            continue
        colon = text.find(":", words.end())
        if colon < 0:
            return None  # no colon after this scale, nor after any later one
        labels = _SCALE_LABELS.match(text, colon + 1)
        if labels:
            return int(words.group(1)), int(words.group(2)), labels.group(1)
        failed_colon = colon
    return None


def _rating_scale(blocks: list[Tag]) -> tuple[tuple[ScaleLevel, ...], str]:
    for block in blocks:
        found = _scale_labels(clean(block.get_text()))
        if not found:
            continue
        low, high, text = found
        labels = [clean(label) for label in text.split("/") if clean(label)]
        if len(labels) == high - low + 1:
            return tuple(ScaleLevel(low + i, label) for i, label in enumerate(labels)), "blueprint"
    return DEFAULT_RATING_SCALE, "default"


def _interview_loop(blocks: list[Tag], subheadings: list[Tag]) -> tuple[str, ...]:
    heading = _find_heading(subheadings, SUBSECTIONS["interview_loop"])
    if heading is not None:
        items = _list_items(_subsection(heading))
        return tuple(_item_text(li).replace("\n", " ") for li in items)
    for index, block in enumerate(blocks):
        lead = _lead_bold(block)
        if block.name == "p" and lead and "interview loop" in lead.lower():
            _, lines = _split_lead(block)
            if not lines and index + 1 < len(blocks):
                return tuple(_item_text(li) for li in _list_items([blocks[index + 1]]))
            return tuple(lines)
    return ()
