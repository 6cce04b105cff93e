"""The row locks a use case takes, and the ONE order every use case takes them in.

On PostgreSQL two transactions that take the same two locks in opposite orders deadlock
(PostgreSQL then fails one of them: a 500). So every transaction takes its locks in this
order, skipping the ones it does not need, and never takes an earlier one after a later
one:

1. candidate rows, ascending id (`lock_candidates`, `lock_candidate`). A use case that
   writes anything of a candidate (the candidate, its interviews, scorecards, decisions,
   score snapshot, packet render state, erasure) takes its candidate's row first: erasure
   and the retention purge, legal holds on a candidate, decisions, a candidate's edit,
   adding, editing, planning and removing interviews, saving, submitting and amending a
   scorecard, and a requisition's weights, settings or title (all its candidates). The
   score snapshot refresh (hiring/services/snapshots.py) finds them already held;
2. the interview row (`lock_interview`): removing or editing an interview (FOR UPDATE)
   against a scorecard's save (FOR KEY SHARE, what the scorecard's foreign key takes
   anyway);
3. last, the audit chain (hiring/audit.py `lock_chain`, a transaction-level advisory
   lock), taken when the transaction's first audit row is flushed. Any flush writes the
   audit rows recorded so far (autoflush before a query included), so the locks above
   are taken BEFORE the use case records anything, never after. What the flush then
   writes with or after the audit rows (the changed rows themselves, snapshots, packet
   render state) belongs to a candidate whose row is already held, or (the stale marks
   of calibration and agreement reports) is written only after the chain, or by the
   background jobs, which record nothing: no transaction holds those rows while waiting
   for the chain.

SQLite has no row locks: a write transaction holds the database's single write lock
(BEGIN IMMEDIATE, hiring/database.py), so these functions only re-read the rows there.

lock_candidate and lock_interview re-read what they lock (populate_existing): a check made
before the lock (erased? still there? the standing decision?) is made again under it, on
what is now committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import Candidate, Interview


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_candidates(candidate_ids: Iterable[int]) -> None:
    """Lock these candidates' rows (FOR UPDATE, ascending id: two lockers of overlapping
    sets never deadlock). Only the ids are read: changes made to them in this session are
    kept (use lock_candidate to re-read one before checking it)."""
    ids = sorted(set(candidate_ids))
    if not ids or not _postgresql():
        return
    with db.session.no_autoflush:  # nothing recorded may reach the audit chain first
        db.session.execute(select(Candidate.id).where(Candidate.id.in_(ids))
                           .order_by(Candidate.id).with_for_update())


def lock_requisition_candidates(requisition_id: int) -> None:
    """Every candidate of a requisition, ascending id (its weights or settings change every
    snapshot, its title every packet)."""
    if _postgresql():
        with db.session.no_autoflush:
            db.session.execute(select(Candidate.id).where(
                Candidate.requisition_id == requisition_id).order_by(Candidate.id)
                .with_for_update())


def lock_candidate(candidate_id: int, *, share: bool = False) -> Candidate | None:
    """One candidate's row, locked and re-read; None if it is gone. `share`: FOR SHARE
    (enough to keep an erasure out while a draft is saved) instead of FOR UPDATE; a
    transaction that may later need FOR UPDATE (a submission refreshes the snapshot) must
    not take FOR SHARE first."""
    query = (select(Candidate).where(Candidate.id == candidate_id)
             .execution_options(populate_existing=True))
    if _postgresql():
        query = query.with_for_update(of=Candidate, read=share)
    with db.session.no_autoflush:
        return db.session.scalar(query)


def lock_interview(interview_id: int, *, key_share: bool = False) -> Interview | None:
    """The interview's row, locked and re-read; None if it was removed meanwhile.
    FOR UPDATE to remove it; `key_share` (FOR KEY SHARE) to add a scorecard to it, which
    waits for a removal in progress and keeps a later one waiting until this commits."""
    query = (select(Interview).where(Interview.id == interview_id)
             .execution_options(populate_existing=True))
    if _postgresql():
        query = query.with_for_update(of=Interview, read=key_share, key_share=key_share)
    with db.session.no_autoflush:
        return db.session.scalar(query)
