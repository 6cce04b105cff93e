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
    return query_counts(app, _pages(req.id))


def query_counts(app, pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Page name -> SQL queries of its second request (the first touches the session), for
    pages given as name -> (principal, url)."""
    counts = {}
    for name, (who, url) in pages.items():
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


def test_hostile_page_numbers_get_a_page(app, people):
    """Every hostile value on every paged list; one world and one login per principal for
    all of them (building the world per value was most of the time), every failure listed."""
    req = requisition_with(people, 30, panel_of(1))
    audit_rows(120)
    clients: dict = {}
    failures = []
    for raw in HOSTILE:
        for who, url in _pages(req.id).values():
            if who not in clients:
                clients[who] = client_for(app, who)[0]
            path, _, query = url.partition("?")
            args = dict(pair.split("=") for pair in query.split("&") if pair)
            response = clients[who].get(path, query_string={**args, "page": raw,
                                                             "before": raw, "after": raw})
            if response.status_code != 200:
                failures.append((url, raw, response.status_code))
        html = clients["hiring_manager"].get(f"/requisitions/{req.id}",
                                             query_string={"page": raw}).get_data(as_text=True)
        # a clean page: the first or (for numbers past the end) the last
        if "Page 1 of 2" not in html and "Page 2 of 2" not in html:
            failures.append((f"/requisitions/{req.id}", raw, "not page 1 or 2 of 2"))
    assert failures == []


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


# ---------------------------------------------------------------- query plans

def _statements_of(app, who: str, url: str) -> list[tuple[str, object]]:
    """(SQL, parameters) of every SELECT one GET of `url` runs."""
    from sqlalchemy import event

    client, _ = client_for(app, who)
    assert client.get(url).status_code == 200  # warm: the session is touched
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def _plans(statements) -> list[tuple[str, str]]:
    """(SQL, SQLite's query plan as text) of each statement."""
    with db.engine.connect() as conn:
        return [(sql, "\n".join(row[3] for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, params))) for sql, params in statements]


def _interviewer_history(people, candidates: int, future: int = 0) -> None:
    """iv@ with a long history: every interview of `candidates` submitted, the first
    `future` of them moved to the coming days."""
    requisition_with(people, candidates, panel_of(1))
    from datetime import timedelta

    from hiring.models import Interview
    from hiring.models.base import utcnow

    future = db.session.scalars(select(Interview).where(
        Interview.interviewer_id == people["interviewer"].id).limit(future)).all()
    for k, interview in enumerate(future):
        interview.scheduled_at = utcnow() + timedelta(days=k + 1)
    db.session.commit()


def test_my_interviews_reads_pages_from_indexes(app, people, backend):
    """The history grows without end: each list of "My interviews" must read its page in
    index order (no sort of the whole history) and count the history from an index alone.
    A query-plan check, not a timing: it fails if the (interviewer, date) index or the
    scorecards' (author, status, interview) index goes, or the queries stop using them."""
    if backend != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL plans by its statistics")
    _interviewer_history(people, 40, future=5)
    plans = _plans(_statements_of(app, "interviewer", "/interviews/mine"))
    lists = [(sql, plan) for sql, plan in plans if "FROM interview" in sql
             and "LIMIT" in sql]
    assert len(lists) == 3, [sql for sql, _ in plans]  # due, upcoming, history page
    for sql, plan in lists:
        assert "ix_interview_interviewer_scheduled" in plan, (sql, plan)
        assert "TEMP B-TREE" not in plan, (sql, plan)
    # the due list: one index lookup per past interview, no correlated subquery
    [(sql, plan)] = [(sql, plan) for sql, plan in lists if "LEFT OUTER JOIN scorecard" in sql]
    assert "COVERING INDEX ix_scorecard_author_status_interview" in plan, (sql, plan)
    assert "CORRELATED" not in plan, (sql, plan)
    counts = [(sql, plan) for sql, plan in plans if "count(" in sql.lower()]
    assert len(counts) == 1, [sql for sql, _ in plans]
    sql, plan = counts[0]
    assert "COVERING INDEX ix_scorecard_author_status_interview" in plan, (sql, plan)
    assert "SCAN" not in plan, (sql, plan)


def test_my_interviews_history_count_is_the_number_of_submitted_interviews(app, people):
    """The history's page count comes from the scorecards' index: the same number as the
    interviews listed (here 45 submitted + 0 drafts => 3 pages of 20), on both databases."""
    _interviewer_history(people, 45)
    iv, _ = client_for(app, "interviewer")
    html = iv.get("/interviews/mine").get_data(as_text=True)
    assert "Page 1 of 3" in html
    last = iv.get("/interviews/mine?page=3").get_data(as_text=True)
    assert last.count("<bdi>Scale Candidate") == 5 and "Page 3 of 3" in last


def test_compare_sorts_narrow_keys_then_loads_the_page(app, people, backend):
    """Compare sorts every candidate of the requisition to find a page: that sort must
    select only the keys (ids), not the candidates' and snapshots' columns (JSON included),
    which are loaded for the page's rows alone. Rows stay in the sorted order."""
    req = requisition_with(people, 30, panel_of(2))
    dimension = req.template.dimensions[0].id
    for url in (f"/requisitions/{req.id}/compare",
                f"/requisitions/{req.id}/compare?sort=dim-{dimension}&dir=asc"):
        statements = _statements_of(app, "hiring_manager", url)
        sorting = [sql for sql, _ in statements if "ORDER BY" in sql and "LIMIT" in sql
                   and "score_snapshot" in sql]
        assert sorting, [sql for sql, _ in statements]
        for sql in sorting:
            selected = sql.split("FROM", 1)[0]
            assert "score_snapshot.dimensions" not in selected and "candidate.name," not in \
                selected, selected
    hm, _ = client_for(app, "hiring_manager")
    html = hm.get(f"/requisitions/{req.id}/compare?sort=name&dir=desc").get_data(as_text=True)
    # hand-made: names "Scale Candidate 029" down to "005" on the first page of 25
    assert re.findall(r"Scale Candidate (\d+)", html)[:25] == [
        f"{c:03d}" for c in range(29, 4, -1)]


def test_compare_reads_the_page_from_an_index(app, people, backend):
    """Compare sorted by composite (the default) or by a dimension must not sort the whole
    requisition: the page of candidates with a value comes from the (requisition,
    composite) index of the snapshots or the (requisition, dimension, mean) index of the
    per-dimension means, in both directions (only ties are sorted, SQLite's "RIGHT PART OF
    ORDER BY"). A plan check, not a timing."""
    if backend != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL plans by its statistics")
    req = requisition_with(people, 30, panel_of(2))
    dimension = req.template.dimensions[0].id
    cases = [("", "ORDER BY score_snapshot.composite_100", "ix_score_snapshot_req_composite"),
             (f"&sort=dim-{dimension}", "ORDER BY score_dimension_mean.mean",
              "ix_score_dimension_mean_sort")]
    for query, order, index in cases:
        for direction in ("desc", "asc"):
            url = f"/requisitions/{req.id}/compare?dir={direction}{query}"
            plans = _plans(_statements_of(app, "hiring_manager", url))
            paged = [(sql, plan) for sql, plan in plans if order in sql and "LIMIT" in sql]
            assert len(paged) == 1, (url, [sql for sql, _ in plans])
            sql, plan = paged[0]
            assert index in plan, (url, sql, plan)
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, (url, sql, plan)
