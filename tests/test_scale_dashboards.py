"""The manager's and the admin's dashboards cost the same whatever the data: a fixed number
of queries with every section filled, no relationship loaded lazily per row, and (SQLite)
each list read in the order of an index instead of sorting or probing all the history.
Their "waiting for feedback" lists read Interview.scorecard_in, which must always equal
"the interviewer's own scorecard is submitted", however the scorecards are written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from hiring import create_app
from hiring.extensions import db
from hiring.models import Candidate, Decision, Interview, Notification, Scorecard
from hiring.models.base import utcnow
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests import retention_world as world
from tests.access import client_for
from tests.conftest import app_config, empty_database, make_people
from tests.scale_data import panel_of, requisition_with
from tests.test_migrations import _fresh_url
from tests.test_scale import _plans, _statements_of, lazy_loads, query_counts

PAGES = {"manager": ("hiring_manager", "/dashboard"),
         "admin's manager view": ("admin", "/dashboard"),
         "admin": ("admin", "/admin/dashboard")}


def _world(people, candidates: int) -> None:
    """`candidates` candidates with every scorecard in (ready for a decision, more than a
    page of them at 60); every 6th also has a past interview with no scorecard (late: on
    the manager's and the admin's lists) and every 6th + 1 a coming one; every 5th is
    decided; a tenth more in screening without interviews; failed and sent emails."""
    req = requisition_with(people, candidates, panel_of(2))
    manager, late_one = people["hiring_manager"], people["interviewer2"]
    late_one.active = True
    rows = db.session.scalars(select(Candidate).where(Candidate.requisition_id == req.id)
                              .order_by(Candidate.id)).all()
    past, soon = datetime(2026, 11, 3, 9, 0, tzinfo=UTC), utcnow() + timedelta(days=2)
    for k, candidate in enumerate(rows):
        if k % 6 in (0, 1):
            when = past + timedelta(hours=k) if k % 6 == 0 else soon + timedelta(hours=k)
            db.session.add(Interview(candidate=candidate, interviewer=late_one,
                                     kind="behavioral", scheduled_at=when))
        if k % 5 == 2:
            db.session.add(Decision(candidate_id=candidate.id, decision="hire", rationale="Strong.",
                                    decided_by_id=manager.id,
                                    decided_at=utcnow() - timedelta(hours=k)))
    db.session.add_all([Candidate(requisition=req, name=f"Screened {k:03d}", stage="screening")
                        for k in range(max(candidates // 10, 1))])
    db.session.add_all([Notification(kind="due", subject=f"interview:{k}", slot=k,
                                     recipient_id=late_one.id,
                                     status="failed" if k % 2 else "sent",
                                     title="Scorecard due", error="refused" if k % 2 else "",
                                     created_at=utcnow() - timedelta(hours=k))
                        for k in range(candidates)])
    db.session.commit()


def _counts(app, people, candidates: int) -> dict[str, int]:
    _world(people, candidates)
    return query_counts(app, PAGES)


def test_dashboard_query_counts_do_not_grow_with_data(app, people):
    small = _counts(app, people, 10)
    empty_database()
    people = make_people()
    big = _counts(app, people, 60)
    assert big == small
    # a fixed, small number: the session, then per list its page, the page's relations
    # (one query each) and, where it shows feedback, one for what the viewer may see
    assert big["manager"] <= 19 and big["admin"] <= 8, big
    manager, _ = client_for(app, "hiring_manager")
    html = manager.get("/dashboard").get_data(as_text=True)
    # every section is filled, so every eager load ran in both counts
    assert "ready_page=2" in html  # more than a page ready (60 - 20 waiting - 7 decided)
    for section in ("ready", "late"):
        assert "<tbody>" in html.split(f'id="{section}"')[1].split("</section>")[0], section
    upcoming = html.split('id="upcoming-h"')[1].split("</section>")[0]
    decisions = html.split('id="decisions-h"')[1].split("</section>")[0]
    assert "<tbody>" in upcoming and "<strong>Hire</strong>" in decisions
    admin, _ = client_for(app, "admin")
    html = admin.get("/admin/dashboard").get_data(as_text=True)
    assert "refused" in html and "Screened 000" in html
    assert "Iv2" in html.split('id="overdue-h"')[1].split("</section>")[0]


def test_dashboards_load_no_relationship_lazily_per_row(app, people):
    _world(people, 30)
    for name, (who, url) in PAGES.items():
        client, _ = client_for(app, who)
        client.get(url)
        with lazy_loads() as seen:
            assert client.get(url).status_code == 200
        per_row = [load for load in seen if not load.startswith("UserSession.")]
        assert per_row == [], (name, per_row)


def test_dashboards_read_their_lists_from_indexes(app, people, backend):
    """A plan check, not a timing: late feedback and overdue scorecards come from the
    (scorecard_in, scheduled_at) index, upcoming interviews and recent decisions are read in
    date order and stop at their limit, no list scans a whole table or sorts every
    interview or decision. (Ready for a decision walks candidates in id order until it has
    a page; the admin's walks the candidate table itself, hence its SCAN.)"""
    if backend != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL plans by its statistics")
    _world(people, 30)
    for who, url in (("hiring_manager", "/dashboard"), ("admin", "/dashboard"),
                     ("admin", "/admin/dashboard")):
        plans = _plans(_statements_of(app, who, url))
        for sql, plan in plans:
            if "ORDER BY candidate.id" in sql and "FROM decision" in sql:
                continue  # ready for a decision
            for table in ("interview", "candidate", "scorecard", "decision", "notification"):
                scans = [line for line in plan.splitlines()
                         if line.startswith(f"SCAN {table}") and "USING" not in line]
                assert not scans, (url, sql, plan)
        paged = {key: [(sql, plan) for sql, plan in plans if sql.startswith(start)
                       and "LIMIT" in sql]
                 for key, start in (("interview", "SELECT interview.id"),
                                    ("decision", "SELECT decision.id"))}
        for sql, plan in paged["interview"] + paged["decision"]:
            assert "TEMP B-TREE FOR ORDER BY" not in plan, (url, sql, plan)
        if url == "/dashboard":
            late, coming = paged["interview"]
            assert "ix_interview_scorecard_in_scheduled" in late[1], late
            assert "ix_interview_scheduled_at" in coming[1], coming
            assert "ix_decision_decided_at" in paged["decision"][0][1], paged["decision"]
        else:
            overdue = [plan for sql, plan in plans if "GROUP BY interview.interviewer_id" in sql]
            assert len(overdue) == 1 and "ix_interview_scorecard_in_scheduled" in overdue[0]


def _wrong_flags() -> list[tuple[int, bool, bool]]:
    """(interview, stored flag, what the scorecards say) wherever the two differ."""
    own = select(Scorecard.id).where(Scorecard.interview_id == Interview.id,
                                     Scorecard.author_id == Interview.interviewer_id,
                                     Scorecard.status == "submitted").exists()
    rows = db.session.execute(select(Interview.id, Interview.scorecard_in, own)).all()
    return [(i, bool(stored), bool(real)) for i, stored, real in rows
            if bool(stored) != bool(real)]


def test_scorecard_in_follows_the_scorecards(app, loop, people):
    """Written through the services (the loop fixture's peer submitted, a draft, a
    submission), directly (tests' builders, the demo), moved to another interviewer,
    deleted: the flag always says whether the interviewer's own scorecard is submitted."""
    assert _wrong_flags() == []
    peer_interview = db.session.get(Interview, loop["peer_interview"].id)
    assert peer_interview.scorecard_in and not loop["interview"].scorecard_in
    interview = loop["interview"]
    card = get_or_create(interview, people["interviewer"])
    dims = loop["template"].dimensions
    evidence = "Walked through a concrete incident review with metrics and follow-ups."
    data = ScorecardInput(ratings={d.id: (3, evidence) for d in dims[:2]}, overall=3,
                          case_notes=evidence)
    save(card, data, card.lock_version, submit=False)  # a draft: still waiting
    assert _wrong_flags() == [] and not interview.scorecard_in
    save(card, data, card.lock_version, submit=True)
    assert _wrong_flags() == [] and interview.scorecard_in
    # someone else's submitted scorecard on the interview does not count
    spare = loop["spare"]
    db.session.add(Scorecard(interview=spare, author=people["interviewer"], status="submitted"))
    db.session.commit()
    assert _wrong_flags() == [] and not spare.scorecard_in
    spare.interviewer = people["interviewer"]  # ...until it is the interviewer's own
    db.session.commit()
    assert _wrong_flags() == [] and spare.scorecard_in
    new = Interview(candidate=loop["candidate"], interviewer=people["interviewer2"],
                    kind="other", scheduled_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    db.session.add_all([new, Scorecard(interview=new, author=people["interviewer2"],
                                       status="submitted")])
    db.session.commit()
    assert _wrong_flags() == [] and new.scorecard_in
    db.session.delete(db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == new.id)))
    db.session.commit()
    assert _wrong_flags() == [] and not new.scorecard_in
    requisition_with(people, 3, panel_of(2))  # the builders write scorecards directly
    assert _wrong_flags() == []


def test_the_migration_fills_scorecard_in_from_the_scorecards(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        world.build(make_people()["admin"])
        submitted = db.session.scalar(select(sa.func.count()).select_from(Interview).where(
            Interview.scorecard_in))
        assert submitted and _wrong_flags() == []
        db.session.remove()
        downgrade(revision="i13d_calibration_reports")
        upgrade()
        assert _wrong_flags() == []
        assert db.session.scalar(select(sa.func.count()).select_from(Interview).where(
            Interview.scorecard_in)) == submitted
        db.session.remove()
        db.engine.dispose()
