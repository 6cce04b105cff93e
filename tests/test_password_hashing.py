"""Test apps hash passwords with a cheap method (conftest.app_config), so the suite does not
spend its time in scrypt; this test holds the production strength that the others skip."""

from __future__ import annotations

from hiring import create_app
from hiring.auth.passwords import check_password, hash_password
from hiring.config import load_config
from tests.conftest import PASSWORD, app_config


def test_production_hashes_with_scrypt_at_werkzeug_strength(tmp_path):
    production = load_config({"HIRING_ENV": "production", "SECRET_KEY": "k" * 64,
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert production["PASSWORD_HASH_METHOD"] == "scrypt"
    config = app_config(f"sqlite:///{tmp_path / 'h.db'}")
    del config["PASSWORD_HASH_METHOD"]  # the app's own setting, not the tests' fast one
    app = create_app(config)
    with app.app_context():
        hashed = hash_password(PASSWORD)
        # werkzeug's scrypt parameters: N = 2**15, r = 8, p = 1; a 16-character salt
        method, salt, digest = hashed.split("$")
        assert method == "scrypt:32768:8:1" and len(salt) == 16 and len(digest) == 128
        assert check_password(hashed, PASSWORD)
        assert not check_password(hashed, PASSWORD + "!")
