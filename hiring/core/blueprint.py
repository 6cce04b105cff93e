"""The parsed form of a role blueprint: plain, frozen data, no framework imports."""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass

# Where a dimension's weight came from. A requisition's later changes are WeightAdjustments
# with their own reason, never a change of the template.
WEIGHT_SOURCES = ("blueprint", "defaulted")


class BlueprintError(ValueError):
    """A blueprint that cannot be imported; the message is one line naming the file."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
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
