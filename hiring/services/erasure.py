"""Erasing a candidate (GDPR Art. 17) and purging what the retention policy no longer keeps.

Both anonymise in place, in one transaction per candidate: the personal data and every
free text go; counts, dates, stages, the decision and the ratings stay (interviewer
calibration needs them) under an opaque id. Files and other stores outside the database
are cleaned after the commit, so a failure part-way leaves the candidate untouched.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import Candidate, Interview, LegalHold, Notification, Requisition, User
from ..policy_rules import blind_candidate_ids, blinded
from . import erasure_outside as outside
from .retention import (
    RetentionRefused,
    clean_reason,
    known_id,
    now,
    policy,
    redact,
    status,
)

log = logging.getLogger(__name__)

@dataclass
class Erasure:
    candidate_id: int
    opaque_id: str
    counts: dict[str, int] = field(default_factory=dict)


def _load(candidate_id: int) -> Candidate | None:
    """The candidate, locked against a concurrent erasure or purge, with what it owns."""
    if not known_id(candidate_id):
        return None
    return db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id)
        .options(selectinload(Candidate.interviews).selectinload(Interview.scorecards),
                 selectinload(Candidate.decisions))
        .with_for_update(of=Candidate).execution_options(populate_existing=True))


def _blank(value):
    """A scorecard snapshot with every text emptied and its shape, ids and ratings kept
    (the amendment history still shows which score changed)."""
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(item) for item in value]
    return "" if isinstance(value, str) else value


def _redact_email_log(candidate: Candidate, people) -> None:
    """Email subjects in the notification log name the candidate (issue 14)."""
    subjects = ([f"candidate:{candidate.id}"] + [f"interview:{i.id}" for i in candidate.interviews]
                + [f"decision:{d.id}" for d in candidate.decisions])
    for row in db.session.scalars(select(Notification).where(Notification.subject.in_(subjects))):
        row.title = redact(row.title, people)


def _anonymise(candidate: Candidate, when: datetime) -> Erasure:
    """Everything in one transaction; flushed in steps, so a failure at any step (tests
    inject one through a flush hook) must roll all of it back."""
    people = [(candidate.name, candidate.email)]
    counts = {"scorecards_kept": 0, "drafts_deleted": 0, "evidence_removed": 0,
              "amendments_cleared": 0, "decisions_kept": 0, "holds_redacted": 0}
    for interview in candidate.interviews:
        for card in list(interview.scorecards):
            if card.status != "submitted":
                db.session.delete(card)  # ratings, signals, flags go with it (cascade)
                counts["drafts_deleted"] += 1
                continue
            counts["scorecards_kept"] += 1
            card.case_notes = card.other_concern = ""
            for rating in card.ratings:
                counts["evidence_removed"] += bool(rating.evidence)
                rating.evidence = ""  # the rating itself stays: calibration needs it
            for flag in card.red_flags:
                flag.note = ""
            for amendment in card.amendments:
                amendment.reason = ""
                amendment.before, amendment.after = _blank(amendment.before), _blank(
                    amendment.after)
                counts["amendments_cleared"] += 1
    db.session.flush()
    for decision in candidate.decisions:
        decision.rationale = ""
        counts["decisions_kept"] += 1
    for hold in db.session.scalars(select(LegalHold).where(
            LegalHold.candidate_id == candidate.id)):
        hold.reason, hold.lift_reason = redact(hold.reason, people), redact(
            hold.lift_reason, people)
        counts["holds_redacted"] += 1
    db.session.flush()
    counts.update(outside.count(candidate.id))  # removed after the commit
    outside.in_transaction(candidate.id)
    opaque = secrets.token_hex(8)
    candidate.name = f"Erased candidate {opaque}"
    candidate.email = candidate.notes = candidate.materials_url = ""
    _redact_email_log(candidate, people)
    candidate.erased_at, candidate.opaque_id = when, opaque
    db.session.flush()
    return Erasure(candidate.id, opaque, counts)


def _clean_outside(erasure: Erasure) -> None:
    outside.clean(erasure.candidate_id)


def _check_confirmation(candidate: Candidate, confirm: str | None) -> None:
    typed = (confirm or "").strip()
    if typed != str(candidate.id) and typed.casefold() != candidate.name.strip().casefold():
        raise RetentionRefused(f"confirmation does not match: type the candidate's id "
                               f"({candidate.id}) or full name")


def erase(candidate_id: int, *, reason: str, confirm: str | None, actor: User | None,
          legal_basis: str = "", via: str = "web") -> Erasure:
    """Erase one candidate on request. Refused while a legal hold applies, and while the
    retention period runs unless `legal_basis` records why an exception is lawful."""
    reason = clean_reason(reason, "a reason for the erasure")
    legal_basis = clean_reason(legal_basis, "the legal basis") if (legal_basis or "").strip() \
        else ""
    when = now()
    try:
        candidate = _load(candidate_id)
        if candidate is None:
            raise RetentionRefused(f"no candidate with id {candidate_id}")
        _check_confirmation(candidate, confirm)
        if candidate.erased:
            raise RetentionRefused(f"candidate {candidate.id} was already erased on "
                                   f"{candidate.erased_at:%Y-%m-%d}")
        state = status(candidate)
        if state.held:
            hold = state.holds[0]
            subject = "it" if hold.candidate_id else f"requisition {hold.requisition_id}"
            raise RetentionRefused(f"candidate {candidate.id} is under legal hold #{hold.id} "
                                   f"on {subject}; lift the hold first")
        if actor is not None and blinded(actor, candidate) and not legal_basis:
            # a final decision restarts the clock: whether (and until when) the period runs
            # would tell an admin who still owes a scorecard what the decision is
            raise RetentionRefused(
                f"you still owe your scorecard on candidate {candidate.id}, so whether it is "
                "within the retention period is not shown to you; record the legal basis "
                "for an exception, or ask another admin")
        if not state.expired(when) and not legal_basis:
            period = f"until {state.ends_at:%Y-%m-%d}" if state.ends_at else \
                f"and its clock has not started ({state.why})"
            raise RetentionRefused(f"candidate {candidate.id} is within the retention period "
                                   f"{period}; record the legal basis for an exception")
        people = [(candidate.name, candidate.email)]
        erasure = _anonymise(candidate, when)
        audit.record("candidate_erased", actor=actor, actor_email=via,
                     target=f"candidate:{candidate.id}",
                     details={"opaque_id": erasure.opaque_id, "counts": erasure.counts,
                              "reason": redact(reason, people),
                              "legal_basis": redact(legal_basis, people),
                              "retention_expired": state.expired(when)})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _clean_outside(erasure)
    return erasure


# ---------------------------------------------------------------------- purge


@dataclass(frozen=True)
class Due:
    candidate_id: int
    requisition_id: int
    why: str


def due(when: datetime | None = None, *, hidden_from: User | None = None) -> list[Due]:
    """Candidates whose retention period has ended, not erased and not held. Without the
    candidates `hidden_from` still owes a scorecard on: a final decision restarts the clock,
    so whether such a candidate is due would tell them the decision."""
    when = when or now()
    hidden = set(db.session.scalars(blind_candidate_ids(hidden_from))) \
        if hidden_from is not None else set()
    rule = policy()
    held_candidates = set(db.session.scalars(select(LegalHold.candidate_id).where(
        LegalHold.lifted_at.is_(None), LegalHold.candidate_id.is_not(None))))
    held_requisitions = set(db.session.scalars(select(LegalHold.requisition_id).where(
        LegalHold.lifted_at.is_(None), LegalHold.requisition_id.is_not(None))))
    candidates = db.session.scalars(
        select(Candidate).join(Requisition)
        .where(Candidate.erased_at.is_(None), Requisition.status == "closed")
        .options(selectinload(Candidate.decisions), selectinload(Candidate.requisition))
        .order_by(Candidate.id)).all()
    result = []
    for candidate in candidates:
        if (candidate.id in held_candidates or candidate.requisition_id in held_requisitions
                or candidate.id in hidden):
            continue
        state = status(candidate, rule, holds=())
        if state.expired(when):
            result.append(Due(candidate.id, candidate.requisition_id, state.why))
    return result


@dataclass
class Purge:
    dry_run: bool
    due: list[Due]
    erased: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def purge(*, dry_run: bool = False, actor: User | None = None, via: str = "cli") -> Purge:
    """Apply the policy: erase every candidate whose retention period has ended. Safe to run
    from cron, twice or at once: each candidate is re-checked under its row lock. A person
    (the web page) purges the candidates they were shown: not those they still owe a
    scorecard on (see `due`), which the next purge by someone else or by cron erases."""
    when = now()
    result = Purge(dry_run=dry_run, due=due(when, hidden_from=actor))
    db.session.rollback()  # the listing's snapshot; each erasure takes its own lock
    if dry_run:
        return result
    rule = policy()
    for item in result.due:
        try:
            candidate = _load(item.candidate_id)
            if candidate is None or candidate.erased:
                db.session.rollback()
                continue
            state = status(candidate, rule)
            if state.held or not state.expired(when):
                db.session.rollback()  # held or reopened since the listing
                continue
            erasure = _anonymise(candidate, when)
            audit.record("candidate_erased", actor=actor, actor_email=via,
                         target=f"candidate:{candidate.id}",
                         details={"opaque_id": erasure.opaque_id, "counts": erasure.counts,
                                  "reason": "retention period ended", "via": "purge"})
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        _clean_outside(erasure)
        result.erased.append(erasure.candidate_id)
        for key, value in erasure.counts.items():
            result.counts[key] = result.counts.get(key, 0) + value
    result.counts.update(sweep_leftovers())
    audit.record("retention_purge", actor=actor, actor_email=via, target="installation",
                 details={"retention_days": rule.days, "candidates_erased": len(result.erased),
                          "candidate_ids": result.erased, "counts": result.counts})
    db.session.commit()
    return result


def sweep_leftovers() -> dict[str, int]:
    """Retry the outside cleaning for erased candidates whose files survived (a failure
    after an earlier commit)."""
    ids = outside.leftovers()
    if not ids:
        return {}
    erased = db.session.scalars(select(Candidate.id).where(
        Candidate.id.in_(ids), Candidate.erased_at.is_not(None))).all()
    for candidate_id in erased:
        outside.clean(candidate_id)
    return {"leftovers_swept": len(erased)} if erased else {}
