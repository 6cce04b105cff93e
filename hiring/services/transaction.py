"""One unit of work per use case. Only services (through this helper or their own commit)
end a transaction; views, forms and the auth plumbing never do (tests/test_layers.py)."""

from __future__ import annotations

from contextlib import contextmanager

from ..database import in_read_only_transaction, write_mode
from ..extensions import db


@contextmanager
def transaction():
    """Commit what the block changed, or roll it all back if it raises.

    In a read-only request (a GET), whose SQLite transactions begin DEFERRED so reads never
    queue behind writers, the read transaction is ended first and the block's transaction
    begins IMMEDIATE (hiring/database.py): a deferred transaction that tries to write after
    another writer committed would fail with "database is locked" at once."""
    if in_read_only_transaction():
        db.session.commit()  # end the read; nothing was changed in it
        with write_mode(), transaction():
            yield db.session
        return
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
