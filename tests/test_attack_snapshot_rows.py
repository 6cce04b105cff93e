"""Attacks on the stored score snapshots (services/snapshots.py) after the rewrite that
reads the scoring inputs as plain rows: a stored snapshot (and its score_dimension_mean
rows) must equal what the debrief computes by its own loading path, and, where the numbers
are small enough, what the README's formulas give by hand (exact fractions, written out
here, never by calling the scoring code).

Oracle: values_of(build_debrief(load_candidate(id), with_calibration=False).result), read
after a commit (which expires everything the session held, so the debrief loads afresh).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import delete, select

from hiring.auth.passwords import hash_password
from hiring.core import scoring
from hiring.extensions import db
from hiring.models import (
    Candidate,
    DimensionMean,
    Interview,
    Requisition,
    Scorecard,
    ScorecardRating,
    ScorecardRedFlag,
    ScoreSnapshot,
    User,
)
from hiring.models.base import utcnow
from hiring.services import snapshots
from hiring.services.blueprints import store_blueprint
from hiring.services.debrief import build_debrief, load_candidate
from hiring.services.decisions import change_settings
from hiring.services.erasure import erase
from hiring.services.errors import Invalid
from hiring.services.loop_changes import InterviewInput, update_interview
from hiring.services.requisitions import change_weights
from hiring.services.scorecards import ScorecardInput, amend, get_or_create, save
from tests.access import client_for
from tests.conftest import PASSWORD, seed_blueprint

EVIDENCE = "Described a concrete situation, the actions taken and the measured result."
WHEN = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)
KEYS = ("composite_100", "score_shown", "coverage", "coverage_shown", "recommendation",
        "band", "needs_discussion", "split_vote", "submitted", "red_flags", "votes",
        "contested", "dimensions", "dimension_means")
DEFAULTS = {"strong_hire_at": 80, "hire_at": 60, "lean_no_at": 35, "quorum": 3,
            "min_coverage": 0.8}


# ---------------------------------------------------------------------- helpers


def template_of(name: str = "engineering-manager.json"):
    return store_blueprint(seed_blueprint(name)).template


def panel(prefix: str, size: int) -> list[User]:
    users = [User(email=f"{prefix}{i}@example.com", name=f"{prefix.title()} {i}",
                  role="interviewer", password_hash=hash_password(PASSWORD))
             for i in range(size)]
    db.session.add_all(users)
    db.session.flush()  # ids in creation order: the "ratings" lists follow interviewer id
    return users


def requisition(people, title: str, template) -> Requisition:
    req = Requisition(title=title, template=template, hiring_manager=people["hiring_manager"])
    db.session.add(req)
    db.session.flush()
    return req


def candidate_in(req: Requisition, name: str) -> Candidate:
    candidate = Candidate(requisition=req, name=name, stage="debrief")
    db.session.add(candidate)
    return candidate


def interview_of(candidate: Candidate, interviewer: User, when: datetime = WHEN) -> Interview:
    interview = Interview(candidate=candidate, interviewer=interviewer, kind="technical",
                          scheduled_at=when)
    db.session.add(interview)
    return interview


def card_on(interview: Interview, author: User, ratings: dict, overall: int | None = 3,
            status: str = "submitted", flags: tuple[int, ...] = ()) -> Scorecard:
    """A scorecard made directly (as the scale builders do): ratings {dimension id: rating
    or None}, red flags by signal id."""
    now = utcnow()
    card = Scorecard(interview=interview, author=author, status=status, overall=overall,
                     created_at=now, updated_at=now,
                     submitted_at=now if status == "submitted" else None)
    card.ratings = [ScorecardRating(dimension_id=d, rating=r, evidence=EVIDENCE)
                    for d, r in ratings.items()]
    card.red_flags = [ScorecardRedFlag(signal_id=s, note="Said so in the interview.")
                      for s in flags]
    db.session.add(card)
    return card


def stored(candidate_id: int) -> dict | None:
    """The snapshot's stored fields, its requisition, and its score_dimension_mean rows."""
    snapshot = db.session.get(ScoreSnapshot, candidate_id)
    if snapshot is None:
        return None
    values = {key: getattr(snapshot, key) for key in KEYS}
    values["formula_version"] = snapshot.formula_version
    values["requisition_id"] = snapshot.requisition_id
    rows = db.session.scalars(select(DimensionMean).where(
        DimensionMean.candidate_id == candidate_id)).all()
    values["mean_rows"] = {str(r.dimension_id): r.mean for r in rows}
    values["mean_rows_requisitions"] = {r.requisition_id for r in rows}
    return values


def truth(candidate_id: int) -> dict:
    """What the debrief page's own loading path computes, in the snapshot's form."""
    candidate = load_candidate(candidate_id)
    values = snapshots.values_of(build_debrief(candidate, with_calibration=False).result)
    values["formula_version"] = scoring.FORMULA_VERSION
    values["requisition_id"] = candidate.requisition_id
    values["mean_rows"] = dict(values["dimension_means"])
    values["mean_rows_requisitions"] = {candidate.requisition_id} if values["mean_rows"] \
        else set()
    return values


def assert_matches_debrief(candidate_ids) -> dict[int, dict]:
    """Every candidate's stored snapshot equals the debrief's numbers, field by field."""
    db.session.commit()  # ends the transaction and expires all: the debrief loads afresh
    expected = {cid: truth(cid) for cid in candidate_ids}
    db.session.commit()
    for cid, want in expected.items():
        got = stored(cid)
        assert got is not None, f"candidate {cid}: no snapshot"
        assert got == want, f"candidate {cid}: stored {got} != debrief {want}"
    return expected


def weights_of(template, *values) -> dict[int, float]:
    return {d.id: float(w) for d, w in zip(template.dimensions, values, strict=True)}


# ---------------------------------------------------------------------- hand-computed cases


def same_cards(candidate: Candidate, raters: list[User], dims: list[int]) -> None:
    """Three submitted scorecards, identical for every candidate this is used on:
    r0: d0=4 d1=1 d2=3 d5=2 (d3, d4 not assessed), overall 4 (Yes, strongly)
    r1: d0=3 d1=1, overall 3, one red flag
    r2: nothing assessed, overall 2 (an empty card: no evidence, but a vote)"""
    d0, d1, d2, d3, d4, d5 = dims
    card_on(interview_of(candidate, raters[0]), raters[0],
            {d0: 4, d1: 1, d2: 3, d3: None, d4: None, d5: 2}, overall=4)
    card_on(interview_of(candidate, raters[1]), raters[1],
            {d0: 3, d1: 1, d2: None, d3: None, d4: None, d5: None}, overall=3,
            flags=(FLAG[0],))
    card_on(interview_of(candidate, raters[2]), raters[2], dict.fromkeys(dims), overall=2)


FLAG: list[int] = []


def hand_expected(dims: list[int], weights: list[Fraction], settings: dict) -> dict:
    """The README's formulas for same_cards, written out: per person means, dimension
    means, composite over the assessed dimensions, 0-100 on the 1-4 scale, floored shown
    score, exact bands, quorum of people who assessed something, coverage of weight."""
    d0, d1, d2, d3, d4, d5 = range(6)
    means = {d0: Fraction(4 + 3, 2), d1: Fraction(1 + 1, 2), d2: Fraction(3), d5: Fraction(2)}
    top = sum(weights[d] * m for d, m in means.items())
    bottom = sum(weights[d] for d in means)
    composite = top / bottom if bottom else None
    score = None if composite is None else 100 * (composite - 1) / (4 - 1)
    thresholds = [Fraction(str(settings[k])) for k in ("strong_hire_at", "hire_at",
                                                        "lean_no_at")]
    places = max(next(p for p in range(7) if (t * 10 ** p).denominator == 1)
                 for t in thresholds)
    if score is None:
        band, shown = None, "\u2014"
    else:
        band = ("Strong hire" if score >= thresholds[0] else "Hire" if score >= thresholds[1]
                else "Lean no" if score >= thresholds[2] else "No hire")
        floored = Fraction(int(score * 10 ** places // 1), 10 ** places)
        shown = f"{float(floored):.{places}f}" if places else str(int(floored))
    coverage = bottom / sum(weights)
    enough = settings["quorum"] <= 2 and coverage >= Fraction(str(settings["min_coverage"]))
    return {
        "composite_100": None if score is None else float(score), "score_shown": shown,
        "band": band, "recommendation": band if enough and band else "Not enough evidence",
        "coverage": float(coverage),
        "coverage_shown": f"{int(coverage * 100 // 1)}%",
        "submitted": 3, "red_flags": 1, "needs_discussion": True, "split_vote": True,
        "votes": {"1": 0, "2": 1, "3": 1, "4": 1}, "contested": [],
        "ratings": {str(dims[d0]): [4.0, 3.0], str(dims[d1]): [1.0, 1.0],
                    str(dims[d2]): [3.0], str(dims[d3]): [], str(dims[d4]): [],
                    str(dims[d5]): [2.0]},
        "dimension_means": {str(dims[d]): float(m) for d, m in means.items()},
    }


def assert_hand(candidate_id: int, want: dict) -> None:
    got = stored(candidate_id)
    assert got is not None
    for key in ("composite_100", "score_shown", "band", "recommendation", "coverage",
                "coverage_shown", "submitted", "red_flags", "needs_discussion", "split_vote",
                "votes", "contested", "dimension_means"):
        assert got[key] == want[key], (key, got[key], want[key])
    assert {k: v["ratings"] for k, v in got["dimensions"].items()} == want["ratings"]
    assert got["mean_rows"] == want["dimension_means"]


def three_requisitions(people):
    """Three requisitions of one template, each scoring the same three scorecards
    differently (own weights, own decision settings), their candidates' ids interleaved,
    plus a requisition of another template; returns (reqs, candidates by req, hand values).
    The weights and settings are changed through the services before any scorecard exists,
    so the candidates have no snapshot yet."""
    template = template_of()
    dims = [d.id for d in template.dimensions]
    FLAG[:] = [next(s.id for s in template.signals if s.kind == "red_flag")]
    hm = people["hiring_manager"]
    r_default = requisition(people, "Default weights", template)
    r_custom = requisition(people, "Custom weights", template)
    r_single = requisition(people, "One dimension", template)
    other = requisition(people, "Other role", template_of("software-engineering-manager.json"))
    db.session.commit()
    custom_w = [50, 0, 25, 12.5, 12.5, 0]
    single_w = [0, 100, 0, 0, 0, 0]
    change_weights(r_custom, weights_of(template, *custom_w), "Execution first", hm)
    custom_s = {"strong_hire_at": 80, "hire_at": 62.5, "lean_no_at": 35, "quorum": 2,
                "min_coverage": 0.5}
    change_settings(r_custom, custom_s, "Small loops", hm)
    change_weights(r_single, weights_of(template, *single_w), "Only leadership", hm)
    raters = panel("rater", 3)
    by_req: dict[int, list[int]] = {r.id: [] for r in (r_default, r_custom, r_single, other)}
    candidates = []
    for k in range(4):  # ids interleave across the requisitions
        for req in (r_default, r_custom, r_single):
            c = candidate_in(req, f"Same Cards {req.id}-{k}")
            same_cards(c, raters, dims)
            candidates.append((req.id, c))
        o = candidate_in(other, f"Other Role {k}")
        odims = [d.id for d in other.template.dimensions]
        for i, rater in enumerate(raters):
            card_on(interview_of(o, rater), rater,
                    {d: 1 + (i + j + k) % 4 for j, d in enumerate(odims)}, overall=1 + i)
        candidates.append((other.id, o))
    db.session.commit()
    for rid, c in candidates:
        by_req[rid].append(c.id)
    hand = {
        r_default.id: hand_expected(dims, [Fraction(w) for w in (20, 25, 20, 20, 10, 5)],
                                    DEFAULTS),
        r_custom.id: hand_expected(dims, [Fraction(str(w)) for w in custom_w], custom_s),
        r_single.id: hand_expected(dims, [Fraction(w) for w in single_w], DEFAULTS),
    }
    return (r_default, r_custom, r_single, other), by_req, hand


def test_hand_values_of_the_three_requisitions_are_what_the_readme_says(app, people):
    """Sanity of the hand oracle itself (so the tests below attack the app, not a typo):
    the same three scorecards give 950/21 (Lean no band, not enough evidence: 2 people,
    70% coverage) with the default weights, 700/9 shown 77.7 (Hire, quorum 2, one decimal
    from the 62.5 threshold) with the custom ones, and 0 (No hire band) with all the weight
    on a dimension everyone rated 1."""
    (r_default, r_custom, r_single, _), _, hand = three_requisitions(people)
    assert hand[r_default.id]["composite_100"] == float(Fraction(950, 21))
    assert (hand[r_default.id]["score_shown"], hand[r_default.id]["band"],
            hand[r_default.id]["recommendation"], hand[r_default.id]["coverage_shown"]) == \
        ("45", "Lean no", "Not enough evidence", "70%")
    assert hand[r_custom.id]["composite_100"] == float(Fraction(700, 9))
    assert (hand[r_custom.id]["score_shown"], hand[r_custom.id]["recommendation"],
            hand[r_custom.id]["coverage_shown"]) == ("77.7", "Hire", "75%")
    assert (hand[r_single.id]["composite_100"], hand[r_single.id]["band"],
            hand[r_single.id]["recommendation"], hand[r_single.id]["coverage_shown"]) == \
        (0.0, "No hire", "Not enough evidence", "100%")


@pytest.mark.parametrize("how", ["stale", "everything", "requisition", "candidate"])
def test_one_refresh_batch_scores_each_candidate_with_its_own_requisition(app, people, how):
    """Identical scorecards on three requisitions of one template (different weight
    adjustments, one with its own decision settings) and a fourth of another template, all
    refreshed together (one batch), or per requisition / per candidate. If this failed, a
    batch would score candidates with another requisition's weights, settings or template
    (the requisition map of _scoring_inputs keyed wrongly, a weight_changes collection
    shared or left stale), and lists would rank candidates by a formula their requisition
    does not use."""
    reqs, by_req, hand = three_requisitions(people)
    everyone = [cid for ids in by_req.values() for cid in ids]
    assert all(stored(cid) is None for cid in everyone)
    if how == "stale":
        assert snapshots.refresh_now() == len(everyone)
    elif how == "everything":
        assert snapshots.refresh_now(everything=True) == len(everyone)
    elif how == "requisition":
        for req in reversed(reqs):
            snapshots.refresh_requisition(req.id)
        db.session.commit()
    else:
        for cid in reversed(everyone):
            snapshots.refresh([cid])
        db.session.commit()
    assert_matches_debrief(everyone)
    for rid, want in hand.items():
        for cid in by_req[rid]:
            assert_hand(cid, want)


def test_weight_and_settings_changes_after_submissions_refresh_only_their_requisition(
        app, people):
    """After the snapshots exist, the custom requisition's weights go back to the
    template's and its settings to the defaults (through the services): its candidates must
    now score exactly like the default requisition's (950/21, not enough evidence) and the
    other requisitions' snapshots must not move. If this failed, a weight or settings change
    would leave stale numbers (or recompute with the old adjustments still loaded)."""
    (r_default, r_custom, r_single, other), by_req, hand = three_requisitions(people)
    snapshots.refresh_now(everything=True)
    before = {cid: stored(cid) for ids in by_req.values() for cid in ids}
    template = r_custom.template
    hm = people["hiring_manager"]
    assert change_weights(r_custom, weights_of(template, 20, 25, 20, 20, 10, 5),
                          "Back to the role's weights", hm) == 6
    change_settings(r_custom, dict(DEFAULTS), "Back to defaults", hm)
    assert_matches_debrief([cid for ids in by_req.values() for cid in ids])
    for cid in by_req[r_custom.id]:
        assert_hand(cid, hand[r_default.id])
    for rid in (r_default.id, r_single.id, other.id):
        for cid in by_req[rid]:
            now = stored(cid)
            assert now == before[cid]


# ---------------------------------------------------------------------- many candidates


MANY = 250  # two batches of snapshots.BATCH (200): one boundary crossed


def test_batches_past_200_with_empty_draft_and_foreign_scorecards(app, people):
    """250 candidates (two batches of 200) on two requisitions with different weights,
    ids interleaved: some with no interview, some with drafts only, some whose only
    submitted scorecard is by someone who is not the interview's interviewer (never counted,
    on the page nor in the snapshot), some with a submitted and a draft card, the rest with
    full panels and "not assessed" gaps. If this failed, a batch boundary would drop or
    mix candidates, a foreign or draft scorecard would be counted, or a candidate without
    scorecards would get a wrong (or no) snapshot / mean rows."""
    template = template_of()
    dims = [d.id for d in template.dimensions]
    hm = people["hiring_manager"]
    a = requisition(people, "Batch A", template)
    b = requisition(people, "Batch B", template)
    db.session.commit()
    change_weights(b, weights_of(template, 5, 10, 0, 40, 40, 5), "Ops role", hm)
    change_settings(b, {"strong_hire_at": 75.5, "hire_at": 55, "lean_no_at": 30,
                        "quorum": 2, "min_coverage": 0.6}, "Ops role", hm)
    raters = panel("batch", 3)
    flags = [s.id for s in template.signals if s.kind == "red_flag"]
    outsider = people["interviewer2"]
    ids = []
    for c in range(MANY):
        candidate = candidate_in(a if c % 2 else b, f"Batch {c:03d}")
        kind = c % 6
        when = WHEN + timedelta(hours=c)
        if kind == 1:  # drafts only
            for i, rater in enumerate(raters[:2]):
                card_on(interview_of(candidate, rater, when), rater,
                        {d: 1 + (c + i) % 4 for d in dims}, status="draft")
        elif kind == 2:  # only a foreign scorecard is submitted
            interview = interview_of(candidate, raters[0], when)
            card_on(interview, outsider, {d: 4 for d in dims}, overall=4)
        elif kind == 3:  # one submitted, one draft, one foreign
            first = interview_of(candidate, raters[0], when)
            card_on(first, raters[0], {d: 1 + (c + k) % 4 for k, d in enumerate(dims)},
                    overall=2)
            card_on(first, outsider, {d: 1 for d in dims}, overall=1, flags=(flags[4],))
            card_on(interview_of(candidate, raters[1], when), raters[1],
                    {d: 4 for d in dims}, status="draft")
        elif kind in (4, 5):  # a full panel, gaps, the hm twice at the same time
            for i, rater in enumerate([*raters, hm, hm]):
                ratings = {d: (None if (c + i + k) % 5 == 0 else 1 + (c * 7 + i * 3 + k) % 4)
                           for k, d in enumerate(dims)}
                card_on(interview_of(candidate, rater, when), rater, ratings,
                        overall=1 + (c + i) % 4, flags=(flags[i],) if (c + i) % 7 == 0 else ())
        # kind 0: no interview at all
        ids.append(candidate)
    db.session.commit()
    ids = [c.id for c in ids]
    assert snapshots.refresh_now() == MANY  # none had a snapshot yet
    expected = assert_matches_debrief(ids)
    assert sum(1 for v in expected.values() if v["composite_100"] is None) >= 3 * MANY // 6
    assert db.session.scalar(select(db.func.count()).select_from(DimensionMean)) == \
        sum(len(v["dimension_means"]) for v in expected.values())
    # foreign and draft scorecards are never counted
    for cid, values in expected.items():
        kind = (ids.index(cid)) % 6
        if kind in (0, 1, 2):
            assert values["submitted"] == 0 and values["composite_100"] is None
        if kind == 3:
            assert values["submitted"] == 1 and values["red_flags"] == 0
    # everything again, over rows that now exist (updated, mean rows replaced)
    assert snapshots.refresh_now(everything=True) == MANY
    assert_matches_debrief(ids)


# ---------------------------------------------------------------------- through the services

DIMS: list[int] = []


def _input(ratings: dict[int, int | None], overall: int) -> ScorecardInput:
    return ScorecardInput(ratings={d: (r, EVIDENCE) for d, r in ratings.items()},
                          overall=overall)


def test_submissions_amendment_foreign_card_and_zero_weight_through_the_services(
        app, people, loop):
    """The loop fixture through the services: iv@ and hm@ submit, iv2@ (not the
    interviewer) submits a scorecard on iv@'s interview, iv@ amends, then a weight goes to 0.
    After each step the snapshot equals the debrief, and at the end the hand value: weights
    0/40/20/20/10/10, means 2, 2, 1, 2, 3, 3 -> composite 2 -> 100/3 -> "33", No hire
    (3 assessors, full coverage). Reassigning an interview that has a scorecard is refused.
    If this failed, an amendment or a weight change would leave a stale snapshot, or the
    foreign scorecard would count."""
    template = loop["template"]
    d = [x.id for x in template.dimensions]
    candidate, iv, hm, iv2 = (loop["candidate"], people["interviewer"],
                              people["hiring_manager"], people["interviewer2"])
    cid = candidate.id
    card = get_or_create(loop["interview"], iv)
    save(card, _input({d[0]: 4, d[1]: 2}, 4), card.lock_version, submit=True)
    assert_matches_debrief([cid])
    hm_card = get_or_create(loop["hm_interview"], hm)
    save(hm_card, _input({d[2]: 1, d[3]: 2}, 1), hm_card.lock_version, submit=True)
    assert_matches_debrief([cid])
    foreign = get_or_create(db.session.get(Interview, loop["interview"].id), iv2)
    save(foreign, _input({x: 4 for x in d}, 4), foreign.lock_version, submit=True)
    values = assert_matches_debrief([cid])[cid]
    assert values["submitted"] == 3  # peer, iv, hm: not iv2's card on iv's interview
    with pytest.raises(Invalid):
        interview = db.session.get(Interview, loop["interview"].id)
        update_interview(interview, InterviewInput(
            interviewer_id=iv2.id, kind=interview.kind, scheduled_at=interview.scheduled_at,
            focus=[x.id for x in interview.focus]), actor=people["admin"])
    db.session.rollback()
    assert db.session.get(Interview, loop["interview"].id).interviewer_id == iv.id
    assert stored(cid) == values
    card = db.session.get(Scorecard, card.id)
    amend(card, _input({d[0]: 2, d[1]: 2}, 4), "Misread my notes", iv, card.lock_version)
    values = assert_matches_debrief([cid])[cid]
    # default weights 20/25/20/20/10/5: (40 + 50 + 20 + 40 + 30 + 15) / 100 = 1.95
    assert values["composite_100"] == float(Fraction(100) * (Fraction(195, 100) - 1) / 3)
    change_weights(db.session.get(Requisition, loop["requisition"].id),
                   weights_of(template, 0, 40, 20, 20, 10, 10), "Execution is trained", hm)
    values = assert_matches_debrief([cid])[cid]
    assert values["composite_100"] == float(Fraction(100, 3))
    assert (values["score_shown"], values["recommendation"], values["coverage_shown"]) == \
        ("33", "No hire", "100%")
    assert values["needs_discussion"] and values["split_vote"]
    assert values["dimension_means"][str(d[0])] == 2.0  # weight 0: still a mean row
    # the other requisition's candidate was never touched by any of this
    other = stored(loop["other_candidate"].id)
    assert other["requisition_id"] == loop["other_requisition"].id
    assert_matches_debrief([loop["other_candidate"].id])


def test_all_weight_on_unassessed_dimensions(app, people, loop):
    """Only the peer's dimensions (4, 5) are rated; the weights then put everything on
    dimensions 0-3 (weights 4 and 5 to 0): the composite is undefined (None, shown as a
    dash), coverage 0%, not enough evidence, but the means are still stored. If this failed,
    a zero-weight denominator would be stored as 0 or crash the refresh."""
    template = loop["template"]
    change_weights(db.session.get(Requisition, loop["requisition"].id),
                   weights_of(template, 25, 25, 25, 25, 0, 0), "Focus on the core",
                   people["hiring_manager"])
    values = assert_matches_debrief([loop["candidate"].id])[loop["candidate"].id]
    assert values["composite_100"] is None and values["score_shown"] == "\u2014"
    assert values["coverage_shown"] == "0%" and values["band"] is None
    assert values["recommendation"] == "Not enough evidence"
    assert len(values["mean_rows"]) == 2


def test_one_person_two_interviews_at_the_same_time(app, people):
    """P has two interviews at the same scheduled_at (3 and 4 on the first dimension), Q one
    (1), created after P: P's voice is 7/2, the dimension mean (7/2 + 1)/2 = 9/4 shown
    "2.25", spread 5/2 shown "2.5" (contested), ratings list [3.5, 1.0] (by interviewer id),
    score 100 (9/4 - 1)/3 = 125/3 shown "41", Lean no, coverage 20%. If this failed, the
    equal-time ordering or one-person-one-voice would differ between the stored rows and the
    page (or the ratings list would be in another order)."""
    template = template_of()
    d0 = template.dimensions[0].id
    req = requisition(people, "Twice", template)
    p, q = panel("twice", 2)
    c = candidate_in(req, "Twice Seen")
    card_on(interview_of(c, q, WHEN + timedelta(hours=1)), q, {d0: 1}, overall=1)
    card_on(interview_of(c, p), p, {d0: 3}, overall=3)
    card_on(interview_of(c, p), p, {d0: 4}, overall=4)
    db.session.commit()
    snapshots.refresh([c.id])
    values = assert_matches_debrief([c.id])[c.id]
    dim = values["dimensions"][str(d0)]
    assert dim == {"mean": 2.25, "mean_shown": "2.25", "spread_shown": "2.5", "count": 2,
                   "ratings": [3.5, 1.0]}
    assert values["composite_100"] == float(Fraction(125, 3))
    assert (values["score_shown"], values["band"], values["coverage_shown"],
            values["submitted"]) == ("41", "Lean no", "20%", 3)
    assert values["contested"] == [template.dimensions[0].name]
    assert values["votes"] == {"1": 1, "2": 0, "3": 1, "4": 1}


# ---------------------------------------------------------------------- stale sessions


def test_refresh_in_a_session_holding_stale_requisition_objects(app, people, backend):
    """This session loads the custom requisition (its weight adjustments, settings,
    template) and keeps the objects; another session (its own app context and connection)
    then changes the weights and settings through the services and commits. A refresh here
    afterwards (and the page's unstored computation, snapshots.current) must use what is
    committed, not the objects this session still holds. PostgreSQL: this session's
    transaction stays open (read committed); SQLite (one writer at a time): the objects are
    kept across a commit that does not expire them. If this failed, a refresh running in a
    long session would overwrite the right snapshot with numbers from old weights."""
    (r_default, r_custom, _, _), by_req, hand = three_requisitions(people)
    snapshots.refresh_now(everything=True)
    template = r_custom.template
    held = db.session.get(Requisition, r_custom.id)
    assert len(held.weight_changes) == 6 and held.settings["quorum"] == 2
    assert len(held.template.dimensions) == 6
    hm_id = people["hiring_manager"].id
    reset = weights_of(template, 20, 25, 20, 20, 10, 5)
    session = db.session()
    if backend == "sqlite":
        session.expire_on_commit = False
        db.session.commit()
    try:
        with app.app_context():  # another session, another connection
            other = db.session.get(Requisition, r_custom.id)
            hm = db.session.get(User, hm_id)
            change_weights(other, reset, "Reset", hm)
            change_settings(other, dict(DEFAULTS), "Reset", hm)
            db.session.remove()
        # this session still holds the old adjustments and settings
        assert len(held.__dict__["weight_changes"]) == 6 and held.__dict__["settings"][
            "quorum"] == 2
        cid = by_req[r_custom.id][0]
        snapshots.refresh([cid])
        mine = {c.id: s for c, s in [(c, db.session.get(ScoreSnapshot, c.id))
                                     for c in [db.session.get(Candidate, cid)]]}
        mine[cid].formula_version = -1  # as if stale: current() computes it now
        db.session.flush()
        shown = snapshots.current([db.session.get(Candidate, cid)], mine)[cid]
        computed = {k: getattr(shown, k) for k in ("composite_100", "score_shown",
                                                   "recommendation", "coverage")}
        mine[cid].formula_version = scoring.FORMULA_VERSION
        db.session.commit()
    finally:
        session.expire_on_commit = True
    want = hand[r_default.id]
    assert computed == {k: want[k] for k in computed}
    assert_matches_debrief(by_req[r_custom.id])
    for c in by_req[r_custom.id]:
        assert_hand(c, want)


# ---------------------------------------------------------------------- erasure


def test_erasure_keeps_the_scores_and_a_full_refresh_agrees(app, people):
    """Erasure anonymises in place: submitted ratings, votes and flags stay (texts go). The
    snapshot before, after, and after `snapshots refresh --all` must be the same numbers, and
    equal the debrief of the erased candidate. If this failed, a refresh after an erasure
    would wipe or change an erased candidate's stored scores (or read the blanked notes)."""
    (_, r_custom, _, _), by_req, hand = three_requisitions(people)
    snapshots.refresh_now(everything=True)
    cid = by_req[r_custom.id][1]
    # an unsubmitted draft of the same candidate goes with the erasure
    c = db.session.get(Candidate, cid)
    extra = panel("draft", 1)[0]
    card_on(interview_of(c, extra), extra, {c.requisition.template.dimensions[0].id: 1},
            status="draft")
    db.session.commit()
    before = stored(cid)
    erase(cid, reason="Asked to be forgotten", confirm=str(cid), actor=people["admin"],
          legal_basis="Consent withdrawn; no claim pending")
    assert db.session.get(Candidate, cid).erased
    assert stored(cid) == before
    snapshots.refresh_now(everything=True)
    assert stored(cid) | {"formula_version": 0} == before | {"formula_version": 0}
    assert_matches_debrief([cid])
    assert_hand(cid, hand[r_custom.id])


# ---------------------------------------------------------------------- the pages


def _compare_rows(html: str) -> dict[str, tuple[str, str, str]]:
    """Candidate name -> (score shown, recommendation, coverage) from the compare page."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        name = re.search(r"<bdi>(.*?)</bdi>", row)
        score = re.search(r'<td class="num composite">(.*?)</td>\s*<td>(.*?)(?: <|</td>)', row)
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        if name and score:
            rows[name.group(1)] = (score.group(1), score.group(2), cells[-2])
    return rows


def test_pages_show_the_debrief_numbers(app, people):
    """Compare page (every page of it), requisition page and each debrief page, through
    the test client as an admin (blind to nobody): the score, recommendation and coverage
    listed for each candidate are the debrief page's own. One requisition's snapshots are
    then made stale with wrong numbers (an older formula version): the pages must compute
    them afresh, not show the stored ones. If this failed, a list would rank or label a
    candidate differently from their debrief."""
    reqs, by_req, hand = three_requisitions(people)
    snapshots.refresh_now(everything=True)
    names = {c.id: c.name for c in db.session.scalars(select(Candidate))}
    admin, _ = client_for(app, "admin")

    def check(req):
        expected = {}
        for cid in by_req[req.id]:
            html = admin.get(f"/candidates/{cid}/debrief").get_data(as_text=True)
            rec = re.search(r'<p class="rec-value">(.*?)\s*(?:<span class="rec-score">'
                            r"(.*?)/100|</p>)", html, re.S)
            expected[names[cid]] = (rec.group(2) or "\u2014", rec.group(1).strip())
        html = admin.get(f"/requisitions/{req.id}/compare").get_data(as_text=True)
        rows = _compare_rows(html)
        assert {n: v[:2] for n, v in rows.items()} == expected, req.title
        detail = admin.get(f"/requisitions/{req.id}").get_data(as_text=True)
        for name, (score, recommendation) in expected.items():
            assert re.search(re.escape(name) + r"</bdi></a></td>(?:(?!</tr>).)*?<td class=\"num\">"
                             + re.escape(score) + r"</td><td>" + re.escape(recommendation),
                             detail, re.S), (req.title, name)
        return rows

    for req in reqs:
        rows = check(req)
        if req.id in hand:
            want = hand[req.id]
            assert set(rows.values()) == {(want["score_shown"], want["recommendation"],
                                           want["coverage_shown"])}
    db.session.execute(ScoreSnapshot.__table__.update()
                       .where(ScoreSnapshot.requisition_id == reqs[1].id)
                       .values(formula_version=-1, score_shown="999", recommendation="Stale",
                               coverage_shown="1%", composite_100=999.0))
    db.session.execute(delete(DimensionMean).where(DimensionMean.requisition_id == reqs[1].id))
    db.session.commit()
    rows = check(reqs[1])
    assert "999" not in {v[0] for v in rows.values()}
