"""Database models. Import from here."""

from .roles import (
    Role,
    TemplateAssessmentArea,
    TemplateCaseStudy,
    TemplateDimension,
    TemplateSignal,
    TemplateVersion,
)
from .users import ROLE_LABELS, ROLES, AuditEvent, User, UserSession, hash_token

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "AuditEvent",
    "User",
    "UserSession",
    "hash_token",
    "Role",
    "TemplateAssessmentArea",
    "TemplateCaseStudy",
    "TemplateDimension",
    "TemplateSignal",
    "TemplateVersion",
]
