"""Store parsed blueprints as versioned scorecard templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ..audit import record
from ..core.blueprint import ParsedBlueprint
from ..core.blueprint_parser import parse_file
from ..core.kit import match_area
from ..extensions import db
from ..models import (
    Role,
    TemplateAssessmentArea,
    TemplateCaseStudy,
    TemplateDimension,
    TemplateSignal,
    TemplateVersion,
)
from .transaction import transaction


@dataclass(frozen=True)
class ImportResult:
    parsed: ParsedBlueprint
    template: TemplateVersion
    created: bool  # False when this exact content was already imported


def blueprint_files(paths: list[str] | None, seed_dir: str) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    return sorted(p for p in Path(seed_dir).iterdir() if p.suffix in (".json", ".html", ".md"))


def import_blueprint_files(paths: list[Path], via: str = "cli") -> list[ImportResult]:
    """Parse every file first (raising BlueprintError before anything is written), then
    store them all in one transaction: all or nothing. Each new role version is audited."""
    parsed = [parse_file(path) for path in paths]
    with transaction():
        results = [store_blueprint(blueprint) for blueprint in parsed]
        for result in results:
            if result.created:
                template = result.template
                record("role_version_imported", actor_email=via,
                       target=f"template:{template.id}",
                       details={"role": result.parsed.slug, "version": template.version,
                                "source": result.parsed.source_name,
                                "content_hash": template.content_hash})
        return results


def store_blueprint(parsed: ParsedBlueprint) -> ImportResult:
    role = db.session.scalar(select(Role).where(Role.slug == parsed.slug))
    if role is None:
        role = Role(slug=parsed.slug, title=parsed.title)
        db.session.add(role)
        db.session.flush()
    existing = db.session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.role_id == role.id,
            TemplateVersion.content_hash == parsed.content_hash,
        )
    )
    if existing is not None:
        return ImportResult(parsed, existing, created=False)
    latest = db.session.scalar(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.role_id == role.id)
    )
    role.title = parsed.title
    template = TemplateVersion(
        role=role,
        version=(latest or 0) + 1,
        content_hash=parsed.content_hash,
        title=parsed.title,
        purpose=parsed.purpose,
        source_name=parsed.source_name,
        source_link=parsed.source_link,
        rating_scale=[{"value": lv.value, "label": lv.label} for lv in parsed.rating_scale],
        rating_scale_source=parsed.rating_scale_source,
        interview_loop=list(parsed.interview_loop),
        warnings=list(parsed.warnings),
    )
    template.dimensions = [
        TemplateDimension(
            position=i,
            name=d.name,
            meets=d.meets,
            exceeds=d.exceeds,
            weight=d.weight,
            weight_source=d.weight_source,
        )
        for i, d in enumerate(parsed.dimensions)
    ]
    template.case_studies = [
        TemplateCaseStudy(
            position=i,
            title=c.title,
            minutes_min=c.minutes_min,
            minutes_max=c.minutes_max,
            details=list(c.details),
        )
        for i, c in enumerate(parsed.case_studies)
    ]
    names = [d.name for d in parsed.dimensions]
    matched = [match_area(a.area, names) for a in parsed.assess]
    template.assessment_areas = [
        TemplateAssessmentArea(position=i, area=a.area, questions=list(a.questions),
                               dimension=None if m is None else template.dimensions[m])
        for i, (a, m) in enumerate(zip(parsed.assess, matched, strict=True))
    ]
    template.signals = [
        TemplateSignal(kind=kind, position=i, text=text)
        for kind, texts in (
            ("strong", parsed.signals.strong),
            ("weak", parsed.signals.weak),
            ("red_flag", parsed.signals.red_flags),
        )
        for i, text in enumerate(texts)
    ]
    db.session.add(template)
    db.session.flush()
    return ImportResult(parsed, template, created=True)


def latest_templates() -> list[TemplateVersion]:
    """The newest version of every role, for the catalog."""
    newest = (
        select(TemplateVersion.role_id, func.max(TemplateVersion.version).label("v"))
        .group_by(TemplateVersion.role_id)
        .subquery()
    )
    query = (
        select(TemplateVersion)
        .join(
            newest,
            (TemplateVersion.role_id == newest.c.role_id) & (TemplateVersion.version == newest.c.v),
        )
        .order_by(TemplateVersion.title)
    )
    return list(db.session.scalars(query))
