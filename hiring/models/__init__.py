"""Database models. Import from here."""

from .roles import (
    Role,
    TemplateAssessmentArea,
    TemplateCaseStudy,
    TemplateDimension,
    TemplateSignal,
    TemplateVersion,
)

__all__ = [
    "Role",
    "TemplateAssessmentArea",
    "TemplateCaseStudy",
    "TemplateDimension",
    "TemplateSignal",
    "TemplateVersion",
]
