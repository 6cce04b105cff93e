"""Roles and their versioned scorecard templates, imported from role blueprints.

A template version is immutable once imported: scorecards and requisitions point at the
version they were made against, so a new blueprint makes a new version instead of editing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.blueprint import (
    MAX_ASSESSMENT_AREA,
    MAX_CASE_STUDY_TITLE,
    MAX_DIMENSION_NAME,
    MAX_SLUG,
    MAX_SOURCE_LINK,
    MAX_SOURCE_NAME,
    MAX_TITLE,
)
from ..extensions import db
from .base import UTCDateTime, utcnow


class Role(db.Model):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="role", order_by="TemplateVersion.version"
    )


class TemplateVersion(db.Model):
    __tablename__ = "template_version"
    __table_args__ = (
        UniqueConstraint("role_id", "version"),
        UniqueConstraint("role_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    purpose: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str] = mapped_column(String(MAX_SOURCE_NAME))
    source_link: Mapped[str] = mapped_column(String(MAX_SOURCE_LINK), default="")
    rating_scale: Mapped[list] = mapped_column(JSON)  # [{"value": 1, "label": "..."}, ...]
    rating_scale_source: Mapped[str] = mapped_column(String(20))
    interview_loop: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role: Mapped[Role] = relationship(back_populates="versions")
    dimensions: Mapped[list[TemplateDimension]] = relationship(
        back_populates="template", order_by="TemplateDimension.position"
    )
    case_studies: Mapped[list[TemplateCaseStudy]] = relationship(
        order_by="TemplateCaseStudy.position"
    )
    assessment_areas: Mapped[list[TemplateAssessmentArea]] = relationship(
        order_by="TemplateAssessmentArea.position"
    )
    signals: Mapped[list[TemplateSignal]] = relationship(order_by="TemplateSignal.position")

    def signals_of(self, kind: str) -> list[TemplateSignal]:
        return [s for s in self.signals if s.kind == kind]

    @property
    def scale_values(self) -> list[int]:
        return [level["value"] for level in self.rating_scale]

    def scale_label(self, value: int) -> str:
        return next((lv["label"] for lv in self.rating_scale if lv["value"] == value), str(value))


class TemplateDimension(db.Model):
    __tablename__ = "template_dimension"
    __table_args__ = (
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        # The database also accepts the retired 'edited' (migration 0001); the app writes
        # only core.blueprint.WEIGHT_SOURCES.
        CheckConstraint(
            "weight_source IN ('blueprint', 'defaulted', 'edited')", name="weight_source_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(MAX_DIMENSION_NAME))
    meets: Mapped[str] = mapped_column(Text, default="")
    exceeds: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float]
    weight_source: Mapped[str] = mapped_column(String(20))
    weight_rationale: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[TemplateVersion] = relationship(back_populates="dimensions")


class TemplateCaseStudy(db.Model):
    __tablename__ = "template_case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(MAX_CASE_STUDY_TITLE))
    minutes_min: Mapped[int | None]
    minutes_max: Mapped[int | None]
    details: Mapped[list] = mapped_column(JSON, default=list)


class TemplateAssessmentArea(db.Model):
    __tablename__ = "template_assessment_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    position: Mapped[int]
    area: Mapped[str] = mapped_column(String(MAX_ASSESSMENT_AREA))
    questions: Mapped[list] = mapped_column(JSON, default=list)
    # The dimension these questions assess: guessed by name at import, corrected by an
    # admin on the role page; None shows the area under "Also assess" in the kit.
    dimension_id: Mapped[int | None] = mapped_column(ForeignKey("template_dimension.id"))

    dimension: Mapped[TemplateDimension | None] = relationship()


class TemplateSignal(db.Model):
    """A strong signal, weak signal or red flag of a template version."""

    __tablename__ = "template_signal"
    __table_args__ = (
        CheckConstraint("kind IN ('strong', 'weak', 'red_flag')", name="signal_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
