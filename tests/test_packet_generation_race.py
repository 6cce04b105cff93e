"""Two changes to one candidate's packet at once (PostgreSQL: SQLite serialises writers):
each must get its own generation, so that the job of the first can never file a packet
without the second's change as the current one, and two first requests must not collide on
the row's key."""

from __future__ import annotations

import pytest

from hiring.extensions import db
from hiring.models import PacketRender
from hiring.packets import queue
from tests.races import overlap


@pytest.fixture
def postgres_only(backend):
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no overlap to test")


def test_two_overlapping_requests_get_two_generations(postgres_only, app, people, loop,
                                                      database_url):
    candidate_id = loop["candidate"].id
    queue.mark(candidate_id, only_if_complete=False)
    db.session.commit()
    assert db.session.get(PacketRender, candidate_id).generation == 1
    overlap(app, database_url, queue.mark, candidate_id, False)
    db.session.expire_all()
    assert db.session.get(PacketRender, candidate_id).generation == 3


def test_two_first_requests_at_once(postgres_only, app, people, loop, database_url):
    candidate_id = loop["candidate"].id
    db.session.commit()
    assert db.session.get(PacketRender, candidate_id) is None
    overlap(app, database_url, queue.mark, candidate_id, False)
    db.session.expire_all()
    row = db.session.get(PacketRender, candidate_id)
    assert row.generation == 2 and row.state == "waiting"  # the loop is not complete
