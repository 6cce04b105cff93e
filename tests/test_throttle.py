"""Issue 11 item 8: throttling that does not lock out the victim.

Failed sign-ins are limited per (account, client) and per client (refused), and per account
(slowed for clients the account does not know, never locked). Counters are in memory or in
Redis (shared by app instances, as by gunicorn workers). X-Forwarded-For counts only behind
TRUST_PROXY_HOPS proxies. The throttle's clock is a list the test moves: no sleeping.
"""

from __future__ import annotations

import os
import re
import uuid
from html import unescape

import pytest
from sqlalchemy import select

from hiring.auth.throttle import Limit, parse_limits, seconds_until_below, sliding_count
from hiring.extensions import db
from hiring.models import AuditEvent
from tests.conftest import PASSWORD, csrf_from, empty_database, make_app

REDIS = "redis://127.0.0.1:6379/0"
WRONG = "not the password at all"
LIMITS = {"LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": "5 per 15 minutes",
          "LOGIN_FAILURES_PER_ADDRESS": "25 per hour",
          "LOGIN_FAILURES_PER_ACCOUNT": "10 per 15 minutes",
          "LOGIN_SLOWDOWN_MAX_SECONDS": 60}


def redis_url() -> str:
    import redis
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return REDIS


@pytest.fixture
def build(database_url):
    """build(store, **config) -> (app, clock): an app whose throttle reads `clock[0]`."""
    made, prefixes = [], []

    def make(store="memory", prefix=None, **config):
        prefix = prefix or f"test-throttle-{uuid.uuid4().hex}"
        prefixes.append(prefix)
        app = make_app(database_url, RATELIMIT_STORAGE_URI=(
            redis_url() if store == "redis" else store if "://" in store else "memory://"),
            RATELIMIT_KEY_PREFIX=prefix, **{**LIMITS, **config})
        clock = [3600.0 * 278]  # a whole hour: every window starts here
        app.extensions["login_throttle"].clock = lambda: clock[0]
        made.append(app)
        return app, clock

    yield make
    if made:
        with made[0].app_context():
            empty_database()
    if any(app.config["RATELIMIT_STORAGE_URI"] == REDIS for app in made):
        import redis
        connection = redis.Redis.from_url(REDIS)
        for prefix in prefixes:
            for key in connection.scan_iter(match=f"{prefix}:*"):
                connection.delete(key)


@pytest.fixture(params=["memory", "redis"])
def store(request):
    return request.param


def attempt(client, email, password, address="10.0.0.1", **headers):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", environ_base=environ)
    return client.post("/auth/login", environ_base=environ, headers=headers, data={
        "email": email, "password": password,
        "csrf_token": csrf_from(page.get_data(as_text=True))})


def typed_email(response) -> str:
    match = re.search(r'<input[^>]*name="email"[^>]*value="([^"]*)"', response.get_data(
        as_text=True)) or re.search(r'<input[^>]*value="([^"]*)"[^>]*name="email"',
                                   response.get_data(as_text=True))
    return unescape(match.group(1)) if match else ""


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def refused(response, reason_words: str) -> int:
    """Asserts a clear 429 on the login page with the typed email kept; returns Retry-After."""
    assert response.status_code == 429, response.status_code
    text = page_text(response)
    assert reason_words in text, text[-1500:]
    assert "Log in" in text and 'name="password"' in text
    return int(response.headers["Retry-After"])


# ---- the arithmetic, against hand-computed values -------------------------------------------

def test_limits_parse_like_the_documented_syntax():
    assert parse_limits("10 per 15 minutes;100 per hour") == [Limit(10, 900), Limit(100, 3600)]
    assert parse_limits("5/minute, 1 per day") == [Limit(5, 60), Limit(1, 86400)]
    with pytest.raises(ValueError):
        parse_limits("ten per hour")


def test_sliding_window_count_and_wait():
    # 2 in this window, 6 in the previous one, a third of the way in: 2 + 6 * 2/3 = 6
    assert sliding_count(2, 6, 300, 900) == 6
    # under 5 once the previous window's weight gives 6 * w < 3: w < 1/2, at 450 s: 150 s
    # from now; at exactly 150 s the count is 5 (not under), so 151
    assert seconds_until_below(2, 6, 300, 900, 5) == 151
    # 5 in this window (100 s in): the window ends in 800 s, then 5 * (1 - t/900) < 5 for any
    # t > 0: 801
    assert seconds_until_below(5, 0, 100, 900, 5) == 801
    # 10 in this window: after it ends, 10 * (1 - t/900) < 5 needs t > 450: 800 + 450 + 1
    assert seconds_until_below(10, 0, 100, 900, 5) == 1251


# ---- behaviour through the login page --------------------------------------------------------

def test_spray_from_one_client_does_not_lock_the_victim_out(build, store, people):
    app, _ = build(store)
    spray = app.test_client()
    for i in range(5):
        assert attempt(spray, "iv@example.com", f"{WRONG} {i}").status_code == 200
    # the spraying client is refused at this account, even with the right password...
    response = attempt(spray, "iv@example.com", PASSWORD)
    refused(response, "Too many failed sign-in attempts for this account from here")
    assert typed_email(response) == "iv@example.com"
    # ...goes on over other accounts until its own limit (25 failures in all)...
    for i in range(20):
        assert attempt(spray, f"user{i}@example.com", WRONG).status_code == 200
    response = attempt(spray, "hm@example.com", PASSWORD)
    refused(response, "Too many failed sign-in attempts from your network")
    assert typed_email(response) == "hm@example.com"
    # ...while the real user, from their own (never seen) client, signs in at once
    victim = app.test_client()
    assert attempt(victim, "iv@example.com", PASSWORD, "10.0.0.2").status_code == 302
    # and so does everyone else not on the spraying address
    assert attempt(app.test_client(), "hm@example.com", PASSWORD, "10.0.0.3").status_code == 302


def test_per_account_and_client_limit_names_the_wait_and_it_is_right(build, store, people):
    app, clock = build(store)
    client = app.test_client()
    for i in range(5):
        assert attempt(client, "iv@example.com", f"{WRONG} {i}").status_code == 200
    wait = refused(attempt(client, "iv@example.com", PASSWORD),
                   "for this account from here. Try again in")
    assert wait == 900 + 1  # 5 in this window (0 s in): its end, then any fading of the 5
    # the same client may still sign in to another account
    assert attempt(client, "hm@example.com", PASSWORD).status_code == 302
    clock[0] += wait - 2
    refused(attempt(app.test_client(), "iv@example.com", PASSWORD), "from here")
    clock[0] += 2
    assert attempt(app.test_client(), "iv@example.com", PASSWORD).status_code == 302
    [event, *_] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "login_throttled").order_by(AuditEvent.id)).all()
    assert event.details == {"limit": "account_address", "retry_after": 901}
    assert event.actor_email == "iv@example.com"


def test_per_client_limit_counts_failures_over_all_accounts(build, store, people):
    app, _ = build(store)
    client = app.test_client()
    for i in range(25):  # never 5 at one account
        assert attempt(client, f"user{i % 6}@example.com", WRONG).status_code == 200
    refused(attempt(client, "iv@example.com", PASSWORD), "from your network")
    assert attempt(client, "iv@example.com", PASSWORD, "10.0.0.99").status_code == 302


def test_a_spray_from_many_clients_slows_the_account_for_new_clients_only(
        build, store, people):
    app, clock = build(store)
    own_browser = app.test_client()  # the user signed in here before: it is known
    assert attempt(own_browser, "iv@example.com", PASSWORD, "192.0.2.1").status_code == 302
    own_browser.post("/auth/logout", data={"csrf_token": csrf_from(
        own_browser.get("/auth/account").get_data(as_text=True))})
    for i in range(10):  # ten clients, one guess each: no client limit is reached
        assert attempt(app.test_client(), "iv@example.com", WRONG, f"10.1.0.{i}"
                       ).status_code == 200
    # past the soft limit: one attempt from an unknown client passes, the next must wait
    assert attempt(app.test_client(), "iv@example.com", WRONG, "10.1.1.1").status_code == 200
    stranger = app.test_client()
    response = attempt(stranger, "iv@example.com", PASSWORD, "10.1.1.2")
    assert refused(response, "sign-ins from new devices are slowed down. Try again in 2 "
                             "seconds") == 2
    assert typed_email(response) == "iv@example.com"
    # the user's own browser is not slowed, even from another address
    assert attempt(own_browser, "iv@example.com", PASSWORD, "192.0.2.77").status_code == 302
    # nor locked: after the wait, a new client gets its turn; each failure doubles the wait
    clock[0] += 2
    assert attempt(app.test_client(), "iv@example.com", WRONG, "10.1.1.3").status_code == 200
    assert refused(attempt(app.test_client(), "iv@example.com", PASSWORD, "10.1.1.4"),
                   "slowed down") == 4
    clock[0] += 4
    assert attempt(stranger, "iv@example.com", PASSWORD, "10.1.1.2").status_code == 302
    # other accounts are not slowed at all
    assert attempt(app.test_client(), "hm@example.com", PASSWORD, "10.1.1.4"
                   ).status_code == 302


def test_the_slowdown_is_capped(build, people):
    app, clock = build(LOGIN_SLOWDOWN_MAX_SECONDS=8)
    for i in range(16):
        clock[0] += 9 if i else 0  # each attempt after the previous wait
        assert attempt(app.test_client(), "iv@example.com", WRONG, f"10.2.0.{i}"
                       ).status_code == 200
    # 15 failures when the last one was let through: 2 ** 6 = 64 s, capped at 8
    assert refused(attempt(app.test_client(), "iv@example.com", WRONG, "10.2.1.1"),
                   "slowed down") == 8


def test_redis_counts_once_across_two_app_instances(build, people):
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    worker1, _ = build("redis", prefix=prefix)
    worker2, _ = build("redis", prefix=prefix)
    one, two = worker1.test_client(), worker2.test_client()
    for i in range(4):  # two failures through each worker: 4, not 8 and not 2
        assert attempt(one if i % 2 else two, "iv@example.com", WRONG).status_code == 200
    assert attempt(one, "iv@example.com", WRONG).status_code == 200  # the fifth
    refused(attempt(two, "iv@example.com", PASSWORD), "for this account from here")
    refused(attempt(one, "iv@example.com", PASSWORD), "for this account from here")


def test_in_memory_each_instance_counts_on_its_own(build, people):
    """What REDIS_URL fixes: without it, each worker has its own counts."""
    worker1, _ = build("memory")
    worker2, _ = build("memory")
    for _ in range(5):
        assert attempt(worker1.test_client(), "iv@example.com", WRONG).status_code == 200
    refused(attempt(worker1.test_client(), "iv@example.com", PASSWORD), "from here")
    assert attempt(worker2.test_client(), "iv@example.com", PASSWORD).status_code == 302


def test_an_unreachable_redis_falls_back_to_counting_in_memory(build, people):
    app, _ = build("redis://127.0.0.1:1/0")
    client = app.test_client()
    for _ in range(5):
        assert attempt(client, "iv@example.com", WRONG).status_code == 200
    refused(attempt(client, "iv@example.com", PASSWORD), "from here")
    assert attempt(app.test_client(), "iv@example.com", PASSWORD, "10.0.0.5"
                   ).status_code == 302


def test_x_forwarded_for_is_ignored_without_trusted_proxies(build, people):
    app, _ = build(TRUST_PROXY_HOPS=0)
    client = app.test_client()
    for i in range(5):  # a client cannot pick a new address for each guess
        assert attempt(client, "iv@example.com", WRONG, "10.3.0.1",
                       **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code == 200
    refused(attempt(client, "iv@example.com", PASSWORD, "10.3.0.1",
                    **{"X-Forwarded-For": "198.51.100.200"}), "from here")
    addresses = {e.client_address for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == "login_failure"))}
    assert addresses == {"10.3.0.1"}


def test_x_forwarded_for_is_honoured_behind_one_proxy(build, people):
    app, _ = build(TRUST_PROXY_HOPS=1)
    proxy = "10.4.0.1"
    for i in range(5):  # five users behind the proxy, one typo each: nobody is refused
        assert attempt(app.test_client(), "iv@example.com", WRONG, proxy,
                       **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code == 200
    assert attempt(app.test_client(), "iv@example.com", WRONG, proxy,
                   **{"X-Forwarded-For": "198.51.100.50"}).status_code == 200
    # one client is one client, whatever it prepends: the proxy's own entry is the last
    for i in range(5):
        assert attempt(app.test_client(), "hm@example.com", WRONG, proxy,
                       **{"X-Forwarded-For": f"1.2.3.{i}, 198.51.100.9"}).status_code == 200
    refused(attempt(app.test_client(), "hm@example.com", PASSWORD, proxy,
                    **{"X-Forwarded-For": "198.51.100.9"}), "from here")
    addresses = {e.client_address for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == "login_failure"))}
    assert proxy not in addresses and "198.51.100.9" in addresses
    assert not any(a.startswith("1.2.3.") for a in addresses)


def test_successful_logins_do_not_count(build, store, people):
    app, _ = build(store)
    for _ in range(12):
        assert attempt(app.test_client(), "iv@example.com", PASSWORD, "10.0.2.1"
                       ).status_code == 302


def test_a_right_password_forgives_the_clients_earlier_typos(build, people):
    app, _ = build()
    client = app.test_client()
    for _ in range(4):
        assert attempt(client, "iv@example.com", WRONG).status_code == 200
    assert attempt(client, "iv@example.com", PASSWORD).status_code == 302
    client = app.test_client()
    for _ in range(5):
        assert attempt(client, "iv@example.com", WRONG).status_code == 200
    refused(attempt(client, "iv@example.com", PASSWORD), "from here")


def test_a_forged_or_foreign_device_cookie_is_not_known(build, people):
    app, _ = build()
    other = app.test_client()  # hm@'s browser: known to hm@, not to iv@
    assert attempt(other, "hm@example.com", PASSWORD, "192.0.2.5").status_code == 302
    other.post("/auth/logout", data={"csrf_token": csrf_from(
        other.get("/auth/account").get_data(as_text=True))})
    for i in range(11):
        attempt(app.test_client(), "iv@example.com", WRONG, f"10.5.0.{i}")
    refused(attempt(other, "iv@example.com", PASSWORD, "192.0.2.5"), "slowed down")
    forged = app.test_client()
    forged.set_cookie("hiring_device", "WzMsNF0.forged.signature", domain="localhost",
                      path="/auth")
    refused(attempt(forged, "iv@example.com", PASSWORD, "192.0.2.6"), "slowed down")


def test_redis_keys_hold_no_email_or_address(build, people):
    import redis

    app, _ = build("redis")
    attempt(app.test_client(), "iv@example.com", WRONG, "10.6.0.1")
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    keys = [k.decode() for k in redis.Redis.from_url(REDIS).scan_iter(match=f"{prefix}:*")]
    assert len(keys) == 3  # one per kind of count: address, account+address, account
    assert not any("iv@" in k or "10.6.0.1" in k for k in keys)


# ---- attempts are counted before the password is checked -------------------------------------

def test_parallel_attempts_take_their_places_before_any_password_is_checked(
        build, store, people):
    """20 attempts at once at one account from one client, limit 3 there: exactly 3 pass
    (the count is taken atomically before the check), and the 17 refused ones gave their
    places back: the client's own limit (25) still has 22 places left."""
    import threading

    app, _ = build(store, LOGIN_FAILURES_PER_ACCOUNT_ADDRESS="3 per 15 minutes")
    throttle = app.extensions["login_throttle"]
    start, results = threading.Barrier(20), []

    def begin():
        start.wait(5)
        results.append(throttle.begin("iv@example.com", "10.8.0.1", known=False))

    threads = [threading.Thread(target=begin) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    passed = [a for a in results if a.refusal is None]
    assert len(results) == 20 and len(passed) == 3
    assert {a.refusal.reason for a in results if a.refusal} == {"account_address"}
    for attempt_ in passed:
        attempt_.failed()
    later = throttle.begin("iv@example.com", "10.8.0.1", known=False)
    assert later.refusal is not None and later.refusal.retry_after == 900 + 1
    for i in range(22):  # 3 + 22 = 25, the client's limit
        other = throttle.begin(f"user{i}@example.com", "10.8.0.1", known=False)
        assert other.refusal is None, i
        other.failed()
    assert throttle.begin("user99@example.com", "10.8.0.1", known=False
                          ).refusal.reason == "address"


def change_password(client, current, address="10.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/auth/password", environ_base=environ)
    new = "a brand new passphrase"
    return client.post("/auth/password", environ_base=environ, data={
        "current_password": current, "new_password": new, "confirm": new,
        "csrf_token": csrf_from(page.get_data(as_text=True))})


def test_wrong_current_passwords_count_like_failed_sign_ins(build, store, people):
    """The password-change page checks a password too: a session holder's wrong guesses
    at the current password count for the account and their address, and past the limit
    (5 here) the page answers 429 without checking, even the right password."""
    app, _ = build(store)
    holder = app.test_client()
    assert attempt(holder, "iv@example.com", PASSWORD).status_code == 302
    for i in range(5):
        response = change_password(holder, f"{WRONG} {i}")
        assert response.status_code == 200
        assert "That is not your current password." in page_text(response)
    response = change_password(holder, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(900 + 1)
    assert ("Too many failed sign-in attempts for this account from here. Try again in "
            "16 minutes") in page_text(response)
    assert "not your current password" not in page_text(response)
    # the login form from that address is refused the same way: one count
    refused(attempt(app.test_client(), "iv@example.com", PASSWORD), "from here")
    # other addresses are not: the owner signs in, and changes the password, elsewhere
    assert attempt(app.test_client(), "iv@example.com", PASSWORD, "10.0.0.2"
                   ).status_code == 302
    assert change_password(holder, PASSWORD, "10.0.0.2").status_code == 302
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.event.in_(
        ("login_failure", "login_throttled"))).order_by(AuditEvent.id)).all()
    assert [(e.event, e.details.get("form")) for e in events] == (
        [("login_failure", "password_change")] * 5
        + [("login_throttled", "password_change"), ("login_throttled", None)])


def test_failed_sign_ins_and_wrong_current_passwords_add_up(build, people):
    app, _ = build()
    holder = app.test_client()
    assert attempt(holder, "iv@example.com", PASSWORD).status_code == 302
    for i in range(3):
        assert attempt(app.test_client(), "iv@example.com", f"{WRONG} {i}").status_code == 200
    for i in range(2):
        assert change_password(holder, f"{WRONG} {i}").status_code == 200
    assert change_password(holder, PASSWORD).status_code == 429
