"""The browser's copy of a scorecard comes back only when it is newer than what the server
holds, and the page says what came back; a 400 shows its real reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import Interview, TemplateDimension, User
from hiring.services.scorecards import ScorecardInput, find_or_new, save_draft, stored_version
from tests.browser import chromium
from tests.test_browser import autosave_now, log_in, open_scorecard

pytestmark = pytest.mark.browser

FROM_PHONE = "Saved later on the phone: described the migration plan and its risks."
OLD_LAPTOP = "Typed earlier on the laptop and never sent."
NEWER_HERE = "Typed here after the last save, before the network dropped."


def plant_copy(page, dimension_id: int, text: str, at) -> None:
    """What scorecard.js keeps in localStorage: an unsynced copy typed at `at`."""
    copy = {"fields": {f"evidence_{dimension_id}": [text]}, "synced": False,
            "at": at.isoformat()}
    page.evaluate("([copy]) => localStorage.setItem("
                  "document.getElementById('scorecard-form').dataset.storageKey, copy)",
                  [json.dumps(copy)])


def save_from_the_phone(app) -> object:
    """iv@ saves newer text from another device; returns when the server stored it."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "iv@example.com"))
        interview = db.session.scalar(select(Interview).where(Interview.interviewer_id == user.id))
        card = find_or_new(interview, user)
        first = interview.focus[0].id
        save_draft(card, ScorecardInput(ratings={first: (None, FROM_PHONE)}),
                   stored_version(card))
        return card.updated_at


def test_an_older_local_copy_never_overwrites_newer_text_saved_elsewhere(site):
    app, base, world = site
    first, _ = world["focus"]
    with chromium() as browser:
        page = browser.new_context().new_page()
        log_in(page, base, "iv@example.com")
        open_scorecard(page)
        saved_at = save_from_the_phone(app)
        plant_copy(page, first, OLD_LAPTOP, saved_at - timedelta(minutes=5))
        page.reload()
        page.wait_for_selector("text=is older than the version saved")
        assert page.input_value(f"#evidence_{first}") == FROM_PHONE

        # a copy newer than the server's version comes back, and the page names it
        with app.app_context():
            name = db.session.get(TemplateDimension, first).name
        plant_copy(page, first, NEWER_HERE, saved_at + timedelta(seconds=30))
        page.reload()
        page.wait_for_selector(f"text=Restored what you typed >> text=evidence for {name}")
        assert page.input_value(f"#evidence_{first}") == NEWER_HERE


def test_a_refused_autosave_says_why(site):
    app, base, _ = site
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.clock.install()
        log_in(page, base, "iv@example.com")
        open_scorecard(page)
        # the CSRF token no longer matches (e.g. the page was open across a secret change)
        page.evaluate("document.querySelector('#scorecard-form input[name=csrf_token]').value = 'stale'")
        page.locator("textarea[id^=evidence_]").first.type("Some evidence")
        autosave_now(page)
        page.wait_for_selector("text=Not saved: The CSRF token is invalid.", timeout=10_000)
        assert "session has ended" not in page.inner_text("#autosave-status")
