"""In a real browser: the interview kit, the loop template applied to a candidate, and the
three dashboards. Screenshots for the README are written when SCREENSHOTS=1."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from hiring.extensions import db
from hiring.models import Candidate, Interview, Requisition, User
from tests.browser import chromium, live_server
from tests.conftest import CLOCK_START, PASSWORD, make_app

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOTS") == "1"
OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "screenshots")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(OUT, f"{name}.png"), full_page=True)


@pytest.fixture
def site(tmp_path, people_factory):
    app = make_app(f"sqlite:///{tmp_path / 'browser.db'}", SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        world = people_factory()
        req = db.session.query(Requisition).one()
        template = req.template
        interview = db.session.query(Interview).filter(
            Interview.interviewer.has(User.email == "iv@example.com")).one()
        interview.kind, interview.case_study = "case_study", template.case_studies[0]
        interview.scheduled_at = CLOCK_START + timedelta(days=1)  # tomorrow, by the app clock
        interview.location = "https://meet.example.com/casey"
        candidate = db.session.query(Candidate).one()
        candidate.materials_url = "https://example.com/casey-cv.pdf"
        db.session.add(Candidate(requisition=req, name="Robin Newcomer", stage="screening"))
        world.update(interview_id=interview.id, requisition_id=req.id)
        db.session.commit()  # and read nothing after it: hold no SQLite lock
        with live_server(app) as base:
            yield app, base, world
        db.session.remove()
        db.engine.dispose()


def log_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_kit_in_the_browsers_time_zone_with_case_study_on_top(site):
    app, base, world = site
    with chromium() as browser:
        page = browser.new_context(timezone_id="Asia/Kolkata",
                                   viewport={"width": 1200, "height": 900}).new_page()
        log_in(page, base, "iv@example.com")
        page.goto(f"{base}/interviews/mine")  # tz.js sets the browser's zone
        page.get_by_role("link", name="Interview kit").first.click()
        page.wait_for_selector("h1:has-text('Interview kit')")
        headings = page.locator("h2").all_inner_texts()
        assert headings[0].startswith("Case study:")
        assert "IST" in page.inner_text("section[aria-labelledby=when]")
        assert page.get_by_role("link", name="Join the video call").count() == 1
        assert page.get_by_role("link", name="Open the candidate's materials").count() == 1
        assert "Iv2" in page.inner_text("section[aria-labelledby=panel]")
        shot(page, "kit")
        with page.expect_download() as download:
            page.get_by_role("link", name="Add to calendar (.ics)").click()
        with open(download.value.path(), encoding="utf-8") as handle:
            text = handle.read()
        assert text.startswith("BEGIN:VCALENDAR") and "DTSTART:" in text


def test_admin_builds_a_loop_template_and_applies_it(site):
    app, base, world = site
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        log_in(page, base, "admin@example.com")
        page.goto(f"{base}/requisitions/{world['requisition_id']}/loop")
        for kind, title, minutes in (("technical", "System design", "60"),
                                     ("behavioral", "People leadership", "45")):
            page.select_option("#kind", kind)
            page.fill("#title", title)
            page.fill("#duration_minutes", minutes)
            page.locator("#focus input").first.check()
            page.click("button:has-text('Add to template')")
            page.wait_for_selector(f"#loop-steps >> text={title}")
        shot(page, "loop-template")
        page.goto(f"{base}/admin/dashboard")
        assert "Robin Newcomer" in page.inner_text("section[aria-labelledby=loops-h]")
        assert "Email is off" in page.content()
        shot(page, "admin-dashboard")
        page.get_by_role("link", name="Apply the loop template").click()
        page.fill("#starts", "2099-03-02T09:00")
        selects = page.locator("select[id^=interviewer_]")
        for k in range(selects.count()):
            selects.nth(k).select_option(label="Iv2 (iv2@example.com)")
        page.click("button:has-text('Create 2 interviews')")
        page.wait_for_selector("text=2 interviews added from the loop template")
        loop_table = page.locator("table.table").first
        assert loop_table.locator("tbody tr").count() == 2
        assert "2099-03-02" in loop_table.inner_text()


def test_manager_and_interviewer_dashboards(site):
    app, base, world = site
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        log_in(page, base, "hm@example.com")
        page.goto(f"{base}/dashboard")
        late = page.inner_text("section#late")
        assert "Iv2" in late and "Remind now" in late
        shot(page, "manager-dashboard")
        page.get_by_role("button", name="Remind now Iv2").click()
        page.wait_for_selector("text=Email is off")
        other = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        log_in(other, base, "iv@example.com")
        other.goto(f"{base}/interviews/mine")
        assert "Interview kit" in other.inner_text("section#upcoming")
        shot(other, "interviewer-dashboard")
