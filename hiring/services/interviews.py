"""Scheduling interviews: apply a requisition's loop template, find clashes, and the rules
every assignment of an interviewer obeys (independence, erased candidates). Adding,
changing and removing one interview: services/loop_changes.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select

from ..core.schedule import Clash, Slot, clashes
from ..extensions import db
from ..models import Candidate, Interview, LoopStep, Scorecard, TemplateDimension, User
from ..policy_rules import feedback_visible
from .errors import Invalid, NotAllowed

CANDIDATE_ERASED = ("This candidate's data was erased: the record takes no new details, "
                    "interviews or changes to its loop.")
NOT_INDEPENDENT = ("{name} may already have read this candidate's feedback; their scorecard "
                   "would not be independent. Choose someone else.")


def refuse_erased(candidate: Candidate | None) -> None:
    """An erased candidate's record takes nothing new (docs/retention.md): no personal
    data, no interview (whose scorecard the policy would refuse), no loop change."""
    if candidate is not None and candidate.erased:
        raise NotAllowed(CANDIDATE_ERASED)


def check_independent(candidate_id: int, user: User, field: str) -> None:
    """Nobody is given an interview on a candidate whose submitted feedback they may
    already have read (the candidate's hiring manager or an admin not blind on them, an
    interviewer whose own scorecards on them are in): their scorecard would not be
    independent, and a blind user could otherwise hand their pending interview away, read
    the panel's feedback and take it back. Asked with the policy's SQL form
    (feedback_visible) BEFORE the interview is assigned to them (afterwards it would make
    them blind), under the candidate's row lock (a submission in progress holds it).
    Keeping an interview's current interviewer is never asked here."""
    submitted = db.session.scalar(select(exists().where(
        Scorecard.interview_id == Interview.id, Interview.candidate_id == candidate_id,
        Scorecard.status == "submitted")))
    if submitted and db.session.scalar(select(exists().where(
            Candidate.id == candidate_id, feedback_visible(user)))):
        raise Invalid.on(field, NOT_INDEPENDENT.format(name=user.name))


@dataclass
class InterviewInput:
    interviewer_id: int
    kind: str
    title: str
    starts: datetime  # UTC
    duration_minutes: int
    location: str
    focus: list[int]
    case_study_id: int | None


def slot_of(interview: Interview) -> Slot:
    return Slot(interview.id, interview.interviewer_id, interview.candidate_id,
                interview.scheduled_at, interview.ends_at)


def find_clashes(slot: Slot) -> list[tuple[Clash, Interview]]:
    """Interviews overlapping this slot for the same interviewer or the same candidate.
    One bounded query: only interviews starting within a day of the slot can overlap
    (no interview is longer than 600 minutes)."""
    window = timedelta(minutes=600)
    query = (select(Interview).where(
        Interview.scheduled_at < slot.ends, Interview.scheduled_at > slot.starts - window,
        or_(Interview.interviewer_id == slot.interviewer_id,
            Interview.candidate_id == slot.candidate_id))
        .order_by(Interview.scheduled_at).limit(50))
    found = {i.id: i for i in db.session.scalars(query)}
    result = clashes(slot, [slot_of(i) for i in found.values()])
    return [(c, found[c.other.id]) for c in result]


def describe_clash(clash: Clash, other: Interview, fmt) -> str:
    """The warning a scheduler reads: who, which interview, when."""
    when = f"{fmt(other.scheduled_at)}–{fmt(other.ends_at).split(' ', 1)[1]}"
    if clash.reason == "interviewer":
        return (f"{other.interviewer.name} is already interviewing {other.candidate.name} "
                f"({other.display_title}) at {when}.")
    return (f"{other.candidate.name} already has an interview at that time: "
            f"{other.display_title} with {other.interviewer.name}, {when}.")


def _apply(interview: Interview, data: InterviewInput, dims: dict[int, TemplateDimension]):
    interview.interviewer_id = data.interviewer_id
    interview.kind = data.kind
    interview.title = data.title
    interview.scheduled_at = data.starts
    interview.duration_minutes = data.duration_minutes
    interview.location = data.location
    interview.focus = [dims[i] for i in data.focus if i in dims]
    interview.case_study_id = data.case_study_id


def apply_loop(candidate: Candidate, starts: datetime, interviewers: list[int],
               steps: list[LoopStep], gap_minutes: int = 0
               ) -> tuple[list[Interview], list[tuple[Clash, Interview]]]:
    """One interview per loop step, back to back from `starts`, with the chosen interviewer
    for each (the caller's unit of work commits them). The interviews can be edited
    afterwards like any other."""
    dims = {d.id: d for d in candidate.requisition.template.dimensions}
    cases = {c.id for c in candidate.requisition.template.case_studies}
    created, moment = [], starts
    for step, interviewer_id in zip(steps, interviewers, strict=True):
        interview = Interview(candidate=candidate)
        _apply(interview, InterviewInput(
            interviewer_id=interviewer_id, kind=step.kind, title=step.title, starts=moment,
            duration_minutes=step.duration_minutes, location="",
            focus=[d for d in step.focus if d in dims],
            case_study_id=step.case_study_id if step.case_study_id in cases else None), dims)
        db.session.add(interview)
        created.append(interview)
        moment = moment + timedelta(minutes=step.duration_minutes + gap_minutes)
    db.session.flush()
    found = []
    for interview in created:
        found += [pair for pair in find_clashes(slot_of(interview))
                  if pair[1].id not in {i.id for i in created} or pair[1].id > interview.id]
    return created, found


def active_people(ids: list[int]) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids), User.active))}
