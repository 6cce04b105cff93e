"""Regenerate the README screenshots (docs/screenshots/) from demo data in a throw-away
database, with headless Chromium. Run: .venv/bin/python tools/screenshots.py"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "screenshot password"


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from hiring import create_app
    from hiring.auth.passwords import hash_password
    from hiring.extensions import db
    from hiring.models import Interview, User
    from hiring.services.blueprints import blueprint_files, import_blueprint_files
    from hiring.services.demo import build_demo

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"HIRING_ENV": "testing", "SECRET_KEY": "screenshots",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 's.db'}",
                      "PACKET_CACHE_DIR": str(tmp / "packets")})
    with app.app_context():
        db.create_all()
        import_blueprint_files(blueprint_files(None, app.config["SEED_DIR"]))
        db.session.commit()
        build_demo(app.config["SEED_DIR"], candidates=5, interviewers=5)
        for user in db.session.query(User):
            user.password_hash = hash_password(PASSWORD)
        extra = Interview(candidate_id=1, interviewer_id=db.session.query(User).filter_by(
            email="interviewer1@demo.example").one().id, kind="case_study",
            scheduled_at=db.session.get(Interview, 1).scheduled_at,
            focus=db.session.get(Interview, 1).focus)
        db.session.add(extra)
        db.session.add(User(email="admin@demo.example", name="Ada Admin", role="admin",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
        extra_id = extra.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    shots = {
        "interviewer1@demo.example": [("/interviews/mine", "my-interviews", 700),
                                      (f"/interviews/{extra_id}/scorecard", "scorecard", 1500)],
        "hm@demo.example": [("/candidates/1/debrief", "debrief", 1700),
                            ("/requisitions/1/compare", "compare", 700),
                            ("/candidates/1", "loop", 1000)],
        "admin@demo.example": [("/roles/engineering-manager", "role", 1400)],
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for email, pages in shots.items():
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/auth/login")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            for path, name, height in pages:
                page.set_viewport_size({"width": 1280, "height": height})
                page.goto(base + path)
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(name, page.title())
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
