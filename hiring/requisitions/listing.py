"""A requisition's candidates, one bounded page at a time: search, eager loads, and the
stored score snapshot of each row for the people allowed to see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..core.text import search_key
from ..extensions import db
from ..models import CANDIDATE_STAGES, Candidate, Interview, ScoreSnapshot
from ..pagination import prefix_match
from ..policy import blind_candidate_ids, can
from ..services.snapshots import current

PAGE_SIZE = 25
MAX_QUERY = 200


@dataclass
class CandidateSearch:
    """`q` matches the start of a candidate's name or email (case-insensitive); `stage`
    is one stage or empty."""

    q: str = ""
    stage: str = ""

    @classmethod
    def from_args(cls, args) -> CandidateSearch:
        q = (args.get("q") or "").replace("\x00", "")[:MAX_QUERY]
        stage = args.get("stage") or ""
        return cls(q=q.strip(), stage=stage if stage in CANDIDATE_STAGES else "")

    def apply(self, query):
        key = search_key(self.q)
        if key:
            query = query.where(or_(prefix_match(Candidate.name_key, key),
                                    prefix_match(Candidate.email_key, key)))
        if self.stage:
            # a blinded viewer's candidates never match a stage filter: a decision moves
            # the stage, and the match (or the count) would tell it
            query = query.where(Candidate.stage == self.stage,
                                Candidate.id.not_in(blind_candidate_ids(current_user)))
        return query

    def args(self) -> dict:
        return {k: v for k, v in (("q", self.q), ("stage", self.stage)) if v}


def with_loop(query):
    """What a row shows of each candidate's loop: two queries for the whole page."""
    return query.options(selectinload(Candidate.interviews).selectinload(Interview.scorecards))


def snapshots_for(candidates: list) -> tuple[set[int], dict[int, ScoreSnapshot]]:
    """The candidates whose feedback the current user may see (blinding: the policy is
    asked per candidate, from the already loaded loop), and their stored snapshots."""
    allowed = {c.id for c in candidates if can(current_user, "debriefs.view", c)}
    if not allowed:
        return allowed, {}
    rows = db.session.scalars(select(ScoreSnapshot).where(
        ScoreSnapshot.candidate_id.in_(sorted(allowed)))).all()
    shown = [c for c in candidates if c.id in allowed]
    return allowed, current(shown, {s.candidate_id: s for s in rows})


def candidate_rows(candidates: list[Candidate]) -> list[dict]:
    allowed, snapshots = snapshots_for(candidates)
    rows = []
    for c in candidates:
        submitted = sum(1 for i in c.interviews if i.scorecard and i.scorecard.submitted)
        rows.append({"candidate": c, "interviews": len(c.interviews), "submitted": submitted,
                     "snapshot": snapshots.get(c.id), "visible": c.id in allowed})
    return rows
