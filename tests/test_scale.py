"""Every list is paged and costs a fixed number of queries whatever the data; search is
answered from an index with the same results on SQLite and PostgreSQL; hostile page
numbers get a page."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hiring.extensions import db
from hiring.models import Candidate, Requisition
from tests.access import client_for
from tests.scale_data import audit_rows, panel_of, requisition_with
from tests.test_debrief import counting_queries


def _pages(req_id: int) -> dict[str, tuple[str, str]]:
    """page name -> (who, url)."""
    first = db.session.scalar(select(Candidate.id).where(Candidate.requisition_id == req_id)
                              .order_by(Candidate.id).limit(1))
    dimension = db.session.get(Requisition, req_id).template.dimensions[0].id
    return {
        "index": ("hiring_manager", "/requisitions/"),
        "detail": ("hiring_manager", f"/requisitions/{req_id}"),
        "compare": ("hiring_manager", f"/requisitions/{req_id}/compare"),
        "compare by a dimension": ("hiring_manager",
                                   f"/requisitions/{req_id}/compare?sort=dim-{dimension}"
                                   "&dir=asc"),
        "debrief": ("hiring_manager", f"/candidates/{first}/debrief"),
        "mine": ("interviewer", "/interviews/mine"),
        "users": ("admin", "/admin/users"),
        "audit": ("admin", "/admin/audit"),
    }


def _counts(app, people, candidates: int) -> dict[str, int]:
    panel = panel_of(3)
    req = requisition_with(people, candidates, panel)
    for i in range(candidates // 10):  # more requisitions on the index, too
        db.session.add(Requisition(title=f"Extra {i}", template_id=req.template_id,
                                   hiring_manager=people["hiring_manager"]))
    db.session.commit()
    audit_rows(candidates * 3)
    counts = {}
    for name, (who, url) in _pages(req.id).items():
        client, _ = client_for(app, who)
        assert client.get(url).status_code == 200  # warm: session touched
        with counting_queries() as statements:
            response = client.get(url)
        if response.status_code != 200:
            from hiring.models import AuditEvent, UserSession
            db.session.expire_all()
            events = [(e.event, e.actor_email, e.details) for e in db.session.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).limit(5))]
            sessions = [(s.user_id, s.last_seen_at) for s in db.session.scalars(select(UserSession))]
            raise AssertionError((name, response.location, events, sessions))
        counts[name] = len(statements)
    return counts


def test_query_count_per_page_does_not_grow_with_data(app, people):
    small = _counts(app, people, 10)
    from tests.conftest import empty_database, make_people

    empty_database()
    people = make_people()
    big = _counts(app, people, 60)
    assert big == small
    assert max(big.values()) <= 16, big  # a fixed, small number per page


@contextlib.contextmanager
def lazy_loads():
    """Every relationship loaded lazily (on attribute access) while the block runs, as
    "Class.attribute": what `raiseload` would refuse. Eager loads (selectin, joined) and
    the page's own queries are not counted."""
    seen: list[str] = []

    def note(state):
        source = state.lazy_loaded_from
        if source is not None:
            attribute = state.loader_strategy_path[-1] if state.loader_strategy_path else "?"
            seen.append(f"{type(source.obj()).__name__}.{getattr(attribute, 'key', attribute)}")

    event.listen(Session, "do_orm_execute", note)
    try:
        yield seen
    finally:
        event.remove(Session, "do_orm_execute", note)


def test_the_lazy_load_detector_sees_a_lazy_load(app, people):
    req = requisition_with(people, 2, panel_of(1))
    db.session.expire_all()
    candidate = db.session.scalar(select(Candidate).where(Candidate.requisition_id == req.id))
    with lazy_loads() as seen:
        assert len(candidate.interviews) == 2
    assert seen == ["Candidate.interviews"]


def test_list_pages_load_no_relationship_lazily_per_row(app, people):
    """A lazy load inside a row loop is one query per row: every list page eager-loads what
    its rows show. (The login session's user, loaded once per request, is not a row.)"""
    req = requisition_with(people, 12, panel_of(2))
    audit_rows(40)
    for name, (who, url) in _pages(req.id).items():
        if name == "debrief":
            continue  # one candidate, not a list
        client, _ = client_for(app, who)
        client.get(url)
        with lazy_loads() as seen:
            assert client.get(url).status_code == 200
        per_row = [load for load in seen if not load.startswith("UserSession.")]
        assert per_row == [], (name, per_row)


def test_lists_are_paged(app, people):
    req = requisition_with(people, 60, panel_of(1))
    hm, _ = client_for(app, "hiring_manager")
    first = hm.get(f"/requisitions/{req.id}").get_data(as_text=True)
    assert first.count("Scale Candidate") == 25 and "Page 1 of 3" in first
    last = hm.get(f"/requisitions/{req.id}?page=3").get_data(as_text=True)
    assert re.findall(r"Scale Candidate (\d+)", last) == [f"{c:03d}" for c in range(50, 60)]
    iv, _ = client_for(app, "interviewer")
    # every one of the 60 scorecards is submitted: the history is paged by 20
    mine = iv.get("/interviews/mine").get_data(as_text=True)
    assert mine.count("<bdi>Scale Candidate") == 20 and "Page 1 of 3" in mine
    oldest = iv.get("/interviews/mine?page=3").get_data(as_text=True)
    assert oldest.count("<bdi>Scale Candidate") == 20 and "Page 3 of 3" in oldest


HOSTILE = ["100000000000000000000", "-5", "0", "abc", "1e20", str(2**63), "9" * 5000,
           "%00", "٣"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_page_numbers_get_a_page(app, people, raw):
    req = requisition_with(people, 30, panel_of(1))
    audit_rows(120)
    for who, url in _pages(req.id).values():
        client, _ = client_for(app, who)
        path, _, query = url.partition("?")
        args = dict(pair.split("=") for pair in query.split("&") if pair)
        response = client.get(path, query_string={**args, "page": raw, "before": raw,
                                                  "after": raw})
        assert response.status_code == 200, (url, raw)
    hm, _ = client_for(app, "hiring_manager")
    html = hm.get(f"/requisitions/{req.id}", query_string={"page": raw}).get_data(as_text=True)
    # a clean page: the first or (for numbers past the end) the last
    assert "Page 1 of 2" in html or "Page 2 of 2" in html


def test_audit_log_pages_by_keyset_and_filters_by_email_prefix(app, people):
    audit_rows(120)
    admin, _ = client_for(app, "admin")
    html = admin.get("/admin/audit?event=login_failure").get_data(as_text=True)
    seen = re.findall(r"<td>(x\d+)@example.com</td>", html)
    assert seen == [f"x{i}" for i in range(119, 69, -1)]
    older = re.search(r'href="([^"]+)">Older', html).group(1).replace("&amp;", "&")
    html2 = admin.get(older).get_data(as_text=True)
    assert re.findall(r"<td>(x\d+)@example.com</td>", html2) == [
        f"x{i}" for i in range(69, 19, -1)]
    newer = re.search(r'href="([^"]+)">Newer', html2).group(1).replace("&amp;", "&")
    html3 = admin.get(newer).get_data(as_text=True)
    assert re.findall(r"<td>(x\d+)@example.com</td>", html3) == seen
    found = admin.get("/admin/audit?actor=X11").get_data(as_text=True)
    assert sorted(re.findall(r"<td>(x\d+)@example.com</td>", found)) == sorted(
        ["x11"] + [f"x{i}" for i in range(110, 120)])


# ---------------------------------------------------------------- search

NAMES = {
    "Zoë Ærøskøbing": "zoe@example.com",
    "ZOË Young": "young@example.com",
    "Straße Wolf": "strasse@example.com",
    "O'Brien, Pat": "pat.obrien@example.com",
    "100% Match_Maker": "match@example.com",
    "a*b?[c]": "glob@example.com",
    "Éloïse Martin": "eloise@example.com",
    "Ann Lee": "ANN.LEE@Example.com",
    "Anna Lee": "anna@example.com",
}


@pytest.fixture
def searchable(app, people):
    req = requisition_with(people, 0, [])
    for i, (name, email) in enumerate(NAMES.items()):
        db.session.add(Candidate(requisition=req, name=name, email=email,
                                 stage="offer" if i % 2 else "applied"))
    other = requisition_with(people, 0, [], title="Other")
    db.session.add(Candidate(requisition=other, name="Ann Other", email="ann@other.example"))
    db.session.commit()
    return req


# expected by hand: casefolded prefix of the name or of the email
SEARCHES = [
    ("zo", {"Zoë Ærøskøbing", "ZOË Young"}),
    ("ZOË", {"Zoë Ærøskøbing", "ZOË Young"}),
    ("strasse", {"Straße Wolf"}),  # ß casefolds to ss
    ("o'b", {"O'Brien, Pat"}),
    ("100%", {"100% Match_Maker"}),
    ("100_", set()),  # _ is not a wildcard
    ("%", set()),
    ("a*", {"a*b?[c]"}),  # * is not a wildcard
    ("a*b?[", {"a*b?[c]"}),
    ("ann", {"Ann Lee", "Anna Lee"}),
    ("ann.", {"Ann Lee"}),  # by email, stored in mixed case
    ("ann lee", {"Ann Lee"}),
    ("  ann   lee ", {"Ann Lee"}),
    ("lee", set()),  # start of the name or email only
    ("éloïse", {"Éloïse Martin"}),
    ("eloise", {"Éloïse Martin"}),  # by email
    ("x" * 500, set()),
    ("\x00", {"Zoë Ærøskøbing", "ZOË Young", "Straße Wolf", "O'Brien, Pat",
              "100% Match_Maker", "a*b?[c]", "Éloïse Martin", "Ann Lee", "Anna Lee"}),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_candidate_search_same_results_on_both_databases(app, searchable, query, expected):
    hm, _ = client_for(app, "hiring_manager")
    html = hm.get(f"/requisitions/{searchable.id}", query_string={"q": query}).get_data(
        as_text=True)
    found = {n for n in NAMES if f"<bdi>{_esc(n)}</bdi>" in html}
    assert found == expected
    assert "Ann Other" not in html


def _esc(name: str) -> str:
    from markupsafe import escape

    return str(escape(name))


def test_search_by_stage_and_name_together(app, searchable):
    hm, _ = client_for(app, "hiring_manager")
    html = hm.get(f"/requisitions/{searchable.id}",
                  query_string={"q": "ann", "stage": "offer"}).get_data(as_text=True)
    # Ann Lee is the 8th (index 7: odd -> offer), Anna Lee the 9th (applied)
    assert "Ann Lee" in html and "Anna Lee" not in html
    bogus = hm.get(f"/requisitions/{searchable.id}", query_string={"stage": "nonsense"})
    assert bogus.status_code == 200 and "Anna Lee" in bogus.get_data(as_text=True)
