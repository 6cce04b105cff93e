"""The comparison page reads stored snapshots and sorts, filters and pages in the database:
its order must be the one a person computes by hand from the planted ratings, on SQLite
and PostgreSQL, with blinded candidates last and unscored; the stored agreement figure
equals the one computed on the spot, and goes stale exactly when a scorecard changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from hiring.extensions import db
from hiring.models import AgreementSnapshot, Candidate, Interview
from tests.access import client_for
from tests.conftest import saved_world
from tests.scale_data import panel_of, requisition_with


def first_dimension_grows(c: int, i: int, k: int) -> int:
    """Rater i of 4 (0-3) on candidate c: the first dimension gets 1 + floor((c + i) / 4),
    which sums over the four raters to 4 + c (Hermite's identity), so its mean is exactly
    1 + c/4: distinct and increasing with c. Every other dimension gets 2 from everyone, so
    the composite grows with c too."""
    return 1 + (c + i) // 4 if k == 0 else 2


def names_in(html: str) -> list[str]:
    return re.findall(r"Scale Candidate (\d+)", html)


@saved_world
def build(people, count: int):
    req = requisition_with(people, count, panel_of(3), rating=first_dimension_grows)
    return req, req.template.dimensions[0].id


def hm_interviews_007(req, people) -> None:
    """The hiring manager also interviews candidate 007 and has not submitted: blinded."""
    blind = db.session.scalar(select(Candidate).where(
        Candidate.requisition_id == req.id, Candidate.name == "Scale Candidate 007"))
    db.session.add(Interview(candidate=blind, interviewer=people["hiring_manager"],
                             kind="technical",
                             scheduled_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)))


def test_order_by_composite_and_by_a_dimension_matches_the_planted_ratings(app, people):
    req, first = build(people, 13)
    hm, _ = client_for(app, "hiring_manager")
    up = [f"{c:03d}" for c in range(13)]
    html = hm.get(f"/requisitions/{req.id}/compare").get_data(as_text=True)
    assert names_in(html) == up[::-1]  # composite, highest first
    html = hm.get(f"/requisitions/{req.id}/compare?sort=dim-{first}&dir=asc").get_data(
        as_text=True)
    assert names_in(html) == up
    # the means shown are the hand-computed 1 + c/4, two decimals
    assert re.search(r'title="[^"]*: mean 1\.00', html) and "mean 4.00" in html
    html = hm.get(f"/requisitions/{req.id}/compare?sort=name&dir=desc").get_data(as_text=True)
    assert names_in(html) == up[::-1]


def test_pages_split_the_ranking_and_blinded_candidates_come_last(app, people):
    req, first = build(people, 30)
    hm_interviews_007(req, people)
    db.session.commit()
    hm, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{req.id}/compare?sort=dim-{first}&dir=asc"
    one = hm.get(url).get_data(as_text=True)
    two = hm.get(url + "&page=2").get_data(as_text=True)
    ranked = [f"{c:03d}" for c in range(30) if c != 7]
    assert names_in(one) == ranked[:25] and "Page 1 of 2" in one
    assert names_in(two) == ranked[25:] + ["007"] and "Page 2 of 2" in two
    assert two.count("Hidden until you submit your own scorecard") == 1
    assert "30 candidates" in one
    # a stage filter never matches a blinded candidate (the stage would tell a decision)
    staged = hm.get(f"/requisitions/{req.id}/compare?stage=debrief").get_data(as_text=True)
    assert "007" not in names_in(staged) and "29 candidates" in staged


def test_stored_agreement_equals_the_live_one_and_goes_stale_on_a_change(app, people):
    from hiring.services.calibration_job import fit

    req, _ = build(people, 12)
    hm, _ = client_for(app, "hiring_manager")
    live = hm.get(f"/requisitions/{req.id}/compare").get_data(as_text=True)
    assert "computed" not in live.split("agree-h")[2]  # nothing stored yet: computed now
    db.session.add(AgreementSnapshot(requisition_id=req.id, stale=True, generation=1))
    db.session.commit()
    fit()  # the background job: rater effects, then stale agreement figures
    row = db.session.get(AgreementSnapshot, req.id)
    db.session.refresh(row)
    assert row.stale is False and row.computed_at is not None
    stored = hm.get(f"/requisitions/{req.id}/compare").get_data(as_text=True)
    figure = re.compile(r"<strong>(-?\d\.\d\d)</strong>, 95% interval ([^ ]+) to ([^,]+),")
    assert figure.search(stored).groups() == figure.search(live).groups()
    assert "computed" in stored.split("agree-h")[2]
    # a scorecard change marks it stale in the same transaction
    from hiring.services.agreement_stats import mark_stale

    mark_stale(req.id)
    db.session.commit()
    db.session.refresh(row)
    assert row.stale is True and row.generation == 2


def test_composite_order_pages_across_scored_unscored_and_blinded(app, people):
    """Compare's default order, hand-computed: the scored candidates by composite (it grows
    with c), then the candidates without a composite (no scorecard yet) by name, then the
    blinded ones; the same in both directions except the scored part; across pages."""
    req, _ = build(people, 30)
    for name in ("Scale Candidate 202", "Scale Candidate 200", "Scale Candidate 201"):
        db.session.add(Candidate(requisition=req, name=name, email="", stage="applied"))
    hm_interviews_007(req, people)
    db.session.commit()
    hm, _ = client_for(app, "hiring_manager")
    scored = [f"{c:03d}" for c in range(30) if c != 7]
    unscored = ["200", "201", "202"]
    for direction, order in (("desc", scored[::-1]), ("asc", scored)):
        url = f"/requisitions/{req.id}/compare?dir={direction}"
        one = names_in(hm.get(url).get_data(as_text=True))
        two = names_in(hm.get(url + "&page=2").get_data(as_text=True))
        assert one == order[:25], direction
        assert two == order[25:] + unscored + ["007"], direction
    # a stage filter: only the unscored candidates are at "applied"
    staged = hm.get(f"/requisitions/{req.id}/compare?stage=applied").get_data(as_text=True)
    assert names_in(staged) == unscored


def test_hostile_sort_and_stage_values_get_the_default_order(app, people):
    req, first = build(people, 3)
    hm, _ = client_for(app, "hiring_manager")
    for sort in ("dim-" + "9" * 5000, "dim-\u0661", "dim--1", f"dim-{first}\x00", "%00",
                 "composite;drop", "x" * 10000):
        response = hm.get(f"/requisitions/{req.id}/compare",
                          query_string={"sort": sort, "dir": sort, "stage": sort})
        assert response.status_code == 200, sort[:20]
        assert names_in(response.get_data(as_text=True)) == ["002", "001", "000"]


def test_dimension_order_pages_across_assessed_unassessed_and_ties(app, people):
    """Sorted by a dimension, hand-computed: the candidates with a mean of it by that mean;
    equal means by composite, highest first; then the candidates nobody rated on it (here
    the unscored ones) by composite and name; both directions, across pages. Each mean
    also has its own row (score_dimension_mean) equal to the snapshot's."""
    from hiring.models import DimensionMean, ScoreSnapshot

    # first dimension: mean 1 + c/4 for c < 28; the last two (028, 029) get the mean of 027
    def rating(c, i, k):
        return first_dimension_grows(min(c, 27), i, k) if k == 0 else (2 if c < 28 else 3)

    req = requisition_with(people, 30, panel_of(3), rating=rating)
    first = req.template.dimensions[0].id
    for name in ("Scale Candidate 201", "Scale Candidate 200"):
        db.session.add(Candidate(requisition=req, name=name, email="", stage="applied"))
    db.session.commit()
    stored = {(m.candidate_id, m.dimension_id): m.mean
              for m in db.session.scalars(select(DimensionMean))}
    for snap in db.session.scalars(select(ScoreSnapshot)):
        for key, mean in snap.dimension_means.items():
            assert stored[(snap.candidate_id, int(key))] == mean
    hm, _ = client_for(app, "hiring_manager")
    # 028 and 029 share 027's mean; their other dimensions are higher, so their composite
    # is higher: 029 and 028 (equal composites: by name) come before 027 when descending
    down = ["028", "029", "027"] + [f"{c:03d}" for c in range(26, -1, -1)]
    up = [f"{c:03d}" for c in range(27)] + ["028", "029", "027"]
    for direction, order in (("desc", down), ("asc", up)):
        url = f"/requisitions/{req.id}/compare?sort=dim-{first}&dir={direction}"
        one = names_in(hm.get(url).get_data(as_text=True))
        two = names_in(hm.get(url + "&page=2").get_data(as_text=True))
        assert one + two == order + ["200", "201"], direction
        assert len(one) == 25
