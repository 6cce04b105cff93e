from __future__ import annotations

import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.password_policy import normalise

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(normalise(password),
                                  method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(16), method=method)
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    # NFKC first (how passwords are hashed now); as typed for hashes made before that
    return (check_password_hash(password_hash, normalise(password))
            or (normalise(password) != password and check_password_hash(password_hash, password)))


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)
