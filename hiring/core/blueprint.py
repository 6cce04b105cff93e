"""The parsed form of a role blueprint: plain, frozen data, no framework imports."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass

# Where a dimension's weight came from. A requisition's later changes are WeightAdjustments
# with their own reason, never a change of the template.
WEIGHT_SOURCES = ("blueprint", "defaulted")

# The most characters each stored field of a blueprint can hold: hiring/models/roles.py
# declares its columns with these. Every other text is unlimited (Text or JSON).
MAX_SLUG = 200
MAX_TITLE = 300
MAX_SOURCE_NAME = 300
MAX_SOURCE_LINK = 1000
MAX_DIMENSION_NAME = 300
MAX_CASE_STUDY_TITLE = 500
MAX_ASSESSMENT_AREA = 500

# What no database column can hold: NUL (PostgreSQL refuses it in text; SQLite would keep
# it) and lone surrogates (from a JSON "\ud800" escape or a file name's undecodable
# bytes; not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BlueprintError(ValueError):
    """A blueprint that cannot be imported; the message is one line naming the file."""

    def __init__(self, source: str, problem: str):
        # A file name's undecodable bytes (lone surrogates) are shown escaped: printing
        # them would fail.
        shown = source.encode("utf-8", "backslashreplace").decode("utf-8")
        super().__init__(f"{shown}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str


DEFAULT_RATING_SCALE: tuple[ScaleLevel, ...] = (
    ScaleLevel(1, "Does not meet"),
    ScaleLevel(2, "Developing"),
    ScaleLevel(3, "Meets"),
    ScaleLevel(4, "Exceeds"),
)


@dataclass(frozen=True)
class Dimension:
    name: str
    meets: str
    exceeds: str
    weight: float
    weight_source: str  # one of WEIGHT_SOURCES


@dataclass(frozen=True)
class CaseStudy:
    title: str
    minutes_min: int | None
    minutes_max: int | None
    details: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentArea:
    area: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Signals:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class ParsedBlueprint:
    title: str
    slug: str
    purpose: str
    source_name: str
    source_link: str
    dimensions: tuple[Dimension, ...]
    case_studies: tuple[CaseStudy, ...]
    assess: tuple[AssessmentArea, ...]
    signals: Signals
    interview_loop: tuple[str, ...]
    rating_scale: tuple[ScaleLevel, ...]
    rating_scale_source: str  # "blueprint" or "default"
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """A parsed blueprint is one the database can store whole, on every backend: a text
        too long for its column, or holding a character no column can hold, is refused
        here, naming the field and the limit, before anything is written."""
        for label, text, limit in self._stored_texts():
            problem = _storage_problem(text, limit)
            if problem:
                raise BlueprintError(self.source_name, f"{label} {_snippet(text)} {problem}")

    def _stored_texts(self) -> Iterator[tuple[str, str, int | None]]:
        """(what the field is called in an error message, its text, its limit or None)."""
        yield "role title", self.title, MAX_TITLE
        yield "role slug (made from the title)", self.slug, MAX_SLUG
        yield "role purpose", self.purpose, None
        yield "source file name", self.source_name, MAX_SOURCE_NAME
        yield "source link", self.source_link, MAX_SOURCE_LINK
        for i, dim in enumerate(self.dimensions, 1):
            yield f"dimension {i} name", dim.name, MAX_DIMENSION_NAME
            yield f"dimension {i} 'meets' text", dim.meets, None
            yield f"dimension {i} 'exceeds' text", dim.exceeds, None
        for i, case in enumerate(self.case_studies, 1):
            yield f"case study {i} title", case.title, MAX_CASE_STUDY_TITLE
            for j, detail in enumerate(case.details, 1):
                yield f"case study {i} detail {j}", detail, None
        for i, area in enumerate(self.assess, 1):
            yield f"assessment area {i}", area.area, MAX_ASSESSMENT_AREA
            for j, question in enumerate(area.questions, 1):
                yield f"assessment area {i} question {j}", question, None
        for kind, texts in (("strong signal", self.signals.strong),
                            ("weak signal", self.signals.weak),
                            ("red flag", self.signals.red_flags)):
            for i, text in enumerate(texts, 1):
                yield f"{kind} {i}", text, None
        for i, step in enumerate(self.interview_loop, 1):
            yield f"interview loop step {i}", step, None
        for i, level in enumerate(self.rating_scale, 1):
            yield f"rating scale label {i}", level.label, None
        for i, warning in enumerate(self.warnings, 1):
            yield f"parser warning {i}", warning, None

    def content(self) -> dict:
        """Everything a scorecard template is made of; the source file is not part of it.
        Fields holding their default value are left out (see `canonical`)."""
        data = canonical(self)
        for key in ("source_name", "source_link", "warnings"):
            data.pop(key, None)
        return data

    @property
    def content_hash(self) -> str:
        """Same content gives the same hash whatever the file format it came from, and
        whatever defaulted fields later versions of the parser add."""
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["content_hash"] = self.content_hash
        return data


def _storage_problem(text: str, limit: int | None) -> str | None:
    bad = _UNSTORABLE.search(text)
    if bad:
        char = bad.group()
        what = ("a NUL character (U+0000)" if char == "\x00"
                else f"U+{ord(char):04X} (half of a surrogate pair, not a character)")
        return f"contains {what}, which cannot be stored"
    if limit is not None and len(text) > limit:
        return f"is {len(text):,} characters long; at most {limit} can be stored"
    return None


def _snippet(text: str) -> str:
    """The start of a text, quoted on one line, to find it by in the file."""
    return repr(text if len(text) <= 30 else text[:30] + "...")


def _default(f):
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return MISSING


def canonical(value):
    """Plain data for hashing: dataclasses as dicts without the fields that hold their
    default value, so adding a defaulted field to the parsed model changes no hash (and
    re-seeding an unchanged blueprint creates no new template version)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in fields(value)
                if _default(f) is MISSING or getattr(value, f.name) != _default(f)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value
