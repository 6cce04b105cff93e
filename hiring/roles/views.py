from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Role, TemplateVersion
from ..policy import requires
from ..services.blueprints import latest_templates
from . import bp


@bp.get("/")
@requires("roles.view")
def catalog():
    return render_template("roles/catalog.html", templates=latest_templates())


def _template_query(slug: str):
    return (
        select(TemplateVersion)
        .join(Role)
        .where(Role.slug == slug)
        .options(
            selectinload(TemplateVersion.dimensions),
            selectinload(TemplateVersion.case_studies),
            selectinload(TemplateVersion.assessment_areas),
            selectinload(TemplateVersion.signals),
        )
    )


@bp.get("/<slug>")
@bp.get("/<slug>/v<int:version>")
@requires("roles.view")
def detail(slug: str, version: int | None = None):
    query = _template_query(slug)
    if version is None:
        query = query.order_by(TemplateVersion.version.desc()).limit(1)
    else:
        query = query.where(TemplateVersion.version == version)
    template = db.session.scalar(query)
    if template is None:
        abort(404)
    history = db.session.scalars(
        select(TemplateVersion)
        .where(TemplateVersion.role_id == template.role_id)
        .order_by(TemplateVersion.version.desc())
    ).all()
    return render_template("roles/detail.html", t=template, history=history)
