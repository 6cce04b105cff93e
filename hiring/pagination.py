"""Bounded pages for every list, and index-backed prefix search.

Offset pages with a fixed size: the page number is clamped to the pages that exist, so a
hostile `?page=10**20` or `?page=-5` gets the last or first page, never a 500 (an offset
past 2^63 overflows both databases). The count runs on an indexed column of the filtered
query only.

Prefix search: the searched columns hold casefolded text, and a prefix match is written so
that each backend answers it from a plain b-tree index with exactly the same results:
SQLite `GLOB 'abc*'` (case-sensitive, uses an index of BINARY collation) and PostgreSQL
`LIKE 'abc%'` (uses an index declared with `text_pattern_ops`, whatever the database's
locale). Both compare code points of already-casefolded text, so they agree row for row;
FTS5 and pg_trgm would need two query languages and rank differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from .extensions import db
from .routing import page_arg


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(query, size: int, number: int | None = None, *, scalars: bool = True,
             count=None) -> Page:
    """One COUNT over the filtered query (ORDER BY dropped), or `count` (a SELECT of the
    same number that an index answers more cheaply), then one page of rows."""
    number = page_arg() if number is None else number
    if count is None:
        count = select(func.count()).select_from(query.order_by(None).subquery())
    total = db.session.scalar(count) or 0
    pages = max((total + size - 1) // size, 1)
    number = min(max(number, 1), pages)
    rows = query.limit(size).offset((number - 1) * size)
    items = db.session.scalars(rows).all() if scalars else db.session.execute(rows).all()
    return Page(items=list(items), number=number, size=size, total=total)


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def prefix_match(column, prefix: str):
    """`column` starts with `prefix` (both already casefolded), answered from an index."""
    if db.engine.dialect.name == "sqlite":
        return column.op("GLOB")(_glob_escape(prefix) + "*")
    return column.startswith(prefix, autoescape=True)


def count_by(column, ids: list[int], *where) -> dict[int, int]:
    """{id: number of rows} for the given ids, one grouped query over an indexed column."""
    if not ids:
        return {}
    rows = db.session.execute(select(column, func.count()).where(column.in_(ids), *where)
                              .group_by(column)).all()
    return {key: count for key, count in rows}
