"""One unit of work per use case. Only services (through this helper or their own commit)
end a transaction; views, forms and the auth plumbing never do (tests/test_layers.py)."""

from __future__ import annotations

from contextlib import contextmanager

from ..extensions import db


@contextmanager
def transaction():
    """Commit what the block changed, or roll it all back if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def release() -> None:
    """End the current read-only transaction (before slow work, so no lock is held)."""
    db.session.commit()


def discard() -> None:
    """Forget the changes of the current unit of work."""
    db.session.rollback()
