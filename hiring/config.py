"""Configuration read from the environment. See README "Configuration"."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    pass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def database_url(raw: str | None) -> str:
    if not raw:
        return f"sqlite:///{INSTANCE_DIR / 'hiring.db'}"
    # psycopg 3 is the PostgreSQL driver; accept the usual URL spellings.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _development_secret_key() -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    env = overrides.get("HIRING_ENV") or os.environ.get("HIRING_ENV", "production")
    if env not in ("production", "development", "testing"):
        raise ConfigError(f"HIRING_ENV must be production, development or testing, not {env!r}")
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set HIRING_ENV=development for a local key."
            )
        secret = _development_secret_key()
    config = {
        "HIRING_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "always",
        "SESSION_COOKIE_NAME": "hiring_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SESSION_LIFETIME_HOURS", 12)),
        "FORCE_HTTPS": os.environ.get("FORCE_HTTPS", "") == "1",
        "TRUST_PROXY_HOPS": _env_int("TRUST_PROXY_HOPS", 0),
        # login throttling (hiring/auth/throttle.py): counters in Redis when REDIS_URL is set
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": "hiring",
        "PASSWORD_HASH_METHOD": "scrypt",
        "IDLE_TIMEOUT_MINUTES": _env_int("IDLE_TIMEOUT_MINUTES", 30),
        "SESSION_LIFETIME_HOURS": _env_int("SESSION_LIFETIME_HOURS", 12),
        # refused (429) past these: one client at one account, one client at any accounts
        "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": os.environ.get(
            "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", "5 per 15 minutes"),
        "LOGIN_FAILURES_PER_ADDRESS": os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50 per hour"),
        # slowed, never locked, past this: one account from any clients; unknown clients
        # then get one attempt per 2, 4, 8 ... seconds, at most LOGIN_SLOWDOWN_MAX_SECONDS
        "LOGIN_FAILURES_PER_ACCOUNT": os.environ.get(
            "LOGIN_FAILURES_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_SLOWDOWN_MAX_SECONDS": _env_int("LOGIN_SLOWDOWN_MAX_SECONDS", 60),
        # a browser that signed in to an account is not slowed for it for this long
        "LOGIN_DEVICE_DAYS": _env_int("LOGIN_DEVICE_DAYS", 90),
        "EVIDENCE_MIN_LENGTH": _env_int("EVIDENCE_MIN_LENGTH", 20),
        # per text field of a scorecard: a thorough evidence note is under 2,000 characters;
        # the cap bounds what one packet has to lay out (docs/security.md)
        "NOTE_MAX_LENGTH": _env_int("NOTE_MAX_LENGTH", 5000),
        "SCORECARD_DUE_HOURS": _env_int("SCORECARD_DUE_HOURS", 24),
        # Email (Flask-Mail). Nothing is sent while MAIL_SERVER is unset.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER") or "hiring@localhost",
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would suppress under TESTING; we test for real
        # Links in emails start with this (the CLI has no request to take a host from).
        "APP_BASE_URL": os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000"),
        # At most one overdue reminder per scorecard per this many hours.
        "REMINDER_INTERVAL_HOURS": _env_int("REMINDER_INTERVAL_HOURS", 24),
        # The reminder sweep looks this far back, so a cron run stays bounded.
        "REMINDER_LOOKBACK_DAYS": _env_int("REMINDER_LOOKBACK_DAYS", 30),
        # The planner puts two raters on dimensions with at least this share of the weight.
        "PLAN_TWO_RATER_SHARE": float(os.environ.get("PLAN_TWO_RATER_SHARE") or 0.2),
        "PDF_PAGE_SIZE": os.environ.get("PDF_PAGE_SIZE", "A4"),
        # a packet that takes longer is stopped and the user told (hiring/packets/bounded.py)
        "PDF_RENDER_TIMEOUT": _env_int("PDF_RENDER_TIMEOUT", 15),
        # how long a request waits for SQLite's write lock before failing (SQLite only)
        "SQLITE_BUSY_TIMEOUT_MS": _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000),
        # characters of one free-text field the PDF packet prints (then: "N more characters:
        # the full text is on the debrief page"); 0 prints everything
        "PACKET_FIELD_MAX_CHARS": _env_int("PACKET_FIELD_MAX_CHARS", 1500),
        "SEED_DIR": str(PROJECT_ROOT / "seed" / "blueprints"),
        "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime already bounds the token
        "TESTING": env == "testing",
        # Background work (packet renders, rater-effect fits): "rq" needs REDIS_URL; "thread"
        # runs it on one in-process thread; "off" only records what is due (tests opt in).
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "BACKGROUND_JOBS": os.environ.get("BACKGROUND_JOBS") or (
            "off" if env == "testing" else ("rq" if os.environ.get("REDIS_URL") else "thread")),
    }
    config.update(overrides)
    return config
