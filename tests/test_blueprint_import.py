"""Importing blueprints into versioned templates, through the service and the CLI."""

from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Role, TemplateDimension, TemplateSignal, TemplateVersion
from tests.conftest import SEED


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_seed_imports_all_five_and_is_idempotent(app):
    first = cli(app, "seed")
    assert first.exit_code == 0, first.output
    assert "5 new template version(s)" in first.output
    snapshot = (count(Role), count(TemplateVersion), count(TemplateDimension), count(TemplateSignal))
    assert snapshot[:3] == (5, 5, 9 + 8 + 6 + 6 + 8)
    second = cli(app, "seed")
    assert "0 new template version(s)" in second.output
    assert (count(Role), count(TemplateVersion), count(TemplateDimension),
            count(TemplateSignal)) == snapshot


def test_import_prints_role_version_weights_and_warnings(app):
    result = cli(app, "blueprints", "import", str(SEED / "staff-ci-cd-engineer.json"))
    assert result.exit_code == 0
    assert "Staff CI/CD Engineer v1 (new version)" in result.output
    assert "12.50%  CI/CD architecture  [defaulted]" in result.output
    assert "warning: no weights in the blueprint" in result.output


def test_same_blueprint_in_another_format_is_not_a_new_version(app):
    cli(app, "blueprints", "import", str(SEED / "engineering-manager.json"))
    from tests.conftest import FIXTURES
    result = cli(app, "blueprints", "import",
                 str(FIXTURES / "blueprints" / "engineering-manager.md"))
    assert "(unchanged)" in result.output
    assert count(TemplateVersion) == 1


def test_changed_blueprint_creates_new_version_and_keeps_the_old(app, tmp_path):
    original = SEED / "engineering-manager.json"
    cli(app, "blueprints", "import", str(original))
    v1 = db.session.scalar(select(TemplateVersion))
    v1_weights = [d.weight for d in v1.dimensions]
    post = json.loads(original.read_text())
    post["content"]["rendered"] = post["content"]["rendered"].replace(
        "<td>25%</td>", "<td>30%</td>"
    ).replace("<td>5%</td>", "<td>0%</td>")
    changed = tmp_path / "engineering-manager.json"
    changed.write_text(json.dumps(post))
    result = cli(app, "blueprints", "import", str(changed))
    assert "Engineering Manager v2 (new version)" in result.output
    db.session.expire_all()
    versions = db.session.scalars(select(TemplateVersion).order_by(TemplateVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert [d.weight for d in versions[0].dimensions] == v1_weights
    assert [d.weight for d in versions[1].dimensions] == [20, 30, 20, 20, 10, 0]
    assert versions[0].content_hash != versions[1].content_hash


def test_a_bad_file_in_a_batch_writes_nothing(app, tmp_path):
    good = tmp_path / "good.json"
    shutil.copy(SEED / "engineering-manager.json", good)
    bad = tmp_path / "bad.json"
    bad.write_text('{"content": {"rendered": "<h2>Skills</h2>"}}')
    result = cli(app, "blueprints", "import", str(good), str(bad))
    assert result.exit_code == 1
    assert "bad.json: no 'Hiring Evaluation Criteria' section" in result.output
    assert "Nothing was imported." in result.output
    assert count(Role) == 0 and count(TemplateVersion) == 0


def test_inspect_prints_json_and_writes_nothing(app):
    result = cli(app, "blueprints", "inspect", str(SEED / "director-of-software-engineering.json"),
                 "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"] == "Director of Software Engineering"
    assert data["slug"] == "director-of-software-engineering"
    assert len(data["dimensions"]) == 8
    assert data["dimensions"][0]["weight_source"] == "defaulted"
    assert data["case_studies"][0]["minutes_min"] == 60
    assert data["case_studies"][0]["minutes_max"] == 90
    assert len(data["signals"]["red_flags"]) == 5
    assert count(Role) == 0


def test_inspect_bad_input_exits_1_with_the_error(app, tmp_path):
    bad = tmp_path / "role.json"
    bad.write_text("not json at all {")
    result = cli(app, "blueprints", "inspect", str(bad), "--json")
    assert result.exit_code == 1
    assert "role.json: not valid JSON" in result.output
