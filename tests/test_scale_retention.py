"""The requisition's retention page (admin) costs the same whatever the requisition's size:
its candidates are paged, a fixed number of queries reads a page (holds in force and
decisions for the page's candidates only), and no row loads a relationship lazily. The
hold it offers still covers every candidate of the requisition, on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from hiring.extensions import db
from hiring.models import Candidate, Decision, LegalHold, Requisition, User
from hiring.services import retention
from tests.access import client_for
from tests.conftest import csrf_from, empty_database, make_people
from tests.scale_data import panel_of, requisition_with
from tests.test_debrief import counting_queries
from tests.test_scale import lazy_loads

CLOSED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DECIDED = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)


def _world(people, candidates: int) -> Requisition:
    """A closed requisition of `candidates`; every third has a final decision after the
    close, the second one is under a hold of its own (placed by another admin, lifted once and
    placed again), and the requisition has a lifted hold in its history."""
    req = requisition_with(people, candidates, panel_of(1), title="Kept")
    req.status, req.closed_at = "closed", CLOSED
    ids = db.session.scalars(select(Candidate.id).where(Candidate.requisition_id == req.id)
                             .order_by(Candidate.id)).all()
    for k, candidate_id in enumerate(ids):
        if k % 3 == 0:
            db.session.add(Decision(candidate_id=candidate_id, decision="no_hire",
                                    rationale="Not this time.", decided_at=DECIDED,
                                    decided_by_id=people["hiring_manager"].id))
    admin = User(email="records@example.com", name="Records Admin", role="admin",
                 password_hash="")  # not the admin who reads the page: no identity-map hit
    db.session.add(admin)
    db.session.flush()
    if len(ids) > 1:
        db.session.add_all([
            LegalHold(candidate_id=ids[1], reason="first", placed_by_id=admin.id,
                      placed_at=CLOSED, lifted_at=DECIDED, lifted_by_id=admin.id,
                      lift_reason="done"),
            LegalHold(candidate_id=ids[1], reason="again", placed_by_id=admin.id,
                      placed_at=DECIDED)])
    db.session.add(LegalHold(requisition_id=req.id, reason="old dispute",
                             placed_by_id=admin.id, placed_at=CLOSED, lifted_at=DECIDED,
                             lifted_by_id=admin.id, lift_reason="settled"))
    db.session.commit()
    return req


def _more_candidates(req: Requisition, count: int, decided_by: int) -> None:
    """`count` more candidates without interviews (inserted in bulk: fast), every third
    with a final decision: enough that a load of every candidate's decisions takes several
    batches of SQLAlchemy's "selectin" (500 ids each)."""
    start = db.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.requisition_id == req.id))
    names = [f"Bulk Candidate {k:04d}" for k in range(start, start + count)]
    db.session.execute(insert(Candidate), [
        {"requisition_id": req.id, "name": name, "name_key": name.casefold(), "email": "",
         "email_key": "", "stage": "rejected"} for name in names])
    ids = db.session.scalars(select(Candidate.id).where(Candidate.name.in_(names[::3]))).all()
    db.session.execute(insert(Decision), [
        {"candidate_id": i, "decision": "no_hire", "rationale": "", "decided_at": DECIDED,
         "decided_by_id": decided_by} for i in ids])
    db.session.commit()


def _count(app, req_id: int, page: str = "") -> int:
    client, _ = client_for(app, "admin")
    url = f"/admin/requisitions/{req_id}/retention{page}"
    assert client.get(url).status_code == 200  # warm: session touched
    db.session.expire_all()
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_query_count_does_not_grow_with_candidates(app, people):
    small = _world(people, 10)
    counts_small = (_count(app, small.id), _count(app, small.id, "?page=2"))
    empty_database()
    people = make_people()
    big = _world(people, 60)
    _more_candidates(big, 1100, people["hiring_manager"].id)
    counts_big = (_count(app, big.id), _count(app, big.id, "?page=3"))
    assert counts_big == counts_small, (counts_small, counts_big)
    assert max(counts_big) <= 10, counts_big


def test_the_page_loads_no_relationship_lazily_per_row(app, people):
    req = _world(people, 30)
    client, _ = client_for(app, "admin")
    for url in (f"/admin/requisitions/{req.id}/retention",
                f"/admin/requisitions/{req.id}/retention?page=2"):
        client.get(url)
        db.session.expire_all()
        with lazy_loads() as seen:
            assert client.get(url).status_code == 200
        per_row = [load for load in seen if not load.startswith("UserSession.")]
        assert per_row == [], (url, per_row)


def test_candidates_are_paged_with_their_state(app, people):
    req = _world(people, 60)
    client, _ = client_for(app, "admin")
    url = f"/admin/requisitions/{req.id}/retention"
    first = client.get(url).get_data(as_text=True)
    assert re.findall(r"Scale Candidate (\d+)", first) == [f"{c:03d}" for c in range(25)]
    assert "Page 1 of 3" in first and "Candidates (60)" in first
    assert first.count("legal hold</span>") == 1  # candidate 001's own hold, in force
    # the state of each row, as retention.status computes it for that candidate alone
    for number in (1, 2, 3):
        html = client.get(url, query_string={"page": number}).get_data(as_text=True)
        rows = re.findall(r"Scale Candidate (\d+)</bdi></a></td>\s*<td>(.*?)</td>", html)
        assert [int(n) for n, _ in rows] == list(range(25 * (number - 1),
                                                       min(25 * number, 60)))
        for n, cell in rows:
            candidate = db.session.scalar(select(Candidate).where(
                Candidate.requisition_id == req.id, Candidate.name == f"Scale Candidate {n}"))
            state = retention.status(candidate)
            if state.held:
                assert "legal hold" in cell, (n, cell)
            else:
                assert "legal hold" not in cell and state.why in cell, (n, cell)
                assert state.why.startswith("final decision no_hire" if int(n) % 3 == 0
                                            else f"requisition {req.id} closed"), state.why
    last = client.get(url, query_string={"page": 3}).get_data(as_text=True)
    assert "Page 3 of 3" in last and "Next" not in last
    beyond = client.get(url, query_string={"page": 10**9}).get_data(as_text=True)
    assert "Page 3 of 3" in beyond  # clamped to the last page
    # the requisition's whole hold history is listed, with who placed each hold
    assert "old dispute" in first and "settled" in first and "Records Admin" in first


def test_a_requisition_hold_covers_candidates_on_every_page(app, people):
    req = _world(people, 60)
    client, _ = client_for(app, "admin")
    url = f"/admin/requisitions/{req.id}/retention"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(f"/admin/requisitions/{req.id}/hold",
                           data={"csrf_token": token, "hold-action": "place",
                                 "hold-reason": "litigation"})
    assert response.status_code == 302
    for number in (1, 2, 3):
        html = client.get(url, query_string={"page": number}).get_data(as_text=True)
        rows = 25 if number < 3 else 10
        assert html.count("legal hold</span>") == rows, number
    # and the services see every candidate held, not only the first page's
    db.session.expire_all()
    candidates = db.session.scalars(select(Candidate).where(
        Candidate.requisition_id == req.id)).all()
    assert len(candidates) == 60
    assert all(state.held for state in retention.statuses(candidates))
