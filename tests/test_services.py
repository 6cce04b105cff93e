"""The use cases' rules hold when the services are called directly (a script, the CLI, a
future API), without any form in front of them. Nothing is saved when a rule refuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import Decision, Requisition, Scorecard, User, WeightAdjustment
from hiring.services import decisions, loop_changes, requisitions, users
from hiring.services.errors import Invalid, NotAllowed
from hiring.services.scorecards import (
    ScorecardInput,
    ScorecardLocked,
    amend,
    get_or_create,
    save_draft,
    submit,
)

EVIDENCE = "Explained the rollout plan with numbers, owners and a fallback."


@pytest.fixture
def card(app, people, loop):
    return get_or_create(loop["interview"], people["interviewer"])


def complete(loop, **overrides) -> ScorecardInput:
    values = {"ratings": {d.id: (3, EVIDENCE) for d in loop["interview"].focus}, "overall": 3}
    values.update(overrides)
    return ScorecardInput(**values)


def refused_on(error: Invalid) -> set[str]:
    return set(error.errors)


def test_submit_needs_every_focus_rated_with_evidence_and_a_vote(card, loop):
    first, second = (d.id for d in loop["interview"].focus)
    data = ScorecardInput(ratings={first: (3, "too short")}, overall=None)
    with pytest.raises(Invalid) as refused:
        submit(card, data, card.lock_version)
    assert refused_on(refused.value) == {f"evidence_{first}", f"rating_{second}", "overall"}
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).status == "draft"
    assert db.session.get(Scorecard, card.id).ratings == []


def test_a_draft_may_be_incomplete_but_stays_on_the_scale(card, loop):
    first = loop["interview"].focus[0].id
    save_draft(card, ScorecardInput(ratings={first: (2, "")}), card.lock_version)
    with pytest.raises(Invalid) as refused:
        save_draft(card, ScorecardInput(ratings={first: (9, "")}), card.lock_version)
    assert refused.value.errors == {f"rating_{first}": [
        "Choose a rating from 1 to 4, or Not assessed."]}
    with pytest.raises(Invalid):
        save_draft(card, ScorecardInput(overall=0), card.lock_version)


def test_dimensions_and_signals_of_another_role_are_refused(card, loop):
    with pytest.raises(Invalid):
        save_draft(card, ScorecardInput(ratings={2**63 - 1: (3, EVIDENCE)}), card.lock_version)
    strong = loop["template"].signals_of("strong")[0].id
    with pytest.raises(Invalid):  # a strong signal is not a red flag
        save_draft(card, ScorecardInput(red_flags={strong: "x"}), card.lock_version)


def test_a_red_flag_needs_its_note_on_submit_and_text_has_limits(app, card, loop):
    flag = loop["template"].signals_of("red_flag")[0].id
    with pytest.raises(Invalid) as refused:
        submit(card, complete(loop, red_flags={flag: "  "}), card.lock_version)
    assert refused_on(refused.value) == {f"flag_note_{flag}"}
    too_long = "x" * (app.config["NOTE_MAX_LENGTH"] + 1)
    with pytest.raises(Invalid) as refused:
        save_draft(card, ScorecardInput(case_notes=too_long), card.lock_version)
    assert refused_on(refused.value) == {"case_notes"}
    with pytest.raises(Invalid):
        save_draft(card, ScorecardInput(other_concern="nul\x00byte"), card.lock_version)


def test_submitted_is_locked_and_amending_needs_a_reason_and_completeness(card, loop, people):
    submit(card, complete(loop), card.lock_version)
    with pytest.raises(ScorecardLocked):
        save_draft(card, complete(loop), card.lock_version)
    with pytest.raises(Invalid) as refused:
        amend(card, complete(loop, overall=4), " ", people["interviewer"], card.lock_version)
    assert refused_on(refused.value) == {"reason"}
    with pytest.raises(Invalid):
        amend(card, complete(loop, overall=None), "Changed my mind", people["interviewer"],
              card.lock_version)
    assert amend(card, complete(loop, overall=4), "Typo in the vote", people["interviewer"],
                 card.lock_version) is not None


def test_weights_need_one_above_zero_and_a_reason_when_they_change(loop, people):
    req = loop["requisition"]
    current = req.effective_weights()
    with pytest.raises(Invalid) as refused:
        requisitions.change_weights(req, dict.fromkeys(current, 0.0), "why not",
                                    people["admin"])
    assert refused.value.errors == {"rationale": ["At least one dimension needs a weight "
                                                  "above 0."]}
    changed = {**current, next(iter(current)): 50.0}
    with pytest.raises(Invalid):
        requisitions.change_weights(req, changed, "  ", people["admin"])
    with pytest.raises(Invalid):
        requisitions.change_weights(req, {**changed, 2**63 - 1: 1.0}, "x", people["admin"])
    assert db.session.scalar(select(func.count()).select_from(WeightAdjustment)) == 0
    assert requisitions.change_weights(req, changed, "Payments needs more delivery",
                                       people["admin"]) == 1


def test_loop_rules(loop, people):
    peer_interview, spare = loop["peer_interview"], loop["spare"]
    with pytest.raises(Invalid) as refused:  # peer@ has submitted on this interview
        loop_changes.update_interview(peer_interview, loop_changes.InterviewInput(
            interviewer_id=people["interviewer2"].id, kind="technical",
            scheduled_at=datetime(2026, 11, 20, 15, tzinfo=UTC), focus=[]),
            actor=people["admin"])
    assert refused_on(refused.value) == {"interviewer_id"}
    with pytest.raises(NotAllowed):
        loop_changes.remove_interview(peer_interview, actor=people["admin"])
    with pytest.raises(Invalid):  # a deactivated interviewer
        loop_changes.update_interview(spare, loop_changes.InterviewInput(
            interviewer_id=people["deactivated"].id, kind="other",
            scheduled_at=datetime(2026, 11, 20, 15, tzinfo=UTC), focus=[]),
            actor=people["admin"])
    with pytest.raises(Invalid):  # another role's dimension
        loop_changes.add_interview(loop["candidate"], loop_changes.InterviewInput(
            interviewer_id=people["interviewer2"].id, kind="other",
            scheduled_at=datetime(2026, 11, 20, 15, tzinfo=UTC), focus=[2**63 - 1]),
            actor=people["admin"])
    loop_changes.remove_interview(spare, actor=people["admin"])
    with pytest.raises(NotAllowed):  # no open interview left on the other candidate
        loop_changes.plan_loop(loop["other_candidate"], actor=people["admin"])


def test_requisitions_need_a_manager_and_a_template(loop, people):
    data = requisitions.RequisitionInput(title="EM", hiring_manager_id=people["interviewer"].id,
                                         template_id=loop["template"].id)
    with pytest.raises(Invalid) as refused:
        requisitions.create_requisition(data, actor=people["admin"])
    assert refused_on(refused.value) == {"hiring_manager_id"}
    data.hiring_manager_id, data.template_id = people["hiring_manager"].id, 2**63 - 1
    with pytest.raises(Invalid):
        requisitions.create_requisition(data, actor=people["admin"])
    assert db.session.scalar(select(func.count()).select_from(Requisition)) == 2  # the loop's


def test_decisions_and_settings(loop, people):
    candidate, req = loop["candidate"], loop["requisition"]
    with pytest.raises(Invalid):
        decisions.record_decision(candidate, "maybe", "Because", people["admin"])
    with pytest.raises(Invalid):
        decisions.record_decision(candidate, "hire", " ", people["admin"])
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    good = {"strong_hire_at": 80.0, "hire_at": 60.0, "lean_no_at": 35.0, "quorum": 3,
            "min_coverage": 0.8}
    with pytest.raises(Invalid) as refused:
        decisions.change_settings(req, {**good, "hire_at": 90.0}, "why", people["admin"])
    assert refused_on(refused.value) == {"hire_at"}
    with pytest.raises(Invalid):
        decisions.change_settings(req, good, "", people["admin"])
    decisions.change_settings(req, {**good, "quorum": 2}, "Small panel", people["admin"])
    assert req.settings["quorum"] == 2


def test_users_cannot_lock_themselves_out_or_share_an_email(people):
    admin = people["admin"]
    with pytest.raises(Invalid) as refused:
        users.update_user(admin, admin.email, admin.name, "interviewer", True, actor=admin)
    assert refused_on(refused.value) == {"role"}
    with pytest.raises(NotAllowed):
        users.deactivate_user(admin, admin)
    with pytest.raises(Invalid) as refused:
        users.create_user("IV@example.com ", "Twin", "interviewer", actor=admin)
    assert refused_on(refused.value) == {"email"}
    with pytest.raises(Invalid):
        users.create_user("new@example.com", "New", "superuser", actor=admin)
    assert db.session.scalar(select(func.count()).select_from(User)) == 5
