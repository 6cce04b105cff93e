"""The role catalog and role pages show what was imported."""

from __future__ import annotations

import json
import re

from tests.access import client_for
from tests.conftest import SEED


def test_catalog_and_role_page_render_the_imported_templates(app, people, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    client, _ = client_for(app, "interviewer")
    catalog = client.get("/roles/").get_data(as_text=True)
    for title, dims, cases in [("Developer Experience Manager", 9, 4),
                               ("Director of Software Engineering", 8, 4),
                               ("Engineering Manager", 6, 4),
                               ("Software Engineering Manager", 6, 4),
                               ("Staff CI/CD Engineer", 8, 4)]:
        assert title in catalog
        assert f"Version 1 · {dims} dimensions · {cases} case studies" in catalog
    page = client.get("/roles/staff-ci-cd-engineer").get_data(as_text=True)
    assert "Staff CI/CD Engineer" in page and "v1" in page
    assert page.count('class="bar-fill"') == 8 and "12.5%" in page
    assert "defaulted" in page  # weights the blueprint did not give
    assert "Pipeline design case" in page and "90 min" in page
    assert "Proposes storing long-lived cloud credentials" in page  # a red flag
    assert "Stated in the blueprint." in page  # its rating scale
    assert "no weights in the blueprint" in page  # the import warning
    em = client.get("/roles/software-engineering-manager").get_data(as_text=True)
    assert "Recommended interview loop" in em and "30–45 min" in em
    assert "Proven talent development pipeline" in em  # an "exceeds" anchor


def test_version_history_links_every_version(app, people, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["blueprints", "import", str(SEED / "engineering-manager.json")])
    post = json.loads((SEED / "engineering-manager.json").read_text())
    post["content"]["rendered"] = post["content"]["rendered"].replace(
        "Values &amp; culture", "Values &amp; citizenship")
    changed = tmp_path / "engineering-manager.json"
    changed.write_text(json.dumps(post))
    runner.invoke(args=["blueprints", "import", str(changed)])
    client, _ = client_for(app, "admin")
    latest = client.get("/roles/engineering-manager").get_data(as_text=True)
    assert "Values &amp; citizenship" in latest
    assert re.search(r'href="/roles/engineering-manager/v1"', latest)
    first = client.get("/roles/engineering-manager/v1").get_data(as_text=True)
    assert "Values &amp; culture" in first and "citizenship" not in first
    assert client.get("/roles/engineering-manager/v9").status_code == 404
    assert client.get("/roles/no-such-role").status_code == 404
