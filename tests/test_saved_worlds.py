"""The suite's saved worlds (tests/conftest.py, `saved_world`): a world put back from saved
rows must be the world its build commits, or every test that uses one tests something else.

Each check builds a world of this module's own (so no other test has saved it in this
worker), empties the database back to the same people, and asks for the same world again."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from hiring.clock import utcnow
from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Interview, Requisition
from hiring.services.blueprints import store_blueprint
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.conftest import SAVED_WORLDS, empty_database, make_people, saved_world, seed_blueprint

EVIDENCE = "Concrete evidence from the interview, written after it."
KEY = (__name__, "one_submission")


@saved_world
def one_submission(people, title: str):
    """A requisition, a candidate and one submitted scorecard, through the services."""
    template = store_blueprint(seed_blueprint()).template
    requisition = Requisition(title=title, template=template,
                              hiring_manager=people["hiring_manager"])
    candidate = Candidate(requisition=requisition, name="Saved Candidate")
    interview = Interview(candidate=candidate, interviewer=people["interviewer"],
                          kind="technical", scheduled_at=datetime(2026, 11, 20, tzinfo=UTC),
                          focus=template.dimensions[:2])
    db.session.add_all([requisition, candidate, interview])
    db.session.commit()
    card = get_or_create(interview, people["interviewer"])
    save(card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in template.dimensions[:2]},
                              overall=3), card.lock_version, submit=True)
    return {"requisition": requisition, "candidate": candidate, "card": card}


def every_row() -> dict[str, list[tuple]]:
    db.session.commit()
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = [tuple(row) for row in db.session.execute(
            sa.select(table).order_by(*table.primary_key.columns))]
    return rows


def probe_id() -> int:
    """The id the next new row gets (then the row is gone again)."""
    world_requisition = db.session.scalar(sa.select(Requisition.id))
    probe = Candidate(requisition_id=world_requisition, name="Probe")
    db.session.add(probe)
    db.session.flush()
    made = probe.id
    db.session.rollback()
    return made


def start_over() -> dict:
    """The database as the test found it: the same people (the same ids), nothing else."""
    empty_database()
    return make_people()


def test_a_world_put_back_is_the_world_its_build_committed(app, people):
    built_before = SAVED_WORLDS.built[KEY]
    first = one_submission(people, "Saved")
    assert SAVED_WORLDS.built[KEY] == built_before + 1
    committed, next_id = every_row(), probe_id()
    first_keys = {k: (type(v), v.id) for k, v in first.items()}
    assert committed["scorecard"] and committed["score_snapshot"] and committed["audit_event"]

    people = start_over()
    restored_before = SAVED_WORLDS.restored[KEY]
    again = one_submission(people, "Saved")
    assert SAVED_WORLDS.restored[KEY] == restored_before + 1
    # every row of every table, timestamps and the audit chain's hashes included
    assert every_row() == committed
    # the same objects, by class and key, read from the restored rows
    assert {k: (type(v), v.id) for k, v in again.items()} == first_keys
    assert again["card"].submitted and again["candidate"].name == "Saved Candidate"
    # the id sequences are where the build left them: the next row gets the same id
    assert probe_id() == next_id
    # the clock never runs back behind what the build recorded
    latest = db.session.scalar(sa.select(sa.func.max(AuditEvent.at)))
    assert utcnow() >= latest


def test_a_world_is_built_anew_from_a_different_start_or_other_arguments(app, people):
    one_submission(people, "Other start")
    people = start_over()
    people["interviewer2"].name = "Renamed Before The Build"
    db.session.commit()
    built = SAVED_WORLDS.built[KEY]
    one_submission(people, "Other start")
    assert SAVED_WORLDS.built[KEY] == built + 1  # a changed row: not the saved start
    assert db.session.get(type(people["interviewer2"]), people["interviewer2"].id).name \
        == "Renamed Before The Build"
    people = start_over()
    one_submission(people, "Another title")
    assert SAVED_WORLDS.built[KEY] == built + 2  # other arguments: another world
