"""What follows a change to a debrief's inputs, in one place.

Inside the caller's transaction: the score snapshots (so a page never shows numbers older
than what is committed) and the record that a packet is due. After the commit, and only if
it commits, with no SQL: handing the background work that must see committed data
(rendering packets, refitting rater effects) to the queue. A rolled-back change queues
nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from . import snapshots

_KEY = "after_commit"


def after_commit(task: Callable[[], None]) -> None:
    """Run `task` once the current transaction commits (dropped if it rolls back)."""
    tasks = db.session.info.setdefault(_KEY, [])
    if task not in tasks:
        tasks.append(task)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    tasks = session.info.pop(_KEY, [])
    for task in tasks:
        task()


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, _previous) -> None:
    session.info.pop(_KEY, None)


class _Task:
    """A named, comparable task, so queuing the same work twice in a transaction runs it
    once."""

    def __init__(self, fn: Callable, *args):
        self.fn, self.args = fn, args

    def __call__(self) -> None:
        self.fn(*self.args)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Task) and (self.fn, self.args) == (other.fn, other.args)

    def __hash__(self) -> int:
        return hash((self.fn, self.args))


def scorecards_changed(candidate_id: int) -> None:
    """A scorecard of this candidate was submitted or amended."""
    snapshots.refresh([candidate_id])
    from ..models import Candidate
    from ..packets.queue import request_render
    from .agreement_stats import mark_stale

    mark_stale(db.session.get(Candidate, candidate_id).requisition_id)
    from .calibration import mark_reports_stale
    from .calibration_job import request_fit

    mark_reports_stale()

    # the refit is queued first, so that the packet rendered next (one background thread,
    # or RQ's first-in first-out queue) applies rater effects that include this change
    after_commit(_Task(request_fit))
    request_render(candidate_id, True)


def decision_changed(candidate_id: int) -> None:
    """A decision was recorded or changed: the packet prints it, and the calibration
    reports count votes against it (marked stale; the background fit refits them)."""
    from .calibration import mark_reports_stale
    from .calibration_job import request_fit

    mark_reports_stale()
    after_commit(_Task(request_fit))
    packet_content_changed(candidate_id)


def requisition_changed(requisition_id: int) -> None:
    """The requisition's weights or decision settings changed."""
    snapshots.refresh_requisition(requisition_id)
    from ..packets.queue import rerender_requisition

    rerender_requisition(requisition_id)


def packet_content_changed(candidate_id: int) -> None:
    """Something a packet shows but the score does not (a decision, the loop, the name)
    changed: a packet already made is re-rendered, and a loop that just became complete
    gets its first one."""
    from ..packets.queue import request_render

    request_render(candidate_id, False)


def requisition_packets_changed(requisition_id: int) -> None:
    """Something every packet of the requisition prints (its title) changed."""
    from ..packets.queue import rerender_requisition

    rerender_requisition(requisition_id)


def packets_naming(user_id: int) -> list[int]:
    """The candidates whose packet is already made and prints this person's name: as an
    interviewer on the loop, or as who recorded a decision."""
    from sqlalchemy import or_, select

    from ..models import Decision, Interview, PacketRender

    return sorted(db.session.scalars(select(PacketRender.candidate_id).where(or_(
        PacketRender.candidate_id.in_(select(Interview.candidate_id).where(
            Interview.interviewer_id == user_id)),
        PacketRender.candidate_id.in_(select(Decision.candidate_id).where(
            Decision.decided_by_id == user_id))))))


def person_renamed(candidate_ids: list[int]) -> None:
    """Someone these packets print was renamed: each is rendered again (the caller holds
    the candidates' rows: hiring/services/locks.py)."""
    for candidate_id in candidate_ids:
        packet_content_changed(candidate_id)
