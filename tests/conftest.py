"""Test harness: every database test runs against a real SQLite file and a real PostgreSQL.

PostgreSQL is reached at TEST_POSTGRES_URL (default: the local `test` database). When it
cannot be reached its tests are skipped, except under CI=true, where that is a failure.
Each run works in a database of its own, named after that one and the run's process id, so
two runs (two people, or two terminals) never drop each other's tables.

Every test app's clock starts at CLOCK_START: no test depends on the real date.
"""

from __future__ import annotations

import functools
import gc
import inspect
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from hiring import create_app
from hiring.extensions import db

# `make mutation` runs the property tests once per mutant: fewer examples keep it to minutes
# (the exact-oracle properties still see every band edge within a few dozen examples).
settings.register_profile("mutation", max_examples=30, deadline=None)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "seed" / "blueprints"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

# Timing belongs in bench/, not in tests: on a busy machine a per-example deadline or the
# "input generation is slow" health check fails a correct property test.
settings.register_profile("steady", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "steady"))
# A Friday a week after the fixtures' interviews (2026-11-20): they are all overdue.
CLOCK_START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def run_database_url(suffix: str = "") -> str:
    """This run's own PostgreSQL database: TEST_POSTGRES_URL's name + the process id."""
    base, name = POSTGRES_URL.rsplit("/", 1)
    name, _, query = name.partition("?")
    return f"{base}/{name}_{os.getpid()}{suffix}" + (f"?{query}" if query else "")


def create_database(url: str) -> None:
    """(Re)create the database `url` names, through the server TEST_POSTGRES_URL reaches."""
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # A test database is thrown away: commits need not wait for the disk (about 4 ms
        # each here). Locking and visibility are unchanged; only crash durability goes.
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    admin.dispose()


def drop_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def postgres_available() -> str | None:
    """None when reachable, else the reason."""
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


def require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def require_redis(url: str) -> str:
    """`url` if a real Redis answers there; else skip, or fail under CI=true."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true and is unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return url


# The test apps' render time limit: generous, as a busy machine renders slowly. A test that
# sets a lower one is testing the limit, and its renders are never shared (_SharedRenders).
TEST_RENDER_TIMEOUT = 60


def app_config(url: str, **extra) -> dict:
    config = {
        "HIRING_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # fast in tests; scrypt in the app
        "CLOCK_START": CLOCK_START,
        # the bound itself is tested with its own values in tests/test_packet_bounds.py
        "PDF_RENDER_TIMEOUT": TEST_RENDER_TIMEOUT,
    }
    config.update(extra)
    return config


def _url_key(url) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=False)


# The session databases' engines, shared by the apps of every test: one connection pool and
# one compiled-statement cache per database for the run, where an engine per test connected
# anew and compiled every statement again. Other databases (a test's own file) keep an engine
# per app. {url: {engine options: engine}}
_SHARED_ENGINES: dict[str, dict[str, sa.engine.Engine]] = {}
_make_engine = db._make_engine


def _make_or_share_engine(bind_key, options, app):
    shared = _SHARED_ENGINES.get(_url_key(options["url"]))
    if shared is None:
        return _make_engine(bind_key, options, app)
    key = repr(sorted((k, v) for k, v in options.items() if k != "url"))
    if key not in shared:
        shared[key] = _make_engine(bind_key, options, app)
    return shared[key]


db._make_engine = _make_or_share_engine


def _is_shared(engine: sa.engine.Engine) -> bool:
    return any(engine is e for engines in _SHARED_ENGINES.values() for e in engines.values())


def _stop_sharing(url: str) -> None:
    for engine in _SHARED_ENGINES.pop(_url_key(url), {}).values():
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A database with the schema created once per session and backend."""
    if request.param == "postgresql":
        require_postgres()
        url = run_database_url()
        create_database(url)
        request.addfinalizer(lambda: drop_database(url))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hiring.db'}"
    _SHARED_ENGINES[_url_key(url)] = {}
    request.addfinalizer(lambda: _stop_sharing(url))  # runs before the drop above
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        _drop_alembic_table()
        db.create_all()
        db.engine.dispose()
    return url


def _drop_alembic_table() -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` and its own
    database session. The test's session ends its transaction first (so a SQLite write lock
    it holds cannot block the request) and forgets what it loaded (so it sees the result)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def _share_url_builders() -> None:
    """Werkzeug compiles two Python functions per URL rule whenever an app registers its
    routes, the larger part of create_app's time. The generated code depends only on the
    rule's parsed parts (and defaults, for which it is not shared), so the test apps share it;
    each rule still binds it to itself. If werkzeug's internals change, routing is unchanged:
    the helper is simply not installed."""
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared", False):
        return
    compiled: dict = {}

    def _compile_builder(self, append_unknown=True):
        if self.defaults:
            return original(self, append_unknown)
        key = (tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    _compile_builder.shared = True
    Rule._compile_builder = _compile_builder


_share_url_builders()


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates, shared by every test app of the run: each test makes its own app
    (own config, extensions and Jinja environment), and compiling the same templates again
    for each one cost more than most tests. Keyed by template name and source checksum, so an
    edited template is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = _SharedBytecode()


class _SharedRenders:
    """PDFs rendered in this run, by content: a test that runs on SQLite and on PostgreSQL
    builds the same packet HTML twice (the data and the clock are the same), and WeasyPrint
    would draw the same PDF twice, the largest single cost of the suite. The key is the
    app's own packet key (hiring/packets/build.py: HTML, CSS and WeasyPrint's version), so a
    packet whose HTML differs in one byte renders anew. Everything around the render runs as
    before: each test's own PACKET_CACHE_DIR (cache hits and misses, files, 0600), the queue,
    the PDF read back with pypdf. Renders under a lower time limit (the tests of that limit)
    and direct calls of render_pdf_bounded always go to the real renderer. A test that looks
    at a packet while the background renders it holds the background until it has looked
    (tests/test_packet_queue.py), since a shared render is done at once."""

    def __init__(self) -> None:
        self.pdfs: dict[str, bytes] = {}
        self.lock = threading.Lock()

    @staticmethod
    def _folder() -> Path | None:
        """Under pytest-xdist, the folder the run's workers share their renders in (a test
        on SQLite and its PostgreSQL twin may run on different workers); else None."""
        folder = os.environ.get(RENDERS_FOLDER)
        return Path(folder) if folder else None

    def get(self, key: str) -> bytes | None:
        with self.lock:
            pdf = self.pdfs.get(key)
        folder = self._folder()
        if pdf is None and folder is not None and (folder / key).exists():
            pdf = (folder / key).read_bytes()
        return pdf

    def put(self, key: str, pdf: bytes) -> None:
        with self.lock:
            self.pdfs[key] = pdf
        folder = self._folder()
        if folder is not None:  # written whole, then renamed: a reader never sees half
            part = folder / f"{key}.{os.getpid()}.part"
            part.write_bytes(pdf)
            part.replace(folder / key)

    def install(self) -> None:
        from hiring.packets import build

        real = build.render
        if getattr(real, "shared", False):
            return

        def render(html: str, css: str) -> bytes:
            from flask import current_app

            if current_app.config["PDF_RENDER_TIMEOUT"] < TEST_RENDER_TIMEOUT:
                return real(html, css)
            key = build.packet_key(html, css)
            pdf = self.get(key)
            if pdf is None:
                pdf = real(html, css)
                self.put(key, pdf)
            return pdf

        render.shared = True
        build.render = render


SHARED_RENDERS = _SharedRenders()
SHARED_RENDERS.install()
RENDERS_FOLDER = "HIRING_TEST_RENDERS"


def pytest_configure(config):
    """The run's controller (pytest-xdist's, or the only process) makes the renders' shared
    folder before any worker starts; workers inherit it through the environment."""
    if not hasattr(config, "workerinput") and RENDERS_FOLDER not in os.environ:
        os.environ[RENDERS_FOLDER] = tempfile.mkdtemp(prefix="hiring-test-renders-")
        config._hiring_renders = os.environ[RENDERS_FOLDER]


def pytest_collection_modifyitems(config, items):
    """The longest tests (marked slow or browser, up to 17 s each) run first: the README
    commands, started last by chance, kept one worker busy for 16 s after the other had
    run out of tests. First, the workers even out on the short tests at the end. The order
    is otherwise the collected one."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None
               and item.get_closest_marker("browser") is None)


def pytest_collection_finish(session):
    """The collected tests and everything imported live for the whole run: frozen, the
    cyclic garbage collector stops walking them, and it runs less often (the default, every
    700 allocations, made it 8% of the suite's CPU in ORM-heavy tests). Memory is not the
    constraint here; garbage is still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    # pytest ends each process with a full garbage collection (to report exceptions raised
    # in finalizers): after a run of ORM work, about 2 s per worker on a slow machine, at the
    # very end of the run. What is still alive now lives until the process exits: frozen,
    # it is not walked; garbage made by the tests was collected as they ran.
    gc.freeze()
    folder = getattr(config, "_hiring_renders", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[RENDERS_FOLDER]


def make_app(url: str, **extra):
    app = create_app(app_config(url, **extra))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    return app


@cache
def seed_blueprint(name: str = "engineering-manager.json"):
    """A bundled blueprint, parsed once per run for the fixtures that store it (the parser's
    own tests parse for themselves). ParsedBlueprint is frozen all the way down."""
    from hiring.core.blueprint_parser import parse_file

    return parse_file(SEED / name)


def empty_database() -> None:
    """Delete every row (the schema stays), ready for the next test."""
    db.session.remove()
    with db.engine.begin() as conn:
        _delete_every_row(conn)
    if not _is_shared(db.engine):
        db.engine.dispose()


_SEQUENCES: dict[str, list[str]] = {}


def _sequences(conn) -> list[str]:
    """The database's id sequences (the schema is made once per run, so read once)."""
    key = _url_key(conn.engine.url)
    if key not in _SEQUENCES:
        _SEQUENCES[key] = list(conn.scalars(sa.text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")))
    return _SEQUENCES[key]


def _delete_every_row(conn) -> None:
    """Every row goes, and PostgreSQL's id sequences start again, as SQLite's ids do in an
    emptied table: a test gets the same ids on both databases, whatever ran before it."""
    # The audit log refuses deletes; tests clear it the way the purge path does, by
    # lifting the guard for this transaction only (hiring/services/audit_chain.py).
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT set_config('hiring.audit_purge', 'on', true)"))
    else:
        conn.execute(sa.text("INSERT INTO audit_purge_flag (id) VALUES (1)"))
    conn.execute(sa.text("DELETE FROM audit_event"))
    deletes = [f'DELETE FROM "{table.name}"'  # noqa: S608 - our own table names
               for table in reversed(db.metadata.sorted_tables)]
    if conn.dialect.name == "postgresql":
        restart = "SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)"
                                        for name in _sequences(conn))
        conn.exec_driver_sql("; ".join([*deletes, restart]))  # one round trip, not one each
    else:
        for delete in deletes:
            conn.exec_driver_sql(delete)


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        yield app
        empty_database()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def backend(database_url) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(app):
    """One user of each kind, plus a deactivated one; all with PASSWORD."""
    return make_people()


@pytest.fixture
def people_factory():
    """For tests with their own app: make people and a two-interviewer loop on demand."""

    def make():
        from datetime import UTC, datetime

        from hiring.models import Candidate, Interview, Requisition
        from hiring.services.blueprints import store_blueprint

        people = make_people()
        template = store_blueprint(seed_blueprint()).template
        req = Requisition(title="EM", template=template, hiring_manager=people["hiring_manager"])
        candidate = Candidate(requisition=req, name="Casey Candidate")
        when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
        focus = template.dimensions[:2]
        for key in ("interviewer", "interviewer2"):
            people[key].active = True
            db.session.add(Interview(candidate=candidate, interviewer=people[key],
                                     kind="technical", scheduled_at=when, focus=focus))
        db.session.add(req)
        db.session.commit()
        return {"people": people, "focus": [d.id for d in focus]}

    return make


def make_people():
    from hiring.auth.passwords import hash_password
    from hiring.models import User

    def make(email, role, active=True, name=None):
        user = User(email=email, name=name or email.split("@")[0].title(), role=role,
                    active=active, password_hash=hash_password(PASSWORD))
        db.session.add(user)
        return user

    result = {
        "admin": make("admin@example.com", "admin"),
        "hiring_manager": make("hm@example.com", "hiring_manager"),
        "interviewer": make("iv@example.com", "interviewer"),
        "interviewer2": make("iv2@example.com", "interviewer"),
        "deactivated": make("gone@example.com", "interviewer", active=False),
    }
    db.session.commit()
    return result


def csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/auth/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token})


def csrf_for(client) -> str:
    """A valid CSRF token for the client's current session (one request: the account page
    when signed in, else the login page)."""
    page = client.get("/auth/account")
    if page.status_code != 200:
        page = client.get("/auth/login")
    return csrf_from(page.get_data(as_text=True))


class _SavedWorlds:
    """Worlds that tests build through the services, saved as rows after a build and put
    back for a later test that builds the same world on the same database (the `loop`
    fixture's two real submissions cost 46 ms of CPU in each of 330 tests).

    A world is put back only where its build would start from exactly what a saved build
    started from: every row of every table equal, ids included (empty_database makes ids
    the same on both databases), except what differs between two equal builds by design:
    timestamps (the clock runs) and password hashes (salted). What is put back is exactly
    what that build committed (the audit chain, score snapshots and queue marks included)
    under the same ids, with PostgreSQL's id sequences where the build left them and the
    test app's clock carried on from where the build's ended; objects the test already
    holds (its people) stay in its session and read the restored rows. Only with background
    jobs off: a build with jobs on also queues work that rows cannot replay. Anything else
    builds, as before."""

    def __init__(self) -> None:
        self._saved: dict[tuple, dict] = {}
        self.built, self.restored = Counter(), Counter()  # by world: what a run did

    def build_or_restore(self, key: tuple, build):
        from flask import current_app

        app = current_app._get_current_object()
        if app.config.get("BACKGROUND_JOBS") != "off":
            return build()
        db.session.commit()
        with db.engine.connect() as conn:
            before = repr(_comparable(_rows(conn)))
        world_key = (_url_key(app.config["SQLALCHEMY_DATABASE_URI"]), *key, before)
        saved = self._saved.get(world_key)
        if saved is not None:
            self.restored[key[:2]] += 1
            return self._restore(app, saved)
        self.built[key[:2]] += 1
        world = build()
        captured = self._capture(app, world)
        if captured is not None:
            self._saved[world_key] = captured
        return world

    @staticmethod
    def _capture(app, world) -> dict | None:
        refs = _refs(world)
        if refs is None:
            return None
        db.session.commit()
        started = app.extensions.get("clock_started")
        with db.engine.connect() as conn:
            rows = _rows(conn)
            sequences = (conn.execute(sa.text(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
                if conn.dialect.name == "postgresql" else [])
        return {"rows": rows, "sequences": sequences, "world": refs,
                "clock": None if started is None else time.monotonic() - started}

    @staticmethod
    def _restore(app, saved: dict):
        db.session.commit()
        with db.engine.begin() as conn:
            _delete_every_row(conn)
            for table in db.metadata.sorted_tables:
                if table.name in saved["rows"]:
                    conn.execute(table.insert(), saved["rows"][table.name])
            if saved["sequences"]:
                conn.execute(sa.text("SELECT " + ", ".join(
                    f"setval('\"{name}\"', {int(value)})"
                    for name, value in saved["sequences"])))
        db.session.expire_all()
        if saved["clock"] is not None:  # never backwards: the people were made just now
            started = time.monotonic() - saved["clock"]
            app.extensions["clock_started"] = min(
                started, app.extensions.get("clock_started", started))
        world = _objects(saved["world"])
        db.session.commit()  # as a build ends: no transaction (on SQLite, no lock) held
        return world


def _rows(conn) -> dict[str, list[dict]]:
    """The rows of every non-empty table, by primary key."""
    tables = db.metadata.sorted_tables
    counts = conn.execute(sa.union_all(*(
        sa.select(sa.literal(i), sa.func.count()).select_from(table)
        for i, table in enumerate(tables)))).all()
    rows = {}
    for i, count in sorted(counts):
        if count:
            table = tables[i]
            columns = list(table.columns)
            rows[table.name] = [
                {column.key: value for column, value in zip(columns, row, strict=True)}
                for row in conn.execute(sa.select(*columns)
                                        .order_by(*table.primary_key.columns))]
    return rows


def _comparable(rows: dict[str, list[dict]]) -> dict:
    """`rows` without what differs between two equal builds: timestamps and salted hashes."""
    skip = {(table.name, column.key) for table in db.metadata.sorted_tables
            for column in table.columns
            if _is_timestamp(column.type) or column.key == "password_hash"}
    return {name: [{k: v for k, v in row.items() if (name, k) not in skip} for row in table]
            for name, table in rows.items()}


def _is_timestamp(column_type) -> bool:
    return isinstance(getattr(column_type, "impl", column_type), sa.DateTime)


class _Ref(tuple):
    """A saved world's model object: its class and primary key."""


def _refs(value, functions: bool = False):
    """`value` with each model object replaced by a _Ref (and, in arguments, each function
    of a module by its name); None if it holds anything else, which could not be rebuilt
    after a restore or compared with a later call's."""
    if type(value) is dict:
        items = {k: _refs(v, functions) for k, v in value.items()}
        return None if any(v is None and value[k] is not None for k, v in items.items()) \
            else items
    if type(value) in (list, tuple):
        items = [_refs(v, functions) for v in value]
        if any(r is None and v is not None for r, v in zip(items, value, strict=True)):
            return None
        return type(value)(items)
    if value is None or type(value) in (str, int, float, bool):
        return value
    if functions and inspect.isfunction(value) and "<locals>" not in value.__qualname__:
        return f"{value.__module__}.{value.__qualname__}"
    state = sa.inspect(value, raiseerr=False)
    if state is None or getattr(state, "identity", None) is None:
        return None
    return _Ref((type(value), state.identity))


def _objects(value):
    if isinstance(value, _Ref):
        return db.session.get(value[0], value[1])
    if isinstance(value, dict):
        return {k: _objects(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_objects(v) for v in value)
    return value


SAVED_WORLDS = _SavedWorlds()


def saved_world(build):
    """For a function that builds a world through the services: a call builds it and saves
    its rows; a later call on the same database, with equal arguments, that starts from
    what a saved build started from puts those rows back (_SavedWorlds). Arguments are compared by value, model objects
    by class and key; an argument of any other kind always builds."""

    def wrapper(*args, **kwargs):
        arguments = _refs([list(args), sorted(kwargs.items())], functions=True)
        if arguments is None:
            return build(*args, **kwargs)
        return SAVED_WORLDS.build_or_restore(
            (build.__module__, build.__qualname__, repr(arguments)),
            lambda: build(*args, **kwargs))

    return functools.wraps(build)(wrapper)


@pytest.fixture
def loop(app, people):
    """A requisition owned by hm@ for the Engineering Manager role, one candidate and a loop:
    iv@ (focus: first two dimensions), hm@ (also interviewing: blind until submitting),
    peer@ (already submitted), plus a spare interview; and a second requisition owned by
    another hiring manager. Built once per database and worker, then put back
    (saved_world)."""
    return _build_loop(people)


@saved_world
def _build_loop(people: dict) -> dict:
    from datetime import UTC, datetime

    from hiring.auth.passwords import hash_password
    from hiring.models import Candidate, Interview, Requisition, User
    from hiring.services.blueprints import store_blueprint
    from hiring.services.scorecards import ScorecardInput, get_or_create, save

    template = store_blueprint(seed_blueprint()).template
    peer = User(email="peer@example.com", name="Pat Peer", role="interviewer",
                password_hash=hash_password(PASSWORD))
    hm2 = User(email="hm2@example.com", name="Other Manager", role="hiring_manager",
               password_hash=hash_password(PASSWORD))
    db.session.add_all([peer, hm2])
    req = Requisition(title="EM, Payments", team="Payments", template=template,
                      hiring_manager=people["hiring_manager"])
    other_req = Requisition(title="EM, Search", team="Search", template=template,
                            hiring_manager=hm2)
    candidate = Candidate(requisition=req, name="Casey Candidate", email="casey@example.com")
    other_candidate = Candidate(requisition=other_req, name="Other Candidate")
    when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    dims = template.dimensions
    mine = Interview(candidate=candidate, interviewer=people["interviewer"], kind="technical",
                     scheduled_at=when, focus=dims[:2], case_study=template.case_studies[0])
    hm_interview = Interview(candidate=candidate, interviewer=people["hiring_manager"],
                             kind="hiring_manager", scheduled_at=when, focus=dims[2:4])
    peer_interview = Interview(candidate=candidate, interviewer=peer, kind="people_leadership",
                               scheduled_at=when, focus=dims[4:])
    spare = Interview(candidate=candidate, interviewer=people["interviewer2"], kind="other",
                      scheduled_at=when)
    other_interview = Interview(candidate=other_candidate, interviewer=hm2, kind="technical",
                                scheduled_at=when, focus=dims[:1])
    db.session.add_all([req, other_req, candidate, other_candidate, mine, hm_interview,
                        peer_interview, spare, other_interview])
    db.session.commit()
    peer_card = get_or_create(peer_interview, peer)
    evidence = "Walked through a concrete incident review with metrics and follow-ups."
    save(peer_card, ScorecardInput(ratings={d.id: (3, evidence) for d in dims[4:]},
                                   overall=3), peer_card.lock_version, submit=True)
    other_card = get_or_create(other_interview, hm2)
    save(other_card, ScorecardInput(ratings={dims[0].id: (2, evidence)}, overall=2),
         other_card.lock_version, submit=True)
    return {"template": template, "requisition": req, "candidate": candidate,
            "interview": mine, "hm_interview": hm_interview, "peer_interview": peer_interview,
            "spare": spare, "peer_card": peer_card, "peer": peer, "hm2": hm2,
            "other_requisition": other_req, "other_candidate": other_candidate,
            "other_interview": other_interview, "other_card": other_card}


@pytest.fixture(scope="session", autouse=True)
def _shared_browser():
    """Browser tests share one Chromium (tests/browser.py); it closes when the run ends."""
    yield
    from tests.browser import shutdown

    shutdown()


@pytest.fixture
def site(tmp_path, people_factory):
    """For browser tests: the app on a live server (own SQLite file) with a two-interviewer
    loop; yields (app, base URL, people_factory's world)."""
    from tests.browser import live_server

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        world = people_factory()
        db.session.commit()  # hold no SQLite lock while the server runs
        with live_server(app) as base:
            yield app, base, world
        db.session.remove()
        db.engine.dispose()
