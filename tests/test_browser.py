"""End to end in a real browser: an interviewer fills a scorecard with the keyboard, saves a
draft, reloads, submits; a second interviewer sees nothing of it before submitting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from hiring.extensions import db
from hiring.models import UserSession
from tests.browser import chromium
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EVIDENCE_1 = "Walked me through a quarter plan with capacity numbers and risks."
EVIDENCE_2 = "Coached a struggling engineer; described the weekly check-ins and outcome."


def log_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.wait_for_selector("#email:focus")  # the email field has autofocus
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(url=f"{base}/interviews/mine", wait_until="domcontentloaded"):
        page.keyboard.press("Enter")


def open_scorecard(page):
    page.get_by_role("link", name=re.compile("Write scorecard|Continue")).first.click()
    page.wait_for_selector("#scorecard-form")


def rate_with_keyboard(page, dimension_id: int, steps: int, evidence: str):
    page.focus(f"#rating_{dimension_id}-0")  # "Not assessed"
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # to the evidence box
    page.keyboard.type(evidence)


AUTOSAVE_DELAY_MS = 1200  # static/scorecard.js: the draft is sent this long after the last edit


def autosave_now(page) -> None:
    """Move the page's clock (page.clock.install()) past the autosave delay instead of
    waiting it out: the timer fires as it would have, 1.2 s sooner."""
    page.clock.fast_forward(AUTOSAVE_DELAY_MS)


def test_interviewer_fills_saves_reloads_submits_and_peer_stays_blind(site):
    app, base, world = site
    first, second = world["focus"]
    with chromium() as browser:
        alice = browser.new_context().new_page()
        log_in(alice, base, "iv@example.com")
        open_scorecard(alice)
        rate_with_keyboard(alice, first, 3, EVIDENCE_1)  # 3 Meets
        rate_with_keyboard(alice, second, 4, EVIDENCE_2)  # 4 Exceeds
        alice.focus("#overall-0")  # Strong no, not chosen yet
        alice.keyboard.press("ArrowRight")
        alice.keyboard.press("ArrowRight")  # Yes
        alice.focus("button[value=draft]")
        alice.keyboard.press("Enter")
        alice.wait_for_selector("text=Draft saved.")
        alice.reload()
        assert alice.input_value(f"#evidence_{first}") == EVIDENCE_1
        assert alice.is_checked(f"#rating_{second}-4")
        assert alice.is_checked("#overall-2")

        # the second interviewer on the same candidate, before submitting
        bob = browser.new_context().new_page()
        log_in(bob, base, "iv2@example.com")
        assert EVIDENCE_1 not in bob.content()
        open_scorecard(bob)
        assert EVIDENCE_1 not in bob.content() and "Yes" in bob.content()

        alice.focus("button[value=submit]")
        alice.keyboard.press("Enter")
        alice.wait_for_selector("text=Scorecard submitted.")
        submitted_url = alice.url
        response = bob.goto(submitted_url)
        assert response.status == 404
        assert EVIDENCE_1 not in bob.content()

        # once bob submits his own, alice's is there for him
        bob.goto(f"{base}/interviews/mine")
        open_scorecard(bob)
        rate_with_keyboard(bob, first, 2, "Gave a vague answer without concrete examples.")
        rate_with_keyboard(bob, second, 2, "Could not describe a difficult conversation.")
        bob.check("#overall-1")
        bob.click("button[value=submit]")
        bob.wait_for_selector("text=Scorecard submitted.")
        assert bob.goto(submitted_url).status == 200
        assert EVIDENCE_1 in bob.content()


def test_text_typed_when_the_session_ends_comes_back_after_logging_in(site):
    app, base, world = site
    first, _ = world["focus"]
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.clock.install()  # the page's own clock: see autosave_now
        log_in(page, base, "iv@example.com")
        open_scorecard(page)
        page.focus(f"#evidence_{first}")
        page.keyboard.type("Autosaved while typing.")
        autosave_now(page)
        page.wait_for_selector("text=Draft saved", timeout=10_000)
        with app.app_context():  # the session times out on the server
            db.session.execute(delete(UserSession))
            db.session.commit()
        page.keyboard.type(" And this part was typed after the session ended.")
        autosave_now(page)
        page.wait_for_selector("text=Your session has ended", timeout=10_000)
        page.get_by_role("link", name="log in again").click()
        page.wait_for_selector("#email:focus")
        page.keyboard.type("iv@example.com")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("#scorecard-form")
        page.wait_for_selector("text=Restored what you typed")
        assert page.input_value(f"#evidence_{first}") == (
            "Autosaved while typing. And this part was typed after the session ended.")
        autosave_now(page)
        page.wait_for_selector("text=Draft saved", timeout=10_000)  # and it reaches the server
