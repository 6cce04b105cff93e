"""Dashboards: what each person sees (and never sees), and a query count that does not grow
with the number of candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event

from hiring.extensions import db
from hiring.models import Candidate, Decision, Interview
from tests.access import client_for

PLANTED = "Walked through a concrete incident review with metrics and follow-ups."


def test_manager_sees_own_requisitions_and_no_feedback(app, loop):
    manager, _ = client_for(app, "hiring_manager")
    html = manager.get("/dashboard").get_data(as_text=True)
    assert "Casey Candidate" in html and "Other Candidate" not in html
    assert PLANTED not in html
    late = html.split('id="late"')[1].split("</section>")[0]
    assert "Iv" in late and "Pat Peer" not in late  # peer submitted: not late
    other, _ = client_for(app, "admin")
    assert "Other Candidate" in other.get("/dashboard").get_data(as_text=True)


def test_a_blind_manager_does_not_see_the_decision(app, loop):
    db.session.add(Decision(candidate_id=loop["candidate"].id, decision="no_hire",
                            rationale="Recorded by an admin for the test.",
                            decided_by_id=loop["hm2"].id))
    db.session.commit()
    manager, _ = client_for(app, "hiring_manager")  # hm@ has not submitted on Casey
    decisions = manager.get("/dashboard").get_data(as_text=True).split("Recent decisions")[1]
    assert "No hire" not in decisions and "shown once you submit" in decisions
    admin, _ = client_for(app, "admin")
    assert "No hire" in admin.get("/dashboard").get_data(as_text=True)


def test_interviewer_home_sorts_due_oldest_first_and_shows_no_feedback(app, loop, people):
    candidate = loop["candidate"]
    db.session.add(Interview(candidate=candidate, interviewer=people["interviewer"],
                             kind="behavioral", title="Earlier chat",
                             scheduled_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC)))
    db.session.commit()
    client, _ = client_for(app, "interviewer")
    html = client.get("/interviews/mine").get_data(as_text=True)
    due = html.split('id="due"')[1].split("</section>")[0]
    assert due.index("Earlier chat") < due.index("Technical")
    assert PLANTED not in html


def _count_queries(client, url):
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def _more_candidates(loop, people, n):
    for k in range(n):
        candidate = Candidate(requisition=loop["requisition"], name=f"Bulk {k}")
        db.session.add(candidate)
        for person in ("interviewer", "interviewer2"):
            db.session.add(Interview(candidate=candidate, interviewer=people[person],
                                     kind="technical",
                                     scheduled_at=datetime(2026, 11, 1, 9, k % 50,
                                                           tzinfo=UTC)))
    db.session.commit()


def test_dashboard_queries_do_not_grow_with_candidates(app, loop, people):
    manager, _ = client_for(app, "hiring_manager")
    admin, _ = client_for(app, "admin")
    interviewer, _ = client_for(app, "interviewer")
    urls = {"manager": (manager, "/dashboard"), "admin": (admin, "/admin/dashboard"),
            "interviewer": (interviewer, "/interviews/mine")}
    _more_candidates(loop, people, 3)
    before = {k: _count_queries(c, u) for k, (c, u) in urls.items()}
    _more_candidates(loop, people, 40)
    after = {k: _count_queries(c, u) for k, (c, u) in urls.items()}
    assert after == before, (before, after)
    page = manager.get("/dashboard").get_data(as_text=True)
    assert "late_page=2" in page  # 80+ late scorecards: paged, 25 at a time
