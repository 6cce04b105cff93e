"""Login throttling that slows an attack without locking the real user out (issue 11 item 8).

Failed sign-ins are counted three ways, each in a sliding window (the current fixed window
plus the previous one weighted by how much of it still overlaps):

* per account and client address (`LOGIN_FAILURES_PER_ACCOUNT_ADDRESS`, 5 per 15 minutes):
  a client guessing at one account is refused (429) until its window slides;
* per client address (`LOGIN_FAILURES_PER_ADDRESS`, 50 per hour): a client spraying many
  accounts is refused;
* per account from any client (`LOGIN_FAILURES_PER_ACCOUNT`, 10 per 15 minutes): a *soft*
  limit. Past it the account is slowed, never locked: clients it does not know get one
  attempt per delay (2 s, doubling with each further failure, at most
  `LOGIN_SLOWDOWN_MAX_SECONDS`) and "try again in N seconds" meanwhile. A browser that
  signed in to the account before carries a signed device cookie and is not slowed.

So a spray from one client stops at its own limits and the account's owner, from any other
client, signs in as usual; a spray from many clients slows the account for new clients only.

An attempt takes its place in the counts BEFORE the password is checked (`Throttle.begin`:
an atomic increment, then the count before it compared with the limit), so parallel
requests cannot all pass a check made before any of their failures is counted: with a limit
of 5, at most 5 attempts reach the password hash however many arrive at once. A refused
attempt gives its place back at once; a right password gives back its place in the
address's and the account's counts and forgives the client's typos at the account
(`Attempt.succeeded`); a wrong one keeps it (`Attempt.failed`). Every form that checks a
password counts here the same way: the login page and the password-change page.

Counters live in Redis when `REDIS_URL` is set (one count across gunicorn workers; if
Redis fails, the worker falls back to its own memory and logs it), else in this process's
memory. Keys hold a hash of the email and address, never the values themselves. The time
comes from `Throttle.clock` (tests set it).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

DEVICE_COOKIE = "hiring_device"
DEVICE_ACCOUNTS = 5  # accounts one browser is remembered for
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int


def parse_limits(text: str) -> list[Limit]:
    """'10 per 15 minutes;100 per hour' -> [Limit(10, 900), Limit(100, 3600)]."""
    limits = []
    for part in re.split(r"[;,]", text or ""):
        if not part.strip():
            continue
        match = _LIMIT.match(part.lower())
        if not match:
            raise ValueError(f"not a limit such as '10 per 15 minutes': {part.strip()!r}")
        amount, count, unit = match.groups()
        limits.append(Limit(int(amount), int(count or 1) * _UNITS[unit]))
    return limits


def sliding_count(current: int, previous: int, elapsed: float, seconds: int) -> float:
    return current + previous * (1 - elapsed / seconds)


def seconds_until_below(current: int, previous: int, elapsed: float, seconds: int,
                        amount: int) -> int:
    """Whole seconds until the sliding count drops below `amount`, if nothing is added."""
    if current >= amount:  # the next window must start, then `current` must fade enough
        wait = seconds - elapsed + seconds * (1 - amount / current)
    else:
        wait = seconds * (1 - (amount - current) / previous) - elapsed
    return max(1, math.floor(wait) + 1)


class MemoryStore:
    """Counters in this process; expired keys are dropped as new ones arrive."""

    def __init__(self):
        # key -> (value, when it expires in this process's monotonic time)
        self.values: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def _sweep(self, now: float) -> None:
        if len(self.values) > 10_000:
            self.values = {k: v for k, v in self.values.items() if v[1] > now}

    def _get(self, key: str, now: float) -> float:
        value, expires = self.values.get(key, (0, 0))
        return value if expires > now else 0

    def take(self, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
        """Add one to `key` and read `previous_key`, atomically: (key's new value,
        previous_key's value). Two callers never see the same new value."""
        now = time.monotonic()
        with self.lock:
            self._sweep(now)
            value = self._get(key, now) + 1
            self.values[key] = (value, now + ttl)
            return int(value), int(self._get(previous_key, now))

    def release(self, keys: list[str]) -> None:
        """Take one back from each key (never below zero; a key gone stays gone)."""
        now = time.monotonic()
        with self.lock:
            for key in keys:
                value, expires = self.values.get(key, (0, 0))
                if expires <= now or value <= 1:
                    self.values.pop(key, None)
                else:
                    self.values[key] = (value - 1, expires)

    def delete(self, keys: list[str]) -> None:
        with self.lock:
            for key in keys:
                self.values.pop(key, None)

    def gate(self, key: str, at: float, delay: float) -> float:
        """Pass (0) if `at` is past the key's next allowed time, which becomes at + delay;
        else the seconds still to wait."""
        now = time.monotonic()
        with self.lock:
            allowed = self._get(key, now)
            if at < allowed:
                return allowed - at
            self.values[key] = (at + delay, now + delay + 600)
            return 0.0


_GATE = """
local allowed = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = tonumber(ARGV[1])
if at < allowed then return tostring(allowed - at) end
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[2])), 'EX', ARGV[3])
return '0'
"""

# Takes one back from each key; a key that would be 0 or less (or had expired) is deleted,
# so a late release never leaves a negative count behind.
_RELEASE = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('DECR', key) <= 0 then
    redis.call('DEL', key)
  end
end
return 0
"""


class RedisStore:
    """Counters shared by every worker; a failing Redis falls back to memory (logged)."""

    def __init__(self, url: str):
        import redis

        self.errors = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.gate_script = self.redis.register_script(_GATE)
        self.release_script = self.redis.register_script(_RELEASE)
        self.fallback = MemoryStore()

    def _run(self, name: str, *args):
        try:
            return getattr(self, "_" + name)(*args)
        except self.errors as exc:
            log.error("login throttling: Redis failed (%s); counting in this worker", exc)
            return getattr(self.fallback, name)(*args)

    def _take(self, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
        pipe = self.redis.pipeline(transaction=True)  # MULTI/EXEC: one atomic step
        pipe.incr(key)
        pipe.expire(key, ttl)
        pipe.get(previous_key)
        value, _, previous = pipe.execute()
        return int(value), int(previous or 0)

    def _release(self, keys: list[str]) -> None:
        if keys:
            self.release_script(keys=keys)

    def _delete(self, keys: list[str]) -> None:
        self.redis.delete(*keys)

    def _gate(self, key: str, at: float, delay: float) -> float:
        return float(self.gate_script(keys=[key], args=[repr(at), repr(delay),
                                                         int(delay) + 600]))

    def take(self, key, previous_key, ttl):
        return self._run("take", key, previous_key, ttl)

    def release(self, keys):
        return self._run("release", keys)

    def delete(self, keys):
        return self._run("delete", keys)

    def gate(self, key, at, delay):
        return self._run("gate", key, at, delay)


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address", "account_address" or "account_slowed"
    retry_after: int

    @property
    def message(self) -> str:
        wait = _duration(self.retry_after)
        if self.reason == "address":
            return (f"Too many failed sign-in attempts from your network. Try again in "
                    f"{wait}, or ask an admin.")
        if self.reason == "account_address":
            return (f"Too many failed sign-in attempts for this account from here. Try again "
                    f"in {wait}, or ask an admin to reset your password.")
        return (f"This account has had many failed sign-in attempts, so sign-ins from new "
                f"devices are slowed down. Try again in {wait}. A browser you signed in "
                f"with before is not slowed.")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Throttle:
    def __init__(self, app: Flask):
        config = app.config
        url = config.get("RATELIMIT_STORAGE_URI") or "memory://"
        self.store = MemoryStore() if url.startswith("memory") else RedisStore(url)
        self.prefix = f"{config.get('RATELIMIT_KEY_PREFIX') or 'hiring'}:login"
        self.per_pair = parse_limits(config["LOGIN_FAILURES_PER_ACCOUNT_ADDRESS"])
        self.per_address = parse_limits(config["LOGIN_FAILURES_PER_ADDRESS"])
        self.per_account = parse_limits(config["LOGIN_FAILURES_PER_ACCOUNT"])
        self.max_delay = float(config["LOGIN_SLOWDOWN_MAX_SECONDS"])
        self.clock = time.time

    def _keys(self, scope: str, ident: str, limit: Limit, now: float) -> tuple[str, str, float]:
        window = int(now // limit.seconds)
        base = f"{self.prefix}:{scope}:{limit.seconds}:{ident}"
        return f"{base}:{window}", f"{base}:{window - 1}", now - window * limit.seconds

    def _take(self, scope: str, ident: str, limits: list[Limit], now: float,
              taken: list[str]):
        """Count one more attempt under each limit (the keys go to `taken`); (worst excess
        over a limit, seconds until under every limit) of the counts BEFORE this attempt,
        or None if they were under every limit."""
        worst, wait = None, 0
        for limit in limits:
            current_key, previous_key, elapsed = self._keys(scope, ident, limit, now)
            current, previous = self.store.take(current_key, previous_key, 2 * limit.seconds)
            taken.append(current_key)
            current -= 1  # the attempts before this one
            count = sliding_count(current, previous, elapsed, limit.seconds)
            if count >= limit.amount:
                excess = math.floor(count) - limit.amount
                worst = excess if worst is None else max(worst, excess)
                wait = max(wait, seconds_until_below(current, previous, elapsed,
                                                     limit.seconds, limit.amount))
        return None if worst is None else (worst, wait)

    def begin(self, email: str, address: str, known: bool) -> Attempt:
        """May this client try a password for this account now? The attempt takes its
        place in every count first (so parallel attempts are counted against each other),
        and gives it back if refused. Takes the account's slot when it is slowed and the
        client unknown. Call `failed()` or `succeeded()` on the result once the password
        is checked."""
        now = self.clock()
        account, pair = _digest(email), _digest(f"{email} {address}")
        taken: list[str] = []

        def refuse(reason: str, wait: int) -> Attempt:
            self.store.release(taken)
            return Attempt(self, email, address, Refusal(reason, wait), [])

        over = self._take("address", _digest(address), self.per_address, now, taken)
        if over:
            return refuse("address", over[1])
        over = self._take("pair", pair, self.per_pair, now, taken)
        if over:
            return refuse("account_address", over[1])
        over = self._take("account", account, self.per_account, now, taken)
        if over and not known:
            delay = min(2.0 ** (over[0] + 1), self.max_delay)
            wait = self.store.gate(f"{self.prefix}:gate:{account}", now, delay)
            if wait > 0:
                return refuse("account_slowed", max(1, math.ceil(wait)))
        return Attempt(self, email, address, None, taken)

    def _forgive(self, email: str, address: str, taken: list[str]) -> None:
        """The right password from this client: this attempt is not counted, and its
        earlier typos on the account are forgiven (the account's and the address's counts
        of earlier failures stay)."""
        now = self.clock()
        pair = _digest(f"{email} {address}")
        keys = []
        for limit in self.per_pair:
            current_key, previous_key, _ = self._keys("pair", pair, limit, now)
            keys += [current_key, previous_key]
        self.store.release([key for key in taken if key not in keys])
        self.store.delete(keys)


@dataclass
class Attempt:
    """One password attempt, counted from `Throttle.begin` on. `refusal` set: refused and
    not counted (do not check the password). Else check it, then call one of `failed()`
    (the attempt stays counted) or `succeeded()` (it is taken back)."""

    throttle: Throttle
    email: str
    address: str
    refusal: Refusal | None
    taken: list[str]

    def failed(self) -> None:
        self.taken = []  # counted already; nothing to give back

    def succeeded(self) -> None:
        taken, self.taken = self.taken, []
        self.throttle._forgive(self.email, self.address, taken)


def init_throttle(app: Flask) -> None:
    app.extensions["login_throttle"] = Throttle(app)


def throttle() -> Throttle:
    return current_app.extensions["login_throttle"]


# A browser that signed in to an account is "known" to it: the soft per-account limit does
# not slow it. The cookie is signed (not guessable), HttpOnly and sent to /auth only.

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="hiring-login-device")


def known_accounts() -> list[int]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    max_age = int(current_app.config["LOGIN_DEVICE_DAYS"]) * 86400
    try:
        ids = _serializer().loads(raw, max_age=max_age)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def remember_device(response, user_id: int) -> None:
    ids = [user_id] + [i for i in known_accounts() if i != user_id]
    days = int(current_app.config["LOGIN_DEVICE_DAYS"])
    response.set_cookie(
        DEVICE_COOKIE, _serializer().dumps(ids[:DEVICE_ACCOUNTS]), max_age=days * 86400,
        path="/auth", httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure)
