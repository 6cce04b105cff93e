"""Attacks on a blind viewer's agreement figure (the stored rating patterns minus the owed
candidates' own): whatever happens around it, a viewer who still owes a scorecard on some
candidates must get the figure of the other candidates alone. Expected alphas come from the
`krippendorff` package over the planted ratings; unit and rating counts are counted by hand;
`agreement_stats.compute` over the visible candidates is only a secondary check (the
interval)."""

from __future__ import annotations

import copy
import math
import re
from contextlib import contextmanager
from datetime import UTC, datetime

import krippendorff
import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy import event, select

from hiring.extensions import db
from hiring.models import (
    AgreementSnapshot,
    Candidate,
    Interview,
    Scorecard,
    ScorecardRating,
    ScoreSnapshot,
)
from hiring.services import agreement_stats
from hiring.services.calibration_job import fit
from hiring.services.derived_work import scorecards_changed
from tests.access import client_for
from tests.conftest import saved_world
from tests.races import elsewhere, in_another_session, overlap, waiting_for_a_lock
from tests.scale_data import EVIDENCE, panel_of, requisition_with

CANDIDATES = 10
RATERS = 4  # panel_of(3) and iv@
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def agreeing(c: int, i: int, k: int) -> int:
    """Rater i of candidate c on dimension k: mostly agreeing, a one-point disagreement
    now and then, the level moving with the candidate and dimension."""
    base = 1 + (c + k) % 4
    return min(4, max(1, base + (1 if (i + c + 2 * k) % 3 == 0 else 0)))


def wild(c: int, i: int, k: int) -> int:
    """1 and 4 alternating: counted, it would pull alpha down a long way."""
    return 1 if (i + k) % 2 else 4


def planted_with(owed: dict[int, object]):
    """`agreeing`, except the candidates in `owed` rated by their own function."""
    def rating(c: int, i: int, k: int) -> int:
        return owed[c](c, i, k) if c in owed else agreeing(c, i, k)
    return rating


@saved_world
def build(people, rating, panel=None, title: str = "Scale", candidates: int = CANDIDATES):
    panel = panel if panel is not None else panel_of(3)
    requisition = requisition_with(people, candidates, panel, title=title, rating=rating)
    agreement_stats.mark_stale(requisition.id)  # as the submissions would have
    db.session.commit()
    ids = dict(db.session.execute(select(Candidate.name, Candidate.id).where(
        Candidate.requisition_id == requisition.id)).all())
    return requisition, {int(name.split()[-1]): cid for name, cid in ids.items()}


def owe(viewer, candidate_ids) -> list[Interview]:
    """`viewer` interviews these candidates and has submitted nothing on them."""
    made = [Interview(candidate_id=cid, interviewer=viewer, kind="technical",
                      scheduled_at=WHEN) for cid in candidate_ids]
    db.session.add_all(made)
    db.session.commit()
    return made


def dims_of(requisition) -> int:
    return len(requisition.template.dimensions)


def oracle(rating, visible, dimensions: int, extra=()) -> float | None:
    """The package's ordinal alpha: coders are the raters, units the (candidate,
    dimension) pairs of the `visible` candidates. `extra`: more units, as lists of one value
    per coder (NaN where missing)."""
    columns = [[rating(c, i, k) for i in range(RATERS)]
               for c in visible for k in range(dimensions)]
    columns += [list(unit) for unit in extra]
    if not columns:
        return None
    width = max(len(col) for col in columns)
    matrix = np.array([col + [math.nan] * (width - len(col)) for col in columns],
                      dtype=float).T
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")


def blind_figure(requisition, viewer, subtracted: bool = False):
    """The page's figure for this viewer (who owes a scorecard here). `subtracted`: it must
    come from the stored patterns (the fallback that reads the visible candidates fails)."""
    fallback = agreement_stats.compute

    def refuse(*args, **kwargs):
        raise AssertionError("fell back to reading the visible candidates")

    if subtracted:
        agreement_stats.compute = refuse
    try:
        figure, at = agreement_stats.for_viewer(requisition, viewer, blind_here=True)
    finally:
        agreement_stats.compute = fallback
    assert at is None  # a blind viewer's figure is computed for the view
    return figure


def visible_figure(requisition, viewer):
    """Secondary check: the figure read from the candidates the viewer may see."""
    from hiring.policy import blind_candidate_ids

    return agreement_stats.compute(requisition, excluded=blind_candidate_ids(viewer))


def assert_figure(got, rating, visible, dimensions, requisition, viewer, raters=RATERS):
    units = len(visible) * dimensions
    assert (got.units, got.pairable) == (units, raters * units)
    expected = oracle(rating, visible, dimensions)
    assert got.alpha == pytest.approx(expected, abs=1e-9)
    live = visible_figure(requisition, viewer)
    assert (got.alpha, got.low, got.high, got.pairable, got.units) == (
        live.alpha, live.low, live.high, live.pairable, live.units)


def stored_is_fresh(requisition) -> bool:
    db.session.expire_all()
    row = db.session.get(AgreementSnapshot, requisition.id)
    return row is not None and not row.stale and row.patterns is not None


AGREEMENT = re.compile(r"<strong>(-?[\d.]+)</strong>, 95% interval (\S+) to (\S+), "
                       r"from (\d+) ratings in (\d+) shared")
NOT_ENOUGH = re.compile(r"Not enough ratings to measure agreement: (\d+) rating")


def page_figure(client, requisition_id: int):
    response = client.get(f"/requisitions/{requisition_id}/compare")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = AGREEMENT.search(html)
    if found is None:
        return None, int(NOT_ENOUGH.search(html).group(1)), None, html
    alpha, low, high, pairable, units = found.groups()
    return float(alpha), int(pairable), int(units), html


# ----------------------------------------------------------------- what held


def test_owed_candidates_rated_like_visible_ones_subtract_exactly_on_the_page(app, people):
    """The owed candidates' ratings are copies of visible candidates' (every owed pattern
    also occurs among the visible): the subtraction must remove exactly the owed units. The
    page (as the manager sees it) shows the visible candidates' figure; an admin, who owes
    nothing, the figure over everyone."""
    owed = {2: lambda c, i, k: agreeing(5, i, k), 7: lambda c, i, k: agreeing(5, i, k),
            8: wild}
    rating = planted_with(owed)
    requisition, ids = build(people, rating)
    manager = people["hiring_manager"]
    owe(manager, [ids[c] for c in owed])
    fit()
    assert stored_is_fresh(requisition)
    dimensions = dims_of(requisition)
    visible = [c for c in range(CANDIDATES) if c not in owed]
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dimensions, requisition, manager)

    hm, _ = client_for(app, "hiring_manager")
    alpha, pairable, units, html = page_figure(hm, requisition.id)
    assert (pairable, units) == (RATERS * len(visible) * dimensions, len(visible) * dimensions)
    assert alpha == pytest.approx(oracle(rating, visible, dimensions), abs=0.005)
    assert f"{got.low:.2f} to {got.high:.2f}" in html
    admin, _ = client_for(app, "admin")
    alpha_all, pairable_all, units_all, _ = page_figure(admin, requisition.id)
    assert units_all == CANDIDATES * dimensions
    assert alpha_all == pytest.approx(oracle(rating, range(CANDIDATES), dimensions), abs=0.005)


def test_blind_on_candidates_of_two_requisitions_sharing_a_template(app, people):
    """The same manager owes a scorecard on one candidate in each of two requisitions (same
    template, same panel): each figure leaves out that requisition's owed candidate only."""
    panel = panel_of(3)
    rating_one = planted_with({3: wild})
    rating_two = planted_with({6: wild})
    one, ids_one = build(people, rating_one, panel, title="One")
    two, ids_two = build(people, rating_two, panel, title="Two")
    manager = people["hiring_manager"]
    owe(manager, [ids_one[3], ids_two[6]])
    dimensions = dims_of(one)
    assert dims_of(two) == dimensions
    for stage in ("fallback", "stored"):
        if stage == "stored":
            fit()
            assert stored_is_fresh(one) and stored_is_fresh(two)
        stored = stage != "fallback"
        assert_figure(blind_figure(one, manager, subtracted=stored), rating_one,
                      [c for c in range(CANDIDATES) if c != 3], dimensions, one, manager)
        assert_figure(blind_figure(two, manager, subtracted=stored), rating_two,
                      [c for c in range(CANDIDATES) if c != 6], dimensions, two, manager)


def test_blind_on_every_candidate_sees_no_ratings_at_all(app, people):
    requisition, ids = build(people, agreeing, candidates=6)
    manager = people["hiring_manager"]
    owe(manager, ids.values())
    for stage in ("fallback", "stored", "minimum 0"):
        if stage == "stored":
            fit()
            assert stored_is_fresh(requisition)
        if stage == "minimum 0":
            requisition.settings = {**(requisition.settings or {}),
                                    "agreement_min_pairable": 0}
            db.session.commit()
        got = blind_figure(requisition, manager, subtracted=stage != "fallback")
        assert (got.alpha, got.low, got.high, got.pairable, got.units) == (
            None, None, None, 0, 0)
    hm, _ = client_for(app, "hiring_manager")
    alpha, pairable, units, html = page_figure(hm, requisition.id)
    assert (alpha, pairable) == (None, 0)
    assert "Not enough ratings to measure agreement: 0 ratings" in html


def test_owed_candidate_without_any_scorecard_or_snapshot(app, people):
    """A candidate added after the figure was stored (no scorecard, no snapshot), owed by the
    manager, next to an owed candidate with ratings: nothing of the first to subtract."""
    rating = planted_with({4: wild})
    requisition, ids = build(people, rating)
    manager = people["hiring_manager"]
    fit()
    newcomer = Candidate(requisition=requisition, name="Newcomer", email="new@example.com",
                         stage="onsite")
    db.session.add(newcomer)
    db.session.commit()
    owe(manager, [newcomer.id, ids[4]])
    assert db.session.scalar(select(ScoreSnapshot).where(
        ScoreSnapshot.candidate_id == newcomer.id)) is None
    assert stored_is_fresh(requisition)
    visible = [c for c in range(CANDIDATES) if c != 4]
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dims_of(requisition), requisition, manager)
    hm, _ = client_for(app, "hiring_manager")
    alpha, pairable, units, _ = page_figure(hm, requisition.id)
    assert units == len(visible) * dims_of(requisition)


def test_an_admin_who_owes_a_scorecard_is_blind_too(app, people):
    rating = planted_with({1: wild})
    requisition, ids = build(people, rating)
    admin = people["admin"]
    owe(admin, [ids[1]])
    fit()
    visible = [c for c in range(CANDIDATES) if c != 1]
    dimensions = dims_of(requisition)
    got = blind_figure(requisition, admin, subtracted=True)
    assert_figure(got, rating, visible, dimensions, requisition, admin)
    client, _ = client_for(app, "admin")
    alpha, pairable, units, html = page_figure(client, requisition.id)
    assert units == len(visible) * dimensions
    assert alpha == pytest.approx(oracle(rating, visible, dimensions), abs=0.005)
    assert "computed " not in html.split("agree-h", 1)[1]  # no stored time for a blind one


def test_own_submission_on_one_of_two_interviews_keeps_the_candidate_hidden(app, people):
    """The manager interviews candidate 5 twice and submits one scorecard: still blind on
    them (one interview owes). Their submitted ratings enter the snapshot (a fifth rater)
    and the stored figure, and must leave the blind figure with the rest of candidate 5."""
    rating = planted_with({5: wild})
    requisition, ids = build(people, rating)
    manager = people["hiring_manager"]
    first, _second = owe(manager, [ids[5], ids[5]])
    dimension_list = list(requisition.template.dimensions)
    card = Scorecard(interview=first, author=manager, status="submitted", overall=3)
    card.ratings = [ScorecardRating(dimension_id=d.id, rating=4 - k % 4, evidence=EVIDENCE)
                    for k, d in enumerate(dimension_list)]
    db.session.add(card)
    db.session.flush()
    scorecards_changed(ids[5])
    db.session.commit()
    fit()
    assert stored_is_fresh(requisition)
    row = db.session.get(AgreementSnapshot, requisition.id)
    assert sum(n for values, n in row.patterns if len(values) == 5) == dims_of(requisition)
    visible = [c for c in range(CANDIDATES) if c != 5]
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dims_of(requisition), requisition, manager)


def test_amendment_erasure_and_interview_removal(app, people):
    """After the figure is stored: a panelist's amendment on an owed candidate (stale, then
    refitted), the erasure of an owed candidate (their ratings stay, the manager still owes),
    and the removal of the manager's interview on the other owed candidate (no longer owed:
    counted, no refit needed)."""
    from hiring.services.erasure import erase
    from hiring.services.loop_changes import remove_interview

    owed = {2: wild, 6: wild}
    rating = planted_with(owed)
    requisition, ids = build(people, rating)
    manager = people["hiring_manager"]
    _, on_six = owe(manager, [ids[2], ids[6]])
    fit()
    dimensions = dims_of(requisition)
    visible = [c for c in range(CANDIDATES) if c not in owed]
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dimensions, requisition, manager)

    # a panelist amends their scorecard on candidate 2: every rating becomes 2
    card = db.session.scalars(select(Scorecard).join(Interview).where(
        Interview.candidate_id == ids[2], Scorecard.author_id != manager.id)).first()
    for r in card.ratings:
        r.rating = 2
    db.session.flush()
    scorecards_changed(ids[2])
    db.session.commit()
    assert not stored_is_fresh(requisition)
    assert_figure(blind_figure(requisition, manager), rating, visible, dimensions,
                  requisition, manager)
    fit()
    assert stored_is_fresh(requisition)
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dimensions, requisition, manager)

    erase(ids[2], reason="Asked to be forgotten", confirm=str(ids[2]),
          actor=people["admin"], legal_basis="Art. 17 request with consent withdrawn")
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, visible, dimensions, requisition, manager)

    remove_interview(db.session.get(Interview, on_six.id), actor=people["admin"])
    db.session.commit()
    now_visible = sorted([*visible, 6])
    got = blind_figure(requisition, manager, subtracted=True)
    assert_figure(got, rating, now_visible, dimensions, requisition, manager)


def test_averaged_fractional_ratings_survive_the_stored_round_trip(app, people):
    """Panelist 0 interviews candidates 1 (visible) and 6 (owed) three times: their voice
    is the mean of three ratings, a third (7/3 as a float), stored in the JSON patterns and
    read back from the snapshots; the owed candidate's fractional patterns must still match
    and leave."""
    rating = planted_with({6: agreeing})
    panel = panel_of(3)
    requisition, ids = build(people, rating, panel)
    manager = people["hiring_manager"]
    owe(manager, [ids[6]])
    dimension_list = list(requisition.template.dimensions)
    for c in (1, 6):
        for extra, value in enumerate((1, 2)):
            interview = Interview(candidate_id=ids[c], interviewer=panel[0],
                                  kind="technical", scheduled_at=WHEN.replace(hour=10 + extra))
            card = Scorecard(author=panel[0], status="submitted", overall=2)
            card.ratings = [ScorecardRating(dimension_id=d.id, rating=value,
                                            evidence=EVIDENCE) for d in dimension_list]
            interview.scorecards.append(card)
            db.session.add(interview)
        db.session.flush()
        scorecards_changed(ids[c])
    db.session.commit()
    fit()
    assert stored_is_fresh(requisition)
    row = db.session.get(AgreementSnapshot, requisition.id)
    assert any(v != int(v) for values, _ in row.patterns for v in values)

    def averaged(c, i, k):
        return (agreeing(c, i, k) + 3) / 3 if c in (1, 6) and i == 0 else agreeing(c, i, k)

    visible = [c for c in range(CANDIDATES) if c != 6]
    dimensions = len(dimension_list)
    got = blind_figure(requisition, manager, subtracted=True)
    assert (got.units, got.pairable) == (len(visible) * dimensions,
                                         RATERS * len(visible) * dimensions)
    assert got.alpha == pytest.approx(oracle(averaged, visible, dimensions), abs=1e-9)
    live = visible_figure(requisition, manager)
    assert (got.alpha, got.low, got.high) == (live.alpha, live.low, live.high)


@pytest.mark.parametrize("minimum", [10 ** 12, -5, 0])
def test_hostile_minimum_settings(app, people, minimum):
    rating = planted_with({3: wild})
    requisition, ids = build(people, rating, candidates=6)
    manager = people["hiring_manager"]
    owe(manager, [ids[3]])
    fit()
    requisition.settings = {**(requisition.settings or {}),
                            "agreement_min_pairable": minimum}
    db.session.commit()
    got = blind_figure(requisition, manager, subtracted=True)
    visible = [c for c in range(6) if c != 3]
    units = len(visible) * dims_of(requisition)
    assert (got.units, got.pairable, got.minimum) == (units, RATERS * units, minimum)
    if minimum > RATERS * units:
        assert (got.alpha, got.low, got.high) == (None, None, None)
    else:
        assert got.alpha == pytest.approx(oracle(rating, visible, dims_of(requisition)),
                                          abs=1e-9)
    hm, _ = client_for(app, "hiring_manager")
    assert hm.get(f"/requisitions/{requisition.id}/compare").status_code == 200


# -------------------------------------------------- concurrent writers (PostgreSQL)


def postgres_only(backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite: writers are serialised (BEGIN IMMEDIATE holds the write lock "
                    "from the first read to the commit), so these interleavings cannot "
                    "happen; in one thread they would wait for the busy timeout")


def race_world(people):
    """Candidates 3 and 8 owed by the manager (wild ratings); figure stored, then marked
    stale by a change so that the next refit recomputes it."""
    owed = {3: wild, 8: wild}
    rating = planted_with(owed)
    requisition, ids = build(people, rating)
    manager = people["hiring_manager"]
    owe(manager, [ids[c] for c in owed])
    fit()
    agreement_stats.mark_stale(requisition.id)
    db.session.commit()
    return requisition, ids, rating, [c for c in range(CANDIDATES) if c not in owed]


def copy_dims_sql(writer, from_id: int, to_id: int) -> None:
    """What a submission's transaction writes into a candidate's snapshot: here candidate
    `to_id`'s ratings become those of `from_id` (so every owed pattern still occurs in the
    stored counts and the subtraction looks plausible)."""
    table = ScoreSnapshot.__table__
    copied = writer.execute(select(table.c.dimensions).where(
        table.c.candidate_id == from_id)).scalar_one()
    writer.execute(table.update().where(table.c.candidate_id == to_id).values(
        dimensions=copied))


@contextmanager
def listening(name: str, listener):
    """`listener` hears the engine's `name` events inside the block."""
    event.listen(db.engine, name, listener)
    try:
        yield
    finally:
        event.remove(db.engine, name, listener)


def test_a_change_committed_between_the_refits_read_and_its_write(
        app, people, backend, database_url):
    """A submission commits after the refit read the ratings and before it writes the
    figure: the figure must not be stored as fresh (it lacks the change), and the blind
    viewer's figure stays the visible candidates' own."""
    postgres_only(backend)
    requisition, ids, rating, visible = race_world(people)
    manager = people["hiring_manager"]
    other = sa.create_engine(database_url)
    seen, fired = [], []

    def commit_a_change(conn, cursor, statement, *args):
        if "FROM score_snapshot" in statement:
            seen.append(statement)  # the refit has read the ratings
        elif seen and not fired and statement.lstrip().startswith("UPDATE agreement_snapshot"):
            fired.append(statement)  # ... and is about to store the figure
            with other.begin() as writer:  # a panelist's submission on candidate 3
                copy_dims_sql(writer, ids[4], ids[3])
                table = AgreementSnapshot.__table__
                writer.execute(table.update().where(
                    table.c.requisition_id == requisition.id).values(
                    stale=True, generation=table.c.generation + 1))

    try:
        with listening("before_cursor_execute", commit_a_change):
            agreement_stats.refresh_stale()
    finally:
        other.dispose()
    assert fired
    got = blind_figure(requisition, manager)
    # candidate 3 is still owed: the figure is the other candidates', whose ratings did
    # not change
    assert got.alpha == pytest.approx(oracle(rating, visible, dims_of(requisition)),
                                      abs=1e-9)
    assert not stored_is_fresh(requisition)  # a change the stored figure lacks


def test_two_overlapping_changes_bump_the_generation_twice(
        app, people, backend, database_url):
    """Change B (candidate 3 now rated like candidate 4) has marked the figure stale and not
    committed; change A marks it too and must wait for B, then count on top of it. A refit
    that read the ratings before B committed must not store its figure as fresh."""
    postgres_only(backend)
    requisition, ids, rating, visible = race_world(people)
    manager = people["hiring_manager"]
    generation = db.session.get(AgreementSnapshot, requisition.id).generation

    def change_b():  # not committed yet
        copied = db.session.get(ScoreSnapshot, ids[4]).dimensions
        db.session.get(ScoreSnapshot, ids[3]).dimensions = copy.deepcopy(copied)
        db.session.flush()
        agreement_stats.mark_stale(requisition.id)

    second = in_another_session(change_b)

    other = sa.create_engine(database_url)
    thread, errors = elsewhere(app, agreement_stats.mark_stale, requisition.id)
    waiting_for_a_lock(other)  # A waits for B's row lock
    fired = []

    def commit_b_after_the_ratings_are_read(conn, cursor, statement, *args):
        if not fired and "FROM score_snapshot" in statement:
            fired.append(statement)
            second.commit()

    try:
        with listening("after_cursor_execute", commit_b_after_the_ratings_are_read):
            agreement_stats.refresh_stale()
    finally:
        second.close()
        thread.join(30)
        other.dispose()
    assert fired and not thread.is_alive() and errors == []
    db.session.expire_all()
    assert db.session.get(AgreementSnapshot, requisition.id).generation == generation + 2
    got = blind_figure(requisition, manager)
    assert got.alpha == pytest.approx(oracle(rating, visible, dims_of(requisition)),
                                      abs=1e-9)
    assert not stored_is_fresh(requisition)


def test_two_first_changes_of_a_requisition_at_once(app, people, backend, database_url):
    """Two submissions are the requisition's first changes at once: the second waits for
    the first's new row instead of failing on its key (a 500), and both count."""
    postgres_only(backend)
    requisition = requisition_with(people, 3, panel_of(3), rating=agreeing)
    assert db.session.get(AgreementSnapshot, requisition.id) is None
    db.session.commit()
    overlap(app, database_url, agreement_stats.mark_stale, requisition.id)
    db.session.expire_all()
    row = db.session.get(AgreementSnapshot, requisition.id)
    assert row.stale and row.generation == 2
