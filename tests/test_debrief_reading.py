"""Issue 15, the debrief a hiring manager reads: the shown score never contradicts the band,
agreement in words, the chart draws a mean at the scale's floor, case-study notes, and the
comparison's per-dimension columns, written-out votes and sortable columns."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from hiring.core import scoring
from hiring.core.wording import VERDICTS, agreement_words
from hiring.extensions import db
from hiring.models import Interview, Scorecard, ScorecardRating
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.test_debrief import big_loop


def test_agreement_words_follow_the_number_as_shown():
    assert agreement_words("50%") == "Interviewers partly agreed"
    assert agreement_words("86%") == "Interviewers mostly agreed"
    assert agreement_words("90%") == "Interviewers largely agreed"
    assert agreement_words("89.5%") == "Interviewers mostly agreed"
    assert agreement_words("75%") == "Interviewers mostly agreed"
    assert agreement_words("49%") == "Interviewers often disagreed"
    assert agreement_words("0%") == "Interviewers often disagreed"
    assert agreement_words(None) is None and agreement_words("") is None


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_every_shown_share_gets_words_in_order(close, pairs):
    close = min(close, pairs)
    shown = f"{100 * close / pairs:.0f}%"
    order = [words for _, words in VERDICTS]
    assert agreement_words(shown) in order
    # more agreement never reads as less
    higher = agreement_words(f"{min(100, 100 * close / pairs + 10):.0f}%")
    assert order.index(higher) <= order.index(agreement_words(shown))


def _chart(app, result) -> str:
    module = app.jinja_env.get_template("macros/chart.html").make_module()
    return str(module.dimension_chart(result))


def test_chart_draws_a_mean_at_the_scale_floor_with_a_legend(app):
    dims = [scoring.DimensionSpec(1, "Floor", 50.0), scoring.DimensionSpec(2, "Top", 50.0)]
    cards = [scoring.Scorecard(i, f"I{i}", ((1, 1), (2, 4))) for i in range(3)]
    result = scoring.evaluate(dims, cards, (1, 4))
    svg = _chart(app, result)
    widths = [float(w) for w in re.findall(r'<rect x="200" y="\d+" width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] > 0 and widths[1] > 3 * widths[0]
    for legend in ("mean rating", "spread (lowest–highest)", "one interviewer", "weight"):
        assert legend in svg
    assert "Floor: mean 1.00 from 3 interviewers" in svg and "weight 50%" in svg
    assert 'role="img"' in svg and "<desc" in svg


def test_case_study_notes_reach_the_debrief(app, loop):
    interview = loop["interview"]
    card = get_or_create(interview, interview.interviewer)
    notes = "Chose to cut scope to the payment retry path first; explained the risk."
    evidence = "Described the plan, the trade-off and the metrics used to judge it."
    save(card, ScorecardInput(ratings={d.id: (3, evidence) for d in interview.focus},
                              overall=3, case_notes=notes), card.lock_version, submit=True)
    hm_interview = loop["hm_interview"]
    hm_card = get_or_create(hm_interview, hm_interview.interviewer)
    save(hm_card, ScorecardInput(ratings={d.id: (3, evidence) for d in hm_interview.focus},
                                 overall=3), hm_card.lock_version, submit=True)
    client, _ = client_for(app, "hiring_manager")
    html = client.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
    section = html[html.index('id="case-notes-h"'):html.index('id="evidence-h"')]
    assert notes in section and interview.case_study.title in section


def test_agreement_is_explained_next_to_the_number(app, loop):
    # the peer rated the last dimensions 3; the hiring manager rates the same ones 1 and 4:
    # pairs (3, 1) apart, (3, 4) within one point -> 1 of 2 pairs, 50%, "partly agreed".
    # The manager must also rate their own focus (the service requires it); nobody else
    # rated those dimensions, so they add no pair.
    shared = loop["template"].dimensions[4:6]
    evidence = "Gave a specific example with the numbers and what they would change."
    hm_interview = loop["hm_interview"]
    own = {d.id: (2, evidence) for d in hm_interview.focus}
    hm_card = get_or_create(hm_interview, hm_interview.interviewer)
    save(hm_card, ScorecardInput(ratings={**own, shared[0].id: (1, evidence),
                                          shared[1].id: (4, evidence)}, overall=3),
         hm_card.lock_version, submit=True)
    client, _ = client_for(app, "hiring_manager")
    html = client.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
    block = html[html.index('id="agree-h"'):]
    assert ("Interviewers partly agreed: 50% of ratings within one point of each other"
            in block)
    assert "1 of 2 pairs of interviewers" in block


def test_comparison_has_a_column_per_dimension_votes_in_words_and_sorts(app, people):
    made = big_loop(people, 3, candidates=3)
    db.session.commit()
    requisition = made[0].requisition
    dims = requisition.template.dimensions
    client, _ = client_for(app, "hiring_manager")
    url = f"/requisitions/{requisition.id}/compare"
    html = client.get(url).get_data(as_text=True)
    for dim in dims:
        assert f"sort=dim-{dim.id}" in html and dim.name in html
    assert "SN/N/Y/SY" not in html
    assert re.search(r">\d (Strong yes|Yes|No|Strong no)<", html)
    assert 'aria-sort="descending"' in html  # the default: composite, highest first

    def order(**query):
        page = client.get(url, query_string=query).get_data(as_text=True)
        return re.findall(r"<bdi>(Big Candidate \d)</bdi>", page), page

    by_name, page = order(sort="name")
    assert by_name == ["Big Candidate 0", "Big Candidate 1", "Big Candidate 2"]
    assert 'aria-sort="ascending"' in page
    assert order(sort="name", dir="desc")[0] == list(reversed(by_name))
    first = dims[0]
    means = {}
    for candidate in made:  # the oracle: the database's own average of the stored ratings
        means[candidate.name] = float(db.session.scalar(
            select(func.avg(ScorecardRating.rating)).join(Scorecard).join(Interview)
            .where(Interview.candidate_id == candidate.id,
                   ScorecardRating.dimension_id == first.id)))
    ascending, _ = order(sort=f"dim-{first.id}", dir="asc")
    assert [means[n] for n in ascending] == sorted(means.values())
    # unknown or hostile sort values fall back to the ranking, never an error
    for bad in ("dim-99999999999999999999", "drop table", "dim-"):
        response = client.get(url, query_string={"sort": bad, "dir": "sideways"})
        assert response.status_code == 200
