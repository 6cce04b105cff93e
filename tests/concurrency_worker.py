"""Run in a separate process by test_concurrency: submit one interviewer's scorecards."""

from __future__ import annotations

import time

_start_together = None


def _import_the_app() -> None:
    """This module is preloaded by the fork server the workers are forked from. create_app
    imports the views, forms and commands only when called, so one app made here leaves
    them imported once for all eight workers, where each worker imported them again (about
    a third of their CPU)."""
    from tests.conftest import make_app

    make_app("sqlite://")


_import_the_app()


def wait_for_the_others(barrier) -> None:
    """Pool initializer: keep the barrier that lines the workers up before their first save."""
    global _start_together
    _start_together = barrier


def submit_all(url: str, interviewer_email: str, evidence: str) -> dict:
    from sqlalchemy import select

    from hiring.extensions import db
    from hiring.models import Interview, User
    from hiring.services.scorecards import ScorecardInput, get_or_create, save
    from tests.conftest import make_app

    # The test is about lost writes, not latency: 8 writers on a 2-core machine that may be
    # busy with other work can leave one waiting past the 15 s default for the write lock.
    app = make_app(url, SQLITE_BUSY_TIMEOUT_MS=120_000)
    done, errors = 0, []
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == interviewer_email))
        interview_ids = db.session.scalars(
            select(Interview.id).where(Interview.interviewer_id == user.id)).all()
        db.session.commit()
        # every worker has made its app and read its work: all start saving at once
        if _start_together is not None:
            _start_together.wait(120)
        started = time.monotonic()
        for interview_id in interview_ids:
            try:
                interview = db.session.get(Interview, interview_id)
                card = get_or_create(interview, user)
                dims = interview.focus
                save(card, ScorecardInput(ratings={d.id: (3, evidence) for d in dims},
                                          overall=3), card.lock_version, submit=True)
                done += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported by the test
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}"[:300])
        finished = time.monotonic()
        db.engine.dispose()
    return {"done": done, "errors": errors, "started": started, "finished": finished}
