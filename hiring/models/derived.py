"""Stored results derived from the scorecards, so that pages read them instead of
recomputing: score snapshots per candidate, fitted rater effects, packet render state.

Each is rebuilt by a service when its inputs change (see hiring/services/snapshots.py,
calibration_job.py and hiring/packets/queue.py); none is ever edited by hand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ScoreSnapshot(db.Model):
    """A candidate's debrief numbers as of the last change to their inputs (submitted
    scorecards, the requisition's weights and decision settings)."""

    __tablename__ = "score_snapshot"
    # compare's default order (by composite) read from an index: a page of a requisition
    # of 5,000 candidates without sorting them all (tests/test_scale.py checks the plan)
    __table_args__ = (Index("ix_score_snapshot_req_composite", "requisition_id",
                            "composite_100"),)

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id"), index=True)
    composite_100: Mapped[float | None] = mapped_column(Float)  # for ordering
    # the numbers exactly as the debrief shows them (its rounding rules, exact arithmetic)
    score_shown: Mapped[str] = mapped_column(String(20), default="")
    coverage_shown: Mapped[str] = mapped_column(String(20), default="")
    coverage: Mapped[float] = mapped_column(Float, default=0.0)
    recommendation: Mapped[str] = mapped_column(String(40))
    band: Mapped[str | None] = mapped_column(String(40))
    needs_discussion: Mapped[bool] = mapped_column(Boolean, default=False)
    split_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    red_flags: Mapped[int] = mapped_column(Integer, default=0)
    # {"1": n, "2": n, "3": n, "4": n}: JSON object keys are strings
    votes: Mapped[dict] = mapped_column(JSON, default=dict)
    contested: Mapped[list] = mapped_column(JSON, default=list)
    # per dimension id (string keys): {"mean", "mean_shown", "spread_shown", "count",
    # "ratings" (each person's averaged rating)}, what the comparison shows and agreement uses
    dimensions: Mapped[dict] = mapped_column(JSON, default=dict)
    # per dimension id: the mean as a number, for sorting the comparison in the database
    dimension_means: Mapped[dict] = mapped_column(JSON, default=dict)
    formula_version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def vote(self, value: int) -> int:
        return int((self.votes or {}).get(str(value), 0))


class DimensionMean(db.Model):
    """One dimension's mean rating of a candidate, copied from the candidate's snapshot
    (`ScoreSnapshot.dimension_means`, written with it) into a row of its own so that
    compare can read a page sorted by a dimension from an index instead of extracting the
    mean from every candidate's JSON and sorting them all. Only assessed dimensions have a
    row."""

    __tablename__ = "score_dimension_mean"
    __table_args__ = (Index("ix_score_dimension_mean_sort", "requisition_id", "dimension_id",
                            "mean"),)

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id"))
    mean: Mapped[float] = mapped_column(Float)


class AgreementSnapshot(db.Model):
    """A requisition's inter-rater agreement (ordinal alpha with its bootstrap interval)
    over every candidate, recomputed in the background after its scorecards change: the
    bootstrap over thousands of candidates is too slow for a page view. `stale` is set in
    the transaction that changed a scorecard; pages then compute it themselves until the
    background job has caught up."""

    __tablename__ = "agreement_snapshot"

    requisition_id: Mapped[int] = mapped_column(
        ForeignKey("requisition.id", ondelete="CASCADE"), primary_key=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)  # grows with every change
    alpha: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    pairable: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    minimum: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # what the figure was computed from: [[sorted values of a unit, how many units], ...]
    # (core.agreement.unit_patterns). A viewer who may not see some candidates gets the
    # figure of these minus those candidates' patterns, without reading every candidate.
    patterns: Mapped[list | None] = mapped_column(JSON)


class RaterEstimate(db.Model):
    """One interviewer's fitted rater effect (leniency or severity), from the last fit."""

    __tablename__ = "rater_estimate"

    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    deviation: Mapped[float] = mapped_column(Float)
    tendency: Mapped[str] = mapped_column(String(40), default="")
    compared: Mapped[int | None] = mapped_column(Integer)
    scorecards: Mapped[int | None] = mapped_column(Integer)
    uncertainty: Mapped[float | None] = mapped_column(Float)
    # reserved for further per-interviewer figures of a later model; empty today
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalibrationReport(db.Model):
    """One viewer's calibration report (services/calibration.py): rater effects fitted over
    the candidates whose feedback they could see when it was made, with the votes against
    decisions. Read while the viewer's scope is unchanged (`scope`); marked stale by new
    feedback or decisions and refitted by the background job."""

    __tablename__ = "calibration_report"

    viewer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    # what decided which candidates entered it: role, requisitions managed, interviews,
    # and the candidates left out because the viewer still owed a scorecard on them
    scope: Mapped[dict] = mapped_column(JSON, default=dict)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    own_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # per interviewer: id, scorecards, deviation, compared, uncertainty, votes, matched
    rows: Mapped[list] = mapped_column(JSON, default=list)


PACKET_STATES = ("queued", "rendering", "ready", "failed")


class PacketRender(db.Model):
    """The state of a candidate's pre-rendered PDF packet. `generation` grows with every
    request to (re)render, so a slow old job can never mark a newer request done."""

    __tablename__ = "packet_render"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    # the generation whose file is ready (None: no file yet)
    ready_generation: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
