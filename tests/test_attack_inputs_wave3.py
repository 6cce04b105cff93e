"""Attack wave 3: hostile input that still breaks the promise "bad input always gets a clear
message, never a 500 (or a traceback), and loses nothing the user typed or stored", and single
inputs that stall a worker. Each test that touches the database runs on SQLite and PostgreSQL.

Each test states the input, what happens now and what should happen."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Role, ScorecardAmendment, TemplateVersion
from tests.access import client_for
from tests.conftest import ROOT, csrf_from, login

KEPT = "ZQX-kept typed text"


# ---------------------------------------------------------------- helpers


def _form_state(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html)
    return {"csrf_token": csrf_from(html), "lock_version": version.group(1) if version else "0"}


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _article(dimensions_html: str, title: str = "Example Role") -> str:
    """A minimal HTML blueprint whose 'Scorecard dimensions' section is `dimensions_html`."""
    return (f"<h1>{title}: Role Blueprint</h1><h2>Hiring Evaluation Criteria</h2>"
            "<h3>Red flags</h3><ul><li>Lies</li></ul>"
            f"<h3>Scorecard dimensions</h3>{dimensions_html}")


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{n}</td><td>m</td><td>e</td><td>{w}</td></tr>" for n, w in rows)
    return ("<table><tr><th>Dimension</th><th>Meets bar</th><th>Exceptional</th>"
            f"<th>Weight</th></tr>{body}</table>")


def _assert_clean_cli_refusal(result, file_name: str) -> None:
    """A refused blueprint: exit status 1, a one-line 'error: <file>: ...' and no traceback
    (click's runner keeps an unexpected exception in result.exception; a clean refusal is
    sys.exit(1), a SystemExit)."""
    assert isinstance(result.exception, SystemExit), (
        f"traceback instead of a refusal: {type(result.exception).__name__}: "
        f"{result.exception}")
    assert result.exit_code == 1
    assert f"{file_name}: " in result.output


# ---------------------------------------------------------------- scorecard form: digits


@pytest.mark.parametrize("field", ["overall", "rating"])
@pytest.mark.parametrize("route", ["save", "submit", "autosave", "amend"])
def test_superscript_digit_in_a_rating_is_a_form_error_not_a_500(app, people, loop, field,
                                                                 route):
    """Input: a scorecard post whose `overall` (or a dimension's `rating_<id>`) is "²"
    (U+00B2 SUPERSCRIPT TWO; also "³", "¹", and the circled digits "①"...).
    Route: POST /interviews/<id>/scorecard (save and submit), its /autosave, and
    POST /scorecards/<id>/amend.
    What happens: 500. hiring/scorecards/forms.py _read() tests `value.isdigit()`, which is
    True for "²", then calls int("²"), which raises ValueError (int() only takes decimal
    digits: str.isdecimal). The form's own validators would have refused it, but _read runs
    after them regardless. The lock-version field already guards against exactly this.
    Should: a 422 form error (JSON for autosave) naming the field, with the typed text kept
    and nothing saved."""
    dims = loop["template"].dimensions
    name = "overall" if field == "overall" else f"rating_{dims[0].id}"
    if route == "amend":
        client = app.test_client()
        assert login(client, "peer@example.com").status_code == 302
        url = f"/scorecards/{loop['peer_card'].id}/amend"
        data = _form_state(client, url)
        peer_dims = loop["peer_interview"].focus
        data.update({f"rating_{d.id}": "3" for d in peer_dims})
        data.update({f"evidence_{d.id}": KEPT for d in peer_dims})
        data.update({"overall": "3", "reason": "typo fix", name: "\u00b2"})
        response = client.post(url, data=data)
        assert response.status_code in (400, 422), response.status_code
        assert KEPT in response.get_data(as_text=True)
        assert _count(ScorecardAmendment) == 0
        return
    client, _ = client_for(app, "interviewer")
    interview_id = loop["interview"].id
    data = _form_state(client, f"/interviews/{interview_id}/scorecard")
    data.update({"case_notes": KEPT, name: "\u00b2"})
    if route == "autosave":
        response = client.post(f"/interviews/{interview_id}/scorecard/autosave", data=data)
        assert response.status_code == 422, response.status_code
        assert response.is_json and response.json["error"] == "invalid"
        return
    data["action"] = route
    response = client.post(f"/interviews/{interview_id}/scorecard", data=data)
    assert response.status_code == 422, response.status_code
    assert KEPT in response.get_data(as_text=True)


# ---------------------------------------------------------------- blueprint files (CLI)


@pytest.mark.parametrize(("label", "dimensions_html"), [
    ("empty table", "<table></table>"),
    ("name column past the row", "<table><tr><th>Weight</th><th>Dimension</th></tr>"
                                 "<tr><td>50</td></tr></table>"),
])
def test_malformed_dimensions_table_is_a_clean_refusal(app, tmp_path, label, dimensions_html):
    """Input: a blueprint (role.html) whose 'Scorecard dimensions' table is empty
    (`<table></table>`), or whose header puts the Dimension column second while a row has
    one cell.
    Command: `flask blueprints import role.html` (and `inspect`).
    What happens: IndexError traceback from hiring/core/blueprint_sections.py _dimensions
    (`trs[0]` on a table without rows; `cells[name_col]` past the row's end), not a
    BlueprintError: the CLI prints a traceback instead of "error: role.html: ...".
    Should: exit 1 with a one-line error naming the file; nothing imported."""
    path = tmp_path / "role.html"
    path.write_text(_article(dimensions_html), encoding="utf-8")
    for command in ("inspect", "import"):
        result = _cli(app, "blueprints", command, str(path))
        _assert_clean_cli_refusal(result, "role.html")
    assert _count(Role) == 0


def test_deeply_nested_json_blueprint_is_a_clean_refusal(app, tmp_path):
    """Input: role.json holding 100,000 nested JSON objects ({"content": {"content": ...}}),
    600 KB.
    Command: `flask blueprints import role.json` / `inspect`.
    What happens: RecursionError traceback from json.loads in
    hiring/core/formats/wordpress_json.py (only JSONDecodeError is caught).
    Should: exit 1, "error: role.json: not valid JSON ..." (or "not a WordPress post")."""
    path = tmp_path / "role.json"
    path.write_text('{"content":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    for command in ("inspect", "import"):
        result = _cli(app, "blueprints", command, str(path))
        _assert_clean_cli_refusal(result, "role.json")
    assert _count(Role) == 0


def test_overflowing_weight_does_not_become_nan(app, tmp_path):
    """Input: a blueprint whose dimension weights are "999...9" (400 nines) and "10".
    Command: `flask blueprints import role.html`.
    What happens: _parse_weight turns the 400 digits into float('inf'); normalising by the
    infinite total gives weights [nan, 0.0]. `inspect` prints "nan%"; `import` stores a NaN
    weight (PostgreSQL accepts it, NaN passes the `weight >= 0` check there) or fails on
    SQLite (NaN is stored as NULL), and every debrief of that role then computes with NaN.
    Should: refuse the file ("weight ... is not a number" / out of range), or import only
    finite weights that sum to 100."""
    path = tmp_path / "role.html"
    path.write_text(_article(_table([("Alpha", "9" * 400), ("Beta", "10")])), encoding="utf-8")
    result = _cli(app, "blueprints", "import", str(path))
    if result.exit_code == 1 and isinstance(result.exception, SystemExit):
        assert "role.html: " in result.output
        assert _count(Role) == 0
        return
    assert result.exception is None, f"{type(result.exception).__name__}: {result.exception}"
    db.session.expire_all()
    template = db.session.scalar(select(TemplateVersion))
    weights = [d.weight for d in template.dimensions]
    assert all(w is not None and math.isfinite(w) for w in weights), weights
    assert sum(weights) == pytest.approx(100)


@pytest.mark.parametrize(("label", "make"), [
    ("1,000-character title", lambda: _article(_table([("Alpha", "100")]), title="T" * 1000)),
    ("400-character dimension name", lambda: _article(_table([("D" * 400, "100")]))),
    ("NUL in a dimension name", lambda: _article(_table([("Al\x00pha", "100")]))),
])
def test_blueprint_text_the_database_cannot_hold_is_refused_cleanly(app, tmp_path, label, make):
    """Input: a blueprint whose role title is 1,000 characters (slug column: 200, title: 300),
    whose dimension name is 400 characters (column: 300), or whose dimension name holds a
    NUL byte.
    Command: `flask blueprints import role.html`.
    What happens on PostgreSQL: a traceback (psycopg DataError "value too long for type
    character varying(200)", or ValueError "PostgreSQL text fields cannot contain NUL");
    the parser checks none of the column limits. On SQLite the text is stored whole.
    Should: either the import succeeds and stores the text exactly, or it exits 1 with a
    one-line error naming the file; the same on both databases, never a traceback."""
    path = tmp_path / "role.html"
    path.write_text(make(), encoding="utf-8")
    result = _cli(app, "blueprints", "import", str(path))
    if isinstance(result.exception, SystemExit) and result.exit_code == 1:
        assert "role.html: " in result.output
        db.session.rollback()
        assert _count(Role) == 0
        return
    assert result.exception is None, f"{type(result.exception).__name__}: {result.exception}"
    assert result.exit_code == 0


# ---------------------------------------------------------------- blueprint stalls


def _parse_within(seconds: float, builder: str, name: str) -> None:
    """Parse the blueprint text `builder` (a Python expression) in a child process; fail if
    it has not finished after `seconds` (a stalled worker cannot be interrupted in-process)."""
    code = textwrap.dedent(f"""
        from hiring.core.blueprint_parser import BlueprintError, parse_text
        text = {builder}
        try:
            parse_text(text, {name!r})
        except BlueprintError:
            pass
    """)
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"parsing {name} still running after {seconds} s")
    assert done.returncode == 0, done.stderr[-2000:]


def test_heading_of_open_parentheses_does_not_stall_the_parser():
    """Input: a 60 KB HTML blueprint with one sub-heading of 60,000 "(" characters under
    'Hiring Evaluation Criteria'.
    Command: `flask blueprints import` / `inspect` (parse_text).
    What happens: hiring/core/blueprint_sections.py _heading_key runs
    re.sub(r"\\s*\\([^)]*\\)\\s*:?$", ...) on the heading; each "(" starts a match whose
    [^)]* runs to the end and fails: quadratic backtracking (20,000 "(": 4.7 s; 50,000: over
    20 s on this machine; 60,000: about a minute).
    Should: linear; a heading is parsed in milliseconds whatever its content."""
    builder = ('"<h1>x</h1><h2>Hiring Evaluation Criteria</h2><h3>" + "(" * 60000 + "</h3>"'
               ' "<h3>Scorecard dimensions</h3><ul><li>A</li></ul>"')
    _parse_within(10, builder, "role.html")


def test_deeply_nested_lists_do_not_stall_the_parser():
    """Input: an HTML blueprint whose 'Scorecard dimensions' list nests 8,000 lists deep
    (<ul><li><ul><li>... ; 150 KB).
    Command: `flask blueprints import` / `inspect`.
    What happens: _section_blocks checks every element's whole ancestor chain against the
    blocks taken (`any(id(p) in taken for p in element.parents)`), and _item_text re-parses
    each item's full HTML: quadratic in the depth (2,000 deep: 2.5 s; 4,000: 8.3 s;
    8,000: about 35 s).
    Should: refused as too deep, or parsed in about linear time (a few seconds at most)."""
    builder = ('"<h1>x</h1><h2>Hiring Evaluation Criteria</h2><h3>Scorecard dimensions</h3>"'
               ' "<ul>" + "<li><ul>" * 8000 + "<li>x</li>" + "</ul></li>" * 8000 + "</ul>"')
    _parse_within(10, builder, "role.html")


# ---------------------------------------------------------------- other commands


def test_audit_purge_with_a_blank_reason_is_a_usage_error(app, people):
    """Input: `flask audit purge --before 2026-01-01 --reason " "` (a reason of spaces).
    What happens: purge_through raises ValueError("a purge needs a reason; it is recorded"),
    which the command does not catch: a traceback, exit code 1 with no message.
    Should: a clean refusal (click usage error or "error: ..."), nothing deleted."""
    result = _cli(app, "audit", "purge", "--before", "2026-01-01", "--reason", "   ")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {type(result.exception).__name__}: {result.exception}")
    assert "reason" in result.output.lower()


def test_users_create_with_an_overlong_name_is_refused_cleanly(app, people):
    """Input: `flask users create new@example.com --role interviewer --name <300 chars>
    --generate-password`.
    What happens on PostgreSQL: a traceback (DataError: value too long for type character
    varying(200)); the admin form limits the name to 200 characters but the service and the
    command do not. On SQLite the 300 characters are stored.
    Should: "error: ..." exit 1 and no user created, or the name stored whole; the same on
    both databases, never a traceback."""
    from hiring.models import User

    before = _count(User)
    result = _cli(app, "users", "create", "new@example.com", "--role", "interviewer",
                  "--name", "N" * 300, "--generate-password")
    db.session.rollback()
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {type(result.exception).__name__}: {result.exception}")
    if result.exit_code == 0:
        user = db.session.scalar(select(User).where(User.email == "new@example.com"))
        assert user.name == "N" * 300  # stored whole, as typed
    else:
        assert _count(User) == before


# ---------------------------------------------------------------- races


def test_deleting_an_interview_while_its_first_scorecard_is_saved_is_no_500(
        app, people, loop, backend, database_url):
    """Two people at once (PostgreSQL, a real interleaving): the interviewer's first save
    of a draft on the spare interview has inserted its scorecard and not yet committed; an
    admin meanwhile presses "Remove interview" (POST /interviews/<id>/delete).
    What happens: remove_interview checked `interview.scorecards` before the scorecard was
    committed (none), then its DELETE waits for the scorecard's foreign-key lock; when the
    save commits, the DELETE fails with a foreign-key violation (IntegrityError) that
    nothing catches: 500.
    Should: the removal is refused with its usual message ("This interview has a scorecard
    and cannot be removed.", a redirect with a flash), and the interview and the draft both
    remain."""
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")

    from hiring.models import Interview, Scorecard
    from hiring.models.base import utcnow
    from tests.races import in_another_session, while_held

    spare_id, author_id = loop["spare"].id, people["interviewer2"].id
    admin, token = client_for(app, "admin")

    def first_save():
        now = utcnow()
        db.session.add(Scorecard(interview_id=spare_id, author_id=author_id, status="draft",
                                 case_notes=KEPT, other_concern="", created_at=now,
                                 updated_at=now))
        db.session.flush()

    second = in_another_session(first_save)
    db.session.commit()
    response = while_held(database_url, second, lambda: admin.post(
        f"/interviews/{spare_id}/delete", data={"csrf_token": token}))
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
    assert db.session.get(Interview, spare_id) is not None
    card = db.session.scalar(select(Scorecard).where(Scorecard.interview_id == spare_id))
    assert card is not None and card.case_notes == KEPT


def test_two_decisions_at_once_leave_the_stage_that_the_standing_decision_implies(
        app, people, loop, backend, database_url):
    """Two people at once (PostgreSQL, a real interleaving): two admins record decisions on
    the same candidate at the same moment, "No hire" and then "Hold".
    (POST /candidates/<id>/decision twice; the first is held at the audit chain lock, the
    second queues behind it.)
    Documented rule (hiring/services/decisions.py): a No hire moves the candidate to
    Rejected, and a later decision undoes that move. In sequence, No hire then Hold leaves
    the candidate at the stage they had before.
    What happens: record_decision reads the standing decision and the stage before any lock
    (no row lock on the candidate); the Hold was computed from the state before the No hire
    and leaves the stage alone, so the candidate stays Rejected while the standing decision
    is Hold: a held candidate shown as rejected (and retention counts it as decided).
    Should: the same result as in sequence (stage back to where it was), or the second
    request refused with a clear "the decision changed meanwhile" message."""
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")

    from hiring.audit import CHAIN_LOCK_KEY
    from hiring.models import Candidate, Decision
    from tests.races import holding

    candidate_id = loop["candidate"].id
    stage_before = loop["candidate"].stage
    first, first_token = client_for(app, "admin")
    second, second_token = client_for(app, "admin")
    db.session.commit()
    responses: dict[str, object] = {}

    def decide(client, token, decision):
        responses[decision] = client.post(
            f"/candidates/{candidate_id}/decision",
            data={"csrf_token": token, "decision": decision,
                  "rationale": f"{decision} after the debrief"})

    # then let them go, No hire first (lock waiters are served in order)
    holding(database_url, "SELECT pg_advisory_xact_lock(:k)", {"k": CHAIN_LOCK_KEY},
            lambda: decide(first, first_token, "no_hire"),
            lambda: decide(second, second_token, "hold"))
    assert {k: r.status_code for k, r in responses.items()} == {"no_hire": 302, "hold": 302}
    db.session.expire_all()
    decisions = db.session.scalars(select(Decision).where(
        Decision.candidate_id == candidate_id).order_by(Decision.id)).all()
    assert [d.decision for d in decisions] == ["no_hire", "hold"]
    stage = db.session.get(Candidate, candidate_id).stage
    assert stage == stage_before, (
        f"standing decision Hold, but the candidate is {stage!r} (was {stage_before!r})")


def test_erasing_a_candidate_while_a_scorecard_is_submitted_is_no_500_and_no_leftover_text(
        app, people, loop, backend, database_url):
    """Two people at once (PostgreSQL, a real interleaving): an admin erases the candidate
    (POST /admin/candidates/<id>/erase, with a legal basis) while the interviewer submits
    their first scorecard for that candidate (POST /interviews/<id>/scorecard, action
    submit, evidence typed). The erasure takes the candidate's row lock first; the
    submission has already checked "not erased" and written its scorecard.
    What happens: the submission holds the audit chain lock (its audit row is flushed) and
    waits for the candidate's row lock (the score snapshot refresh); the erasure holds the
    candidate's row lock and waits for the audit chain lock: a deadlock, which PostgreSQL
    breaks by failing one of them; the failure is not caught: one of the two requests
    answers 500 (an erasure that fails, or a submitted scorecard whose typed evidence is
    lost behind an error page).
    Should: no 500. Either the submission is refused with a clear message (the candidate
    was erased; nothing of its text stored) or it completes before the erasure, which then
    blanks its evidence; in the end the erased candidate holds no evidence text."""
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")

    from hiring.models import Candidate, ScorecardRating
    from tests.races import holding_candidate

    candidate_id, interview_id = loop["candidate"].id, loop["interview"].id
    iv, _ = client_for(app, "interviewer")
    admin, admin_token = client_for(app, "admin")
    fill = f"/interviews/{interview_id}/scorecard"
    answer = _form_state(iv, fill)
    focus = loop["interview"].focus
    answer.update({f"rating_{d.id}": "3" for d in focus})
    answer.update({f"evidence_{d.id}": "Casey said the migration plan was theirs. " + KEPT
                   for d in focus})
    answer.update({"overall": "3", "action": "submit"})
    db.session.commit()
    responses: dict[str, object] = {}

    def erase():
        responses["erase"] = admin.post(f"/admin/candidates/{candidate_id}/erase", data={
            "csrf_token": admin_token, "erase-reason": "Erasure request by email",
            "erase-legal_basis": "GDPR Art. 17(1)(b), consent withdrawn",
            "erase-confirm": str(candidate_id)})

    def submit():
        responses["submit"] = iv.post(fill, data=answer)

    # the erasure first (it queued first), the submission meanwhile
    holding_candidate(database_url, candidate_id, erase, submit)
    codes = {k: r.status_code for k, r in responses.items()}
    assert all(code < 500 for code in codes.values()), codes
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id).erased
    leftover = db.session.scalars(select(ScorecardRating.evidence).join(
        ScorecardRating.scorecard).where(
        ScorecardRating.evidence.contains(KEPT))).all()
    assert leftover == [], "evidence text stored for an erased candidate"


def test_two_admins_creating_the_same_email_at_once_get_a_form_error_not_a_500(
        app, people, backend, database_url):
    """Two people at once (PostgreSQL, a real interleaving): two admins create an account
    for the same new email at the same moment (POST /admin/users/new). The first has
    inserted its user and not yet committed when the second's request runs.
    What happens: create_user checks email_taken() (nothing committed yet, so free), then
    its INSERT waits on the unique index; when the first commits, the INSERT fails with a
    unique violation (IntegrityError) that nothing catches: 500, and the second admin's
    form (name, role) is gone.
    Should: the second admin gets the form back (422/200) with "A user with this email
    already exists." and what they typed; exactly one account exists."""
    if backend != "postgresql":
        pytest.skip("a real interleaving needs row locks (PostgreSQL)")

    from hiring.auth.passwords import hash_password
    from hiring.models import User
    from tests.races import in_another_session, while_held

    admin, token = client_for(app, "admin")

    def first_admin_creates():
        db.session.add(User(email="new.hire@example.com", name="First Admin's Entry",
                            role="interviewer", active=True,
                            password_hash=hash_password("unused passphrase here")))
        db.session.flush()

    second = in_another_session(first_admin_creates)
    db.session.commit()
    response = while_held(database_url, second, lambda: admin.post("/admin/users/new", data={
        "csrf_token": token, "email": "new.hire@example.com", "name": "Second " + KEPT,
        "role": "hiring_manager", "active": "y"}))
    assert response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    assert "already exists" in html and KEPT in html
    db.session.expire_all()
    assert _count(User) == len(people) + 1
