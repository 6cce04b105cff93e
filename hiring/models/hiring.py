"""Requisitions, candidates, interview loops and scorecards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    exists,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates
from sqlalchemy.sql.expression import false as sa_false

from ..core.text import search_key
from ..core.vocabulary import Outcome, Stage, Vote, label_of, labels
from ..extensions import db
from .base import UTCDateTime, utcnow
from .roles import TemplateCaseStudy, TemplateDimension, TemplateSignal, TemplateVersion
from .users import User

if TYPE_CHECKING:
    from .derived import PacketRender
    from .workflow import LoopStep

REQUISITION_STATUSES = {"open": "Open", "on_hold": "On hold", "closed": "Closed"}
CANDIDATE_STAGES = labels(Stage)  # derived from the vocabulary
INTERVIEW_KINDS = {
    "screen": "Screen", "case_study": "Case study", "technical": "Technical", "people_leadership":
    "People leadership", "hiring_manager": "Hiring manager", "behavioral": "Behavioral",
    "cross_functional": "Cross-functional", "panel": "Panel", "other": "Other",
}
# Kinds whose focus the planner leaves alone: a case study covers what its case study
# targets, a screen rates nothing beyond what it was given.
PLANNER_CLOSED_KINDS = frozenset({"case_study", "screen"})
OVERALL = labels(Vote)  # derived from the vocabulary


class Requisition(db.Model):
    __tablename__ = "requisition"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'on_hold', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(200), default="")
    template_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    hiring_manager_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Decision settings for the debrief; None means the documented default.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Made by `flask demo`: shown with a banner, removed by `flask demo --reset`.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the status last became "closed"; starts the retention clock (docs/retention.md).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    template: Mapped[TemplateVersion] = relationship()
    hiring_manager: Mapped[User] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(
        back_populates="requisition", order_by="Candidate.name"
    )
    weight_changes: Mapped[list[WeightAdjustment]] = relationship(
        back_populates="requisition", order_by="WeightAdjustment.id"
    )
    loop_steps: Mapped[list[LoopStep]] = relationship(
        order_by="(LoopStep.position, LoopStep.id)", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return REQUISITION_STATUSES.get(self.status, self.status)

    def effective_weights(self) -> dict[int, float]:
        """dimension id -> weight in percent, the latest adjustment winning."""
        weights = {d.id: d.weight for d in self.template.dimensions}
        for change in self.weight_changes:
            weights[change.dimension_id] = change.weight
        return weights


# active_history: the old value is loaded first, so re-saving a closed requisition does
# not restart its clock.
@event.listens_for(Requisition.status, "set", active_history=True)
def _stamp_closed_at(target: Requisition, value, old, _initiator) -> None:
    """Whoever changes the status (form, service, CLI), closing stamps the date the
    retention clock starts from and reopening clears it."""
    if value == "closed" and old != "closed":
        target.closed_at = utcnow()
    elif value != "closed":
        target.closed_at = None


class WeightAdjustment(db.Model):
    """A recorded change of one dimension's weight for one requisition, with its reason."""

    __tablename__ = "weight_adjustment"
    __table_args__ = (CheckConstraint("weight >= 0", name="weight_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id"), index=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("template_dimension.id"))
    weight: Mapped[float]
    previous_weight: Mapped[float]
    rationale: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requisition: Mapped[Requisition] = relationship(back_populates="weight_changes")
    dimension: Mapped[TemplateDimension] = relationship()
    changed_by: Mapped[User] = relationship()


class Candidate(db.Model):
    """A person on a requisition. No demographic data is stored, by design."""

    __tablename__ = "candidate"
    # Search and pages of one requisition's candidates are answered from these indexes
    # (see hiring/pagination.py: prefix match on casefolded keys, same results on both
    # backends; text_pattern_ops lets PostgreSQL use them for LIKE 'x%' in any locale).
    __table_args__ = (
        Index("ix_candidate_req_name_key", "requisition_id", "name_key",
              postgresql_ops={"name_key": "text_pattern_ops"}),
        Index("ix_candidate_req_email_key", "requisition_id", "email_key",
              postgresql_ops={"email_key": "text_pattern_ops"}),
        Index("ix_candidate_req_stage", "requisition_id", "stage"),
        # the admin dashboard's loops without interviewers: the candidates of two stages
        # across every requisition, without reading the others
        Index("ix_candidate_stage", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    stage: Mapped[str] = mapped_column(String(20), default="applied")
    # casefolded copies of name and email, kept in step by the validators below
    name_key: Mapped[str] = mapped_column(String(200), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # A link to the candidate's CV or portfolio, shown in the interview kit (http(s) only).
    materials_url: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by erasure (hiring/services/erasure.py): the personal data is gone and the row
    # only carries anonymised counts, dates, decision and scores under `opaque_id`.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opaque_id: Mapped[str | None] = mapped_column(String(32), unique=True)

    requisition: Mapped[Requisition] = relationship(back_populates="candidates")
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="candidate", order_by="Interview.scheduled_at"
    )
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id")
    # the state of the pre-rendered PDF packet, read with the debrief (services/debrief.py);
    # written only by packets/queue.py and services/packet_render.py
    packet_render: Mapped[PacketRender | None] = relationship(viewonly=True)

    @validates("name", "email")
    def _keep_search_keys(self, key: str, value: str | None) -> str | None:
        setattr(self, f"{key}_key", search_key(value)[:254 if key == "email" else 200])
        return value

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def stage_label(self) -> str:
        return label_of(Stage, self.stage)

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


class Interview(db.Model):
    __tablename__ = "interview"
    # "My interviews" lists an interviewer's interviews by date (due, upcoming, and the
    # history newest first): read in index order, a page costs the same whatever the
    # history's length (tests/test_scale.py checks the plans)
    __table_args__ = (
        Index("ix_interview_interviewer_scheduled", "interviewer_id", "scheduled_at", "id"),
        # The dashboards' late feedback, oldest first, and overdue scorecards per
        # interviewer: the interviews still waiting for their scorecard, read from an index
        # (the history of interviews whose scorecard is in grows without end)
        Index("ix_interview_scorecard_in_scheduled", "scorecard_in", "scheduled_at", "id"),
        # the manager dashboard's upcoming interviews: in date order from now on
        Index("ix_interview_scheduled_at", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    location: Mapped[str] = mapped_column(String(500), default="", server_default="")
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("template_case_study.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The interviewer's own scorecard is submitted. Derived, never set by hand: every flush
    # that could change it recomputes it in SQL (_note_scorecards_in, below).
    scorecard_in: Mapped[bool] = mapped_column(Boolean, default=False,
                                               server_default=sa_false())

    candidate: Mapped[Candidate] = relationship(back_populates="interviews")
    interviewer: Mapped[User] = relationship()
    case_study: Mapped[TemplateCaseStudy | None] = relationship()
    focus: Mapped[list[TemplateDimension]] = relationship(
        secondary="interview_focus", order_by="TemplateDimension.position"
    )
    scorecards: Mapped[list[Scorecard]] = relationship(back_populates="interview")

    @property
    def kind_label(self) -> str:
        return INTERVIEW_KINDS.get(self.kind, self.kind)

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes or 0)

    @property
    def display_title(self) -> str:
        return self.title or self.kind_label

    @property
    def scorecard(self) -> Scorecard | None:
        return next((s for s in self.scorecards if s.author_id == self.interviewer_id), None)


class InterviewFocus(db.Model):
    __tablename__ = "interview_focus"

    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("template_dimension.id"), primary_key=True
    )


class Scorecard(db.Model):
    """One interviewer's feedback on one interview. `lock_version` makes concurrent saves
    fail loudly (StaleDataError) instead of silently overwriting each other."""

    __tablename__ = "scorecard"
    __table_args__ = (
        UniqueConstraint("interview_id", "author_id"),
        # count an interviewer's submitted history from the index alone ("My interviews")
        Index("ix_scorecard_author_status_interview", "author_id", "status", "interview_id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint(f"overall IS NULL OR overall BETWEEN {min(Vote).value} AND "
                        f"{max(Vote).value}", name="overall_in_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    overall: Mapped[int | None]
    case_notes: Mapped[str] = mapped_column(Text, default="")
    other_concern: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    interview: Mapped[Interview] = relationship(back_populates="scorecards")
    author: Mapped[User] = relationship()
    ratings: Mapped[list[ScorecardRating]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan"
    )
    signals: Mapped[list[ScorecardSignal]] = relationship(cascade="all, delete-orphan")
    red_flags: Mapped[list[ScorecardRedFlag]] = relationship(cascade="all, delete-orphan")
    amendments: Mapped[list[ScorecardAmendment]] = relationship(
        order_by="ScorecardAmendment.id", cascade="all, delete-orphan"
    )

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


class ScorecardRating(db.Model):
    """A rating on one dimension; rating None means "not assessed", never a low score."""

    __tablename__ = "scorecard_rating"
    __table_args__ = (UniqueConstraint("scorecard_id", "dimension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"), index=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("template_dimension.id"))
    rating: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")
    dimension: Mapped[TemplateDimension] = relationship()


class ScorecardSignal(db.Model):
    """A strong or weak signal the interviewer observed."""

    __tablename__ = "scorecard_signal"
    __table_args__ = (UniqueConstraint("scorecard_id", "signal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"), index=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("template_signal.id"))

    signal: Mapped[TemplateSignal] = relationship()


class ScorecardRedFlag(db.Model):
    __tablename__ = "scorecard_red_flag"
    __table_args__ = (UniqueConstraint("scorecard_id", "signal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"), index=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("template_signal.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    signal: Mapped[TemplateSignal] = relationship()


class ScorecardAmendment(db.Model):
    """An edit after submission: who, when, why, and the scorecard before and after."""

    __tablename__ = "scorecard_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    author: Mapped[User] = relationship()


DECISIONS = labels(Outcome)  # derived from the vocabulary


class Decision(db.Model):
    """The hiring manager's final decision on a candidate; the newest one stands, earlier
    ones stay as history."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("decision IN ('hire', 'no_hire', 'hold')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # indexed: the dashboard's recent decisions, newest first
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The candidate's stage before this decision moved it (None: it did not move it), so a
    # later change of mind can put the candidate back where they were.
    previous_stage: Mapped[str | None] = mapped_column(String(20))

    decided_by: Mapped[User] = relationship()

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


def own_scorecard_submitted():
    """SQL, correlated to Interview: the interview has its interviewer's own submitted
    scorecard (what a debrief counts; Interview.scorecard_in keeps the same fact as a
    column for the dashboards' indexes)."""
    return exists().where(Scorecard.interview_id == Interview.id,
                          Scorecard.author_id == Interview.interviewer_id,
                          Scorecard.status == "submitted")


# ------------------------------------------- Interview.scorecard_in, kept in step

_SCORECARDS_IN = "interviews whose scorecard_in was recomputed"


def _changed(obj, *keys: str) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[key].history.has_changes() for key in keys)


@event.listens_for(Session, "after_flush")
def _note_scorecards_in(session: Session, _context) -> None:
    """Whoever writes (the services, the demo, erasure, a test's builder), an interview's
    `scorecard_in` stays "its interviewer's own scorecard is submitted": after a flush that
    added a submitted scorecard, changed a scorecard's status, interview or author, deleted
    a scorecard, or gave an interview another interviewer, the interviews concerned are
    recomputed from the scorecards in one UPDATE (none for a draft's autosave)."""
    touched: set[int | None] = set()
    for obj in session.new:
        if isinstance(obj, Scorecard) and obj.status == "submitted":
            touched.add(obj.interview_id)
    for obj in session.dirty:
        if isinstance(obj, Scorecard) and _changed(obj, "status", "interview_id", "interview",
                                                   "author_id", "author"):
            touched.add(obj.interview_id)
            touched.update(inspect(obj).attrs.interview_id.history.deleted)
        elif isinstance(obj, Interview) and _changed(obj, "interviewer_id", "interviewer"):
            touched.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Scorecard):
            touched.add(obj.interview_id)
    touched.discard(None)
    if not touched:
        return
    interview, scorecard = Interview.__table__, Scorecard.__table__
    own_submitted = (select(scorecard.c.id).where(
        scorecard.c.interview_id == interview.c.id,
        scorecard.c.author_id == interview.c.interviewer_id,
        scorecard.c.status == "submitted").exists())
    ids = sorted(touched)
    for start in range(0, len(ids), 500):  # a bulk flush: within every driver's bind limit
        session.connection().execute(
            update(interview).where(interview.c.id.in_(ids[start:start + 500]))
            .values(scorecard_in=own_submitted))
    session.info.setdefault(_SCORECARDS_IN, set()).update(touched)


@event.listens_for(Session, "after_flush_postexec")
def _expire_scorecards_in(session: Session, _context) -> None:
    """The loaded interviews read the recomputed flag again when next asked."""
    for interview_id in session.info.pop(_SCORECARDS_IN, ()):
        loaded = session.identity_map.get(inspect(Interview).identity_key_from_primary_key(
            (interview_id,)))
        if loaded is not None:
            session.expire(loaded, ["scorecard_in"])
