"""Saving, submitting and amending scorecards: every rule of these use cases is here.

Rules (the form shows the same messages, because it asks `problems` below):
- every rating is on the template's scale, or "not assessed" (None);
- on submit (and on amend): each focus dimension of the interview is rated, each rating
  has evidence of at least EVIDENCE_MIN_LENGTH characters, an overall vote is given, and
  each red flag says what happened;
- text fields stay under NOTE_MAX_LENGTH; only the template's dimensions and signals;
- a submitted scorecard changes only by an amendment with a reason;
- an edit that began from an older version is refused (ScorecardConflict).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..audit import record
from ..core.vocabulary import Vote, one_of
from ..extensions import db
from ..models import (
    Interview,
    Scorecard,
    ScorecardAmendment,
    ScorecardRating,
    ScorecardRedFlag,
    ScorecardSignal,
    TemplateVersion,
    User,
)
from ..models.base import utcnow
from .errors import Conflict, Invalid, NotAllowed, NotFound
from .locks import lock_candidate, lock_interview

UNKNOWN_FIELDS = "The form names a dimension or signal this role does not have."


class ScorecardConflict(Conflict):
    """Someone saved the scorecard since this edit began."""


class ScorecardLocked(NotAllowed):
    """The scorecard is submitted; only an amendment with a reason can change it."""


class ScorecardTooEarly(Exception):
    """Submitting before the interview has started: feedback on an interview that has not
    happened cannot be evidence. Drafts are allowed."""

    def __init__(self, starts_at):
        super().__init__(f"the interview starts at {starts_at.isoformat()}")
        self.starts_at = starts_at


@dataclass
class ScorecardInput:
    ratings: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    signals: set[int] = field(default_factory=set)
    red_flags: dict[int, str] = field(default_factory=dict)
    overall: int | None = None
    case_notes: str = ""
    other_concern: str = ""


ERASED = "This candidate's data was erased; no feedback can be added or changed."
INTERVIEW_REMOVED = ("This interview was removed from the loop; no feedback can be added "
                     "to it.")


def _hold(interview_id: int, candidate_id: int, exclusive: bool) -> None:
    """Take this use case's locks, in the global order (hiring/services/locks.py), and
    check again under them what was checked before: the candidate's row first (FOR UPDATE
    when the submitted content changes, since the score snapshot refresh locks it so;
    FOR SHARE for a draft), so an erasure either waits for this save (and then blanks
    it) or has committed and refuses it here; then the interview's row (FOR KEY SHARE),
    so an interview removed meanwhile refuses the save clearly instead of failing its
    insert, and a removal that comes later waits and sees the scorecard."""
    candidate = lock_candidate(candidate_id, share=not exclusive)
    if candidate is None or candidate.erased:
        db.session.rollback()
        raise NotAllowed(ERASED)
    if lock_interview(interview_id, key_share=True) is None:
        db.session.rollback()
        raise NotFound(INTERVIEW_REMOVED)


def find_or_new(interview: Interview, author: User) -> Scorecard:
    """The author's scorecard for the interview, or a new one not yet in the database: opening
    the form (a GET) must not create rows; the first save does (see save)."""
    scorecard = db.session.scalar(select(Scorecard).where(
        Scorecard.interview_id == interview.id, Scorecard.author_id == author.id))
    if scorecard is None:
        # by id, not relationship: a backref would put it into the session's collections
        scorecard = Scorecard(interview_id=interview.id, author_id=author.id, status="draft",
                              case_notes="", other_concern="", ratings=[], signals=[],
                              red_flags=[])
    return scorecard


def stored_version(scorecard: Scorecard) -> int:
    """The version an edit starts from; 0 for a scorecard never saved."""
    return scorecard.lock_version or 0 if scorecard.id is not None else 0


def current_version(interview_id: int, author_id: int) -> int:
    """After a conflict: the version now stored (what the user's next save must name)."""
    version = db.session.scalar(select(Scorecard.lock_version).where(
        Scorecard.interview_id == interview_id, Scorecard.author_id == author_id))
    return version or 0


def get_or_create(interview: Interview, author: User) -> Scorecard:
    """The author's scorecard for the interview, made on first use. Two tabs opening it at
    once still make one row: the unique constraint decides and the loser reads it back."""
    query = select(Scorecard).where(
        Scorecard.interview_id == interview.id, Scorecard.author_id == author.id
    )
    scorecard = db.session.scalar(query)
    if scorecard is not None:
        return scorecard
    try:
        with db.session.begin_nested():
            now = utcnow()  # equal stamps: "not yet edited"
            scorecard = Scorecard(interview_id=interview.id, author_id=author.id,
                                  created_at=now, updated_at=now)
            db.session.add(scorecard)
        db.session.commit()
        return scorecard
    except IntegrityError:
        db.session.rollback()
        return db.session.scalars(query).one()


def snapshot(scorecard: Scorecard) -> dict:
    """The scorecard's content as plain data, for amendment history and comparisons."""
    return {
        "ratings": {
            str(r.dimension_id): {"rating": r.rating, "evidence": r.evidence}
            for r in sorted(scorecard.ratings, key=lambda r: r.dimension_id)
        },
        "signals": sorted(s.signal_id for s in scorecard.signals),
        "red_flags": {str(f.signal_id): f.note for f in scorecard.red_flags},
        "overall": scorecard.overall,
        "case_notes": scorecard.case_notes,
        "other_concern": scorecard.other_concern,
    }


def _changed_parts(before: dict, after: dict) -> list[str]:
    """Which parts changed, by name ("overall", "ratings.12"): never the text itself."""
    parts = [k for k in ("overall", "case_notes", "other_concern", "signals")
             if before[k] != after[k]]
    for key in ("ratings", "red_flags"):
        ids = set(before[key]) | set(after[key])
        parts += [f"{key}.{i}" for i in sorted(ids, key=int)
                  if before[key].get(i) != after[key].get(i)]
    return parts


def _apply(scorecard: Scorecard, data: ScorecardInput) -> None:
    existing = {r.dimension_id: r for r in scorecard.ratings}
    for dimension_id, (rating, evidence) in data.ratings.items():
        row = existing.pop(dimension_id, None)
        if row is None:
            scorecard.ratings.append(ScorecardRating(
                dimension_id=dimension_id, rating=rating, evidence=evidence))
        else:
            row.rating, row.evidence = rating, evidence
    for row in existing.values():
        scorecard.ratings.remove(row)
    kept = {s.signal_id for s in scorecard.signals}
    scorecard.signals = [s for s in scorecard.signals if s.signal_id in data.signals] + [
        ScorecardSignal(signal_id=i) for i in sorted(data.signals - kept)]
    flags = {f.signal_id: f for f in scorecard.red_flags}
    for signal_id, note in data.red_flags.items():
        if signal_id in flags:
            flags[signal_id].note = note
        else:
            scorecard.red_flags.append(ScorecardRedFlag(signal_id=signal_id, note=note))
    for signal_id, flag in flags.items():
        if signal_id not in data.red_flags:
            scorecard.red_flags.remove(flag)
    scorecard.overall = data.overall
    scorecard.case_notes = data.case_notes
    scorecard.other_concern = data.other_concern
    scorecard.updated_at = utcnow()  # always touch the row, so lock_version moves


def scale_message(template: TemplateVersion) -> str:
    scale = template.scale_values
    return f"Choose a rating from {min(scale)} to {max(scale)}, or Not assessed."


def problems(interview: Interview, template: TemplateVersion, data: ScorecardInput,
             final: bool) -> dict[str, list[str]]:
    """Every rule `data` breaks, by input name (rating_<id>, evidence_<id>, overall,
    flag_note_<id>, case_notes, other_concern); empty when it may be saved."""
    config = current_app.config
    min_len, max_len = config["EVIDENCE_MIN_LENGTH"], config["NOTE_MAX_LENGTH"]
    errors: dict[str, list[str]] = {}
    dimensions = {d.id for d in template.dimensions}
    signals = {s.id: s.kind for s in template.signals}
    if (set(data.ratings) - dimensions or set(data.red_flags) - set(signals)
            or any(signals.get(i) not in ("strong", "weak") for i in data.signals)
            or any(signals[i] != "red_flag" for i in data.red_flags)):
        raise Invalid(UNKNOWN_FIELDS)
    scale, focus = set(template.scale_values), {d.id for d in interview.focus}
    for dim in template.dimensions:
        rating, evidence = data.ratings.get(dim.id, (None, ""))
        if rating is not None and rating not in scale:
            errors[f"rating_{dim.id}"] = [scale_message(template)]
            continue
        if final and dim.id in focus and rating is None:
            errors[f"rating_{dim.id}"] = [f"{dim.name} is a focus of this interview: rate it."]
        if final and rating is not None and len(evidence.strip()) < min_len:
            errors[f"evidence_{dim.id}"] = [
                f"Write the evidence for this rating: what the candidate said or did "
                f"(at least {min_len} characters)."]
    if data.overall is not None and data.overall not in set(Vote):
        errors["overall"] = [f"Choose {one_of(Vote)}."]
    elif final and data.overall is None:
        errors["overall"] = ["Choose an overall recommendation."]
    for signal_id, note in data.red_flags.items():
        if final and not note.strip():
            errors[f"flag_note_{signal_id}"] = ["Say what you saw that raised this flag."]
    texts = {"case_notes": data.case_notes, "other_concern": data.other_concern}
    texts.update({f"evidence_{i}": e for i, (_, e) in data.ratings.items()})
    texts.update({f"flag_note_{i}": n for i, n in data.red_flags.items()})
    for name, text in texts.items():
        if len(text) > max_len or "\x00" in text:
            errors.setdefault(name, []).append(
                f"Keep this under {max_len:,} characters." if len(text) > max_len
                else "Contains a NUL character, which cannot be stored. Remove it.")
    return errors


def _enforce(scorecard: Scorecard, data: ScorecardInput, final: bool) -> None:
    # a scorecard not saved yet (see find_or_new) knows its interview only by id
    interview = scorecard.interview or db.session.get(Interview, scorecard.interview_id)
    errors = problems(interview, interview.candidate.requisition.template, data, final)
    if errors:
        db.session.rollback()
        raise Invalid(errors=errors)


def _inputs_changed(scorecard: Scorecard) -> None:
    """A submitted scorecard changed: its candidate's stored score is recomputed in this
    transaction, and derived work (packet, rater fit) is queued for after the commit."""
    from .derived_work import scorecards_changed

    db.session.flush()
    interview = scorecard.interview or db.session.get(Interview, scorecard.interview_id)
    scorecards_changed(interview.candidate_id)


def _check_version(scorecard: Scorecard, expected_version: int) -> None:
    """The edit began from the version now stored (checked before any change is made)."""
    if stored_version(scorecard) != expected_version:
        db.session.rollback()
        raise ScorecardConflict


def _commit_versioned(scorecard: Scorecard | None = None) -> None:
    """Commit; a concurrent writer that got there first makes the UPDATE match no row, or,
    for a first save, makes our INSERT collide with its row (a unique constraint). With a
    scorecard whose submitted content changed, its candidate's derived results are brought
    up to date in the same transaction."""
    try:
        if scorecard is not None:
            _inputs_changed(scorecard)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise ScorecardConflict from None


def save_draft(scorecard: Scorecard, data: ScorecardInput, expected_version: int) -> None:
    """Keep work in progress: only the scale and the field limits apply."""
    _save(scorecard, data, expected_version, final=False)


def submit(scorecard: Scorecard, data: ScorecardInput, expected_version: int) -> None:
    """Submit: complete by the rules above, then locked (changes are amendments)."""
    _save(scorecard, data, expected_version, final=True)


def _flush_versioned() -> None:
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise ScorecardConflict from None


def save(scorecard: Scorecard, data: ScorecardInput, expected_version: int,
         submit: bool = False) -> None:
    """save_draft or, with submit=True, submit."""
    _save(scorecard, data, expected_version, final=submit)


def _save(scorecard: Scorecard, data: ScorecardInput, expected_version: int,
          final: bool) -> None:
    if scorecard.submitted:
        raise ScorecardLocked("This scorecard is already submitted; amend it to change it.")
    # a first save's scorecard is not in the session yet: reach its interview by id
    interview = scorecard.interview or db.session.get(Interview, scorecard.interview_id)
    if interview is None:
        raise NotFound(INTERVIEW_REMOVED)
    _hold(scorecard.interview_id, interview.candidate_id, exclusive=final)
    if final and interview.scheduled_at > utcnow():
        raise ScorecardTooEarly(interview.scheduled_at)
    _check_version(scorecard, expected_version)
    _enforce(scorecard, data, final)
    if scorecard.id is None:  # the first save creates the row (never the GET of the form)
        scorecard.created_at = utcnow()
        db.session.add(scorecard)
    _apply(scorecard, data)
    if final:
        scorecard.status = "submitted"
        scorecard.submitted_at = utcnow()
        _flush_versioned()  # a first save has no id (nor loaded relationships) before this
        interview = db.session.get(Interview, scorecard.interview_id)
        record("scorecard_submitted", actor=db.session.get(User, scorecard.author_id),
               target=f"candidate:{interview.candidate_id}",
               details={"scorecard": scorecard.id, "interview": scorecard.interview_id})
    _commit_versioned(scorecard if final else None)


def amend(scorecard: Scorecard, data: ScorecardInput, reason: str, author: User,
          expected_version: int) -> ScorecardAmendment | None:
    """Change a submitted scorecard, keeping the earlier version. None if nothing changed.
    The amended scorecard must still be complete, and the reason is required."""
    if not scorecard.submitted:
        raise NotAllowed("Only a submitted scorecard is amended; save the draft instead.")
    _hold(scorecard.interview_id, scorecard.interview.candidate_id, exclusive=True)
    _check_version(scorecard, expected_version)
    if not (reason or "").strip():
        raise Invalid.on("reason", "Say why you are changing a submitted scorecard.")
    _enforce(scorecard, data, final=True)
    before = snapshot(scorecard)
    _apply(scorecard, data)
    after = snapshot(scorecard)
    if after == before:
        db.session.rollback()
        return None
    amendment = ScorecardAmendment(scorecard_id=scorecard.id, author_id=author.id,
                                   reason=reason, before=before, after=after)
    db.session.add(amendment)
    record("scorecard_amended", actor=author,
           target=f"candidate:{scorecard.interview.candidate_id}",
           details={"scorecard": scorecard.id, "interview": scorecard.interview_id,
                    "fields": _changed_parts(before, after)})
    _commit_versioned(scorecard)
    return amendment
