"""axe-core in a real browser on the pages people use: login, my interviews, the scorecard
(also with errors), the debrief, compare, a requisition and the admin pages. No critical or
serious violation is allowed. axe-core is bundled with axe-playwright-python (no download)."""

from __future__ import annotations

import pytest

from hiring.extensions import db
from hiring.models import Interview
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.browser import chromium, live_server
from tests.conftest import PASSWORD, make_app

pytestmark = pytest.mark.browser

BLOCKING = {"critical", "serious"}
EVIDENCE = "Walked me through a quarter plan with capacity numbers and the risks."


@pytest.fixture
def site(tmp_path, people_factory):
    url = f"sqlite:///{tmp_path / 'a11y.db'}"
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        world = people_factory()
        interviews = db.session.query(Interview).order_by(Interview.id).all()
        # the second interviewer submits, so the debrief and comparison have numbers
        second = interviews[1]
        card = get_or_create(second, second.interviewer)
        save(card, ScorecardInput(ratings={d: (3, EVIDENCE) for d in world["focus"]},
                                  overall=3, case_notes="Scoped the case well."),
             card.lock_version, submit=True)
        world["interview"] = interviews[0].id
        world["candidate"] = interviews[0].candidate_id
        world["requisition"] = interviews[0].candidate.requisition_id
        db.session.commit()
        with live_server(app) as base:
            yield base, world
        db.session.remove()
        db.engine.dispose()


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def _log_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")


def test_no_critical_or_serious_axe_violations(site):
    base, world = site
    found: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(f"{base}/auth/login")
        found["login"] = _violations(page)
        page.fill("#email", "iv@example.com")
        page.fill("#password", "wrong password entirely")
        page.click("button[type=submit]")
        page.wait_for_selector(".flash-error")
        found["login, failed"] = _violations(page)

        _log_in(page, base, "iv@example.com")
        page.goto(f"{base}/interviews/mine")
        found["my interviews"] = _violations(page)
        page.goto(f"{base}/interviews/{world['interview']}/scorecard")
        found["scorecard"] = _violations(page)
        page.click("button[value=submit]")  # nothing filled in: errors everywhere
        page.wait_for_selector("#form-errors")
        found["scorecard with errors"] = _violations(page)

        manager = browser.new_context(bypass_csp=True).new_page()
        _log_in(manager, base, "hm@example.com")
        for name, path in (("debrief", f"/candidates/{world['candidate']}/debrief"),
                           ("compare", f"/requisitions/{world['requisition']}/compare"),
                           ("requisition", f"/requisitions/{world['requisition']}")):
            assert manager.goto(base + path).status == 200, path
            found[name] = _violations(manager)
        manager.goto(f"{base}/candidates/{world['candidate']}/debrief")
        manager.click("button:has-text('Record decision')")  # no decision chosen
        manager.wait_for_selector("#form-errors")
        found["debrief with errors"] = _violations(manager)

        admin = browser.new_context(bypass_csp=True).new_page()
        _log_in(admin, base, "admin@example.com")
        for name, path in (("users", "/admin/users"), ("add user", "/admin/users/new"),
                           ("audit log", "/admin/audit")):
            assert admin.goto(base + path).status == 200, path
            found[name] = _violations(admin)
        # the checker does find what it should: an image without a text alternative
        admin.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
        assert any(v.startswith("image-alt (critical)") for v in _violations(admin))
    assert {page: v for page, v in found.items() if v} == {}
