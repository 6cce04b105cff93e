"""Retention policy and legal holds: how long candidate records are kept, and what stops
them being purged or erased. docs/retention.md explains the rules and their legal basis."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import or_, select

from .. import audit
from ..core.vocabulary import FINAL_OUTCOMES
from ..extensions import db
from ..models import Candidate, InstallationSetting, LegalHold, Requisition, User
from ..models.base import utcnow

SETTING_KEY = "retention"
DEFAULT_DAYS = 365  # EEOC, 29 CFR 1602.14: at least one year
MAX_DAYS = 36500
REASON_MAX = 2000


MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger number names no row


def known_id(value: int) -> bool:
    """False for numbers no row can have (SQLite cannot even bind one above 2^63)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


class RetentionRefused(Exception):
    """A retention action is not allowed; the message is one line, for the user."""


@dataclass(frozen=True)
class Policy:
    days: int = DEFAULT_DAYS


@dataclass(frozen=True)
class Status:
    """Where one candidate stands. `ends_at` is None while the clock has not started."""

    candidate_id: int
    started_at: datetime | None
    ends_at: datetime | None
    why: str
    holds: tuple[LegalHold, ...]
    erased: bool

    def expired(self, now: datetime) -> bool:
        return self.ends_at is not None and now >= self.ends_at

    @property
    def held(self) -> bool:
        return bool(self.holds)


def now() -> datetime:
    """The retention clock. FIXED_NOW (an aware datetime) pins it, for tests and demos."""
    fixed = current_app.config.get("FIXED_NOW") if has_app_context() else None
    return fixed or utcnow()


# ---------------------------------------------------------------------- policy setting


def policy() -> Policy:
    row = db.session.get(InstallationSetting, SETTING_KEY)
    days = (row.value or {}).get("days") if row is not None else None
    return Policy(days=days if isinstance(days, int) and days > 0 else DEFAULT_DAYS)


def set_policy(days: int, actor: User | None, via: str = "web") -> Policy:
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise RetentionRefused(f"the retention period must be 1 to {MAX_DAYS} days")
    before = policy()
    row = db.session.get(InstallationSetting, SETTING_KEY)
    if row is None:
        row = InstallationSetting(key=SETTING_KEY, value={})
        db.session.add(row)
    row.value = {"days": days}
    row.changed_by_id = actor.id if actor is not None else None
    row.changed_at = utcnow()
    audit.record("retention_policy_changed", actor=actor, actor_email=via,
                 target="installation", details={"before_days": before.days,
                                                  "after_days": days})
    db.session.commit()
    return Policy(days=days)


# ---------------------------------------------------------------------- status


def final_decision_at(candidate: Candidate) -> datetime | None:
    decision = candidate.decision
    if decision is None or decision.decision not in FINAL_OUTCOMES:
        return None
    return decision.decided_at


def active_holds(candidate: Candidate) -> tuple[LegalHold, ...]:
    return tuple(db.session.scalars(select(LegalHold).where(
        LegalHold.lifted_at.is_(None),
        or_(LegalHold.candidate_id == candidate.id,
            LegalHold.requisition_id == candidate.requisition_id),
    ).order_by(LegalHold.id)))


def status(candidate: Candidate, rule: Policy | None = None,
           holds: tuple[LegalHold, ...] | None = None) -> Status:
    """Kept `days` after the later of the requisition's close and the candidate's final
    decision. An open requisition has not started the clock."""
    rule = rule or policy()
    holds = active_holds(candidate) if holds is None else holds
    requisition = candidate.requisition
    decided = final_decision_at(candidate)
    if requisition.status != "closed" or requisition.closed_at is None:
        return Status(candidate.id, None, None,
                      f"requisition {requisition.id} is {requisition.status_label.lower()}",
                      holds, candidate.erased)
    started, why = requisition.closed_at, f"requisition {requisition.id} closed"
    if decided is not None and decided > started:
        started, why = decided, f"final decision {candidate.decision.decision}"
    ends = started + timedelta(days=rule.days)
    why = f"{why} {started:%Y-%m-%d}, kept {rule.days} days until {ends:%Y-%m-%d}"
    return Status(candidate.id, started, ends, why, holds, candidate.erased)


def statuses(candidates: list[Candidate], rule: Policy | None = None) -> list[Status]:
    """The Status of each of `candidates` (a bounded list, such as one page, with their
    decisions and requisitions loaded), in order: one query for the holds in force on them
    or on their requisitions, however many candidates there are."""
    if not candidates:
        return []
    rule = rule or policy()
    ids = [c.id for c in candidates]
    requisition_ids = sorted({c.requisition_id for c in candidates})
    on_candidate: dict[int, list[LegalHold]] = {}
    on_requisition: dict[int, list[LegalHold]] = {}
    for hold in db.session.scalars(select(LegalHold).where(
            LegalHold.lifted_at.is_(None),
            or_(LegalHold.candidate_id.in_(ids),
                LegalHold.requisition_id.in_(requisition_ids))).order_by(LegalHold.id)):
        if hold.candidate_id is not None:
            on_candidate.setdefault(hold.candidate_id, []).append(hold)
        else:
            on_requisition.setdefault(hold.requisition_id, []).append(hold)
    return [status(c, rule, holds=(*on_candidate.get(c.id, ()),
                                   *on_requisition.get(c.requisition_id, ())))
            for c in candidates]


# ---------------------------------------------------------------------- legal holds


def redact(text: str, people: list[tuple[str, str]]) -> str:
    """`text` with the given (name, email) pairs replaced by "[candidate]", so a reason typed
    with a name in it does not put the name into the append-only audit log."""
    words: set[str] = set()
    for name, email in people:
        for word in [name, email, *re.findall(r"\w{3,}", name or "")]:
            if word and word.strip():
                words.add(word.strip())
    for word in sorted(words, key=len, reverse=True):  # whole name before its parts
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[candidate]", text,
                      flags=re.IGNORECASE)
    return text


def clean_reason(reason: str | None, what: str = "a reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionRefused(f"{what} is required")
    if "\x00" in reason:
        raise RetentionRefused(f"{what} contains a NUL character; remove it")
    if len(reason) > REASON_MAX:
        raise RetentionRefused(f"{what} is longer than {REASON_MAX} characters")
    return reason


def _subject(kind: str, subject_id: int) -> Candidate | Requisition:
    model = Candidate if kind == "candidate" else Requisition
    obj = db.session.get(model, subject_id, with_for_update=True) if known_id(
        subject_id) else None
    if obj is None:
        raise RetentionRefused(f"no {kind} with id {subject_id}")
    return obj


def _people_of(obj: Candidate | Requisition) -> list[tuple[str, str]]:
    candidates = [obj] if isinstance(obj, Candidate) else obj.candidates
    return [(c.name, c.email) for c in candidates if not c.erased]


def _holds_on(obj) -> list[LegalHold]:
    column = LegalHold.candidate_id if isinstance(obj, Candidate) else LegalHold.requisition_id
    return list(db.session.scalars(select(LegalHold).where(
        column == obj.id, LegalHold.lifted_at.is_(None)).order_by(LegalHold.id)))


def place_hold(kind: str, subject_id: int, reason: str, actor: User | None,
               via: str = "web") -> LegalHold:
    try:
        return _place_hold(kind, subject_id, clean_reason(reason), actor, via)
    except BaseException:
        db.session.rollback()  # releases the row lock
        raise


def _place_hold(kind: str, subject_id: int, reason: str, actor: User | None,
                via: str) -> LegalHold:
    obj = _subject(kind, subject_id)
    if isinstance(obj, Candidate) and obj.erased:
        raise RetentionRefused(f"candidate {obj.id} is erased; there is nothing left to hold")
    existing = _holds_on(obj)
    if existing:
        raise RetentionRefused(f"{kind} {obj.id} is already under legal hold "
                               f"#{existing[0].id} since {existing[0].placed_at:%Y-%m-%d}")
    hold = LegalHold(reason=reason, placed_by_id=actor.id if actor else None, placed_at=now(),
                     **{f"{kind}_id": obj.id})
    db.session.add(hold)
    db.session.flush()
    audit.record("legal_hold_placed", actor=actor, actor_email=via, target=f"{kind}:{obj.id}",
                 details={"hold": hold.id, "reason": redact(reason, _people_of(obj))})
    db.session.commit()
    return hold


def lift_hold(kind: str, subject_id: int, reason: str, actor: User | None,
              via: str = "web") -> list[LegalHold]:
    try:
        return _lift_hold(kind, subject_id, clean_reason(
            reason, "a reason for lifting the hold"), actor, via)
    except BaseException:
        db.session.rollback()
        raise


def _lift_hold(kind: str, subject_id: int, reason: str, actor: User | None,
               via: str) -> list[LegalHold]:
    obj = _subject(kind, subject_id)
    holds = _holds_on(obj)
    if not holds:
        raise RetentionRefused(f"{kind} {obj.id} has no legal hold to lift")
    for hold in holds:
        hold.lifted_at = now()
        hold.lifted_by_id = actor.id if actor else None
        hold.lift_reason = reason
    audit.record("legal_hold_lifted", actor=actor, actor_email=via, target=f"{kind}:{obj.id}",
                 details={"holds": [h.id for h in holds],
                          "reason": redact(reason, _people_of(obj))})
    db.session.commit()
    return holds


def held_subjects() -> list[LegalHold]:
    return list(db.session.scalars(select(LegalHold).where(LegalHold.lifted_at.is_(None))
                                   .order_by(LegalHold.placed_at)))
