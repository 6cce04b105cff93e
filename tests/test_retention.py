"""Retention policy, legal holds, erasure, purge and subject export (issue 16), on SQLite and
PostgreSQL. The clock is pinned (FIXED_NOW): no test depends on today's date."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    Candidate,
    Decision,
    LegalHold,
    Scorecard,
    ScorecardRating,
)
from hiring.services import erasure, retention
from hiring.services.debrief import build_debrief, load_candidate
from hiring.services.retention import RetentionRefused
from tests import retention_world as world

# 2024-03-10 (final decision) + 365 days = 2025-03-10
AFTER = datetime(2025, 6, 1, tzinfo=UTC)
BEFORE = datetime(2024, 12, 1, tzinfo=UTC)


@pytest.fixture
def history(app, people, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    app.config["FIXED_NOW"] = AFTER
    built = world.build(people["admin"])
    from hiring.services.calibration_job import fit

    fit()  # the stored rater effects debriefs read (the background job's work)
    return built


def cli(app, *args):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()
    return result


def calibrations(candidate_id: int):
    return build_debrief(load_candidate(candidate_id)).result.calibrations


def calibrate_everyone():
    """The core's calibration (hiring/core/calibration.py) over every submitted rating in
    the database, every interviewer listed."""
    from hiring.core.bands import Settings
    from hiring.core.calibration import PastRating, calibrate
    from hiring.models import Interview, User

    rows = db.session.execute(
        select(Scorecard.author_id, Interview.candidate_id, ScorecardRating.dimension_id,
               ScorecardRating.rating, Scorecard.id)
        .join(Scorecard, ScorecardRating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == "submitted", ScorecardRating.rating.is_not(None))).all()
    names = {u.id: u.name for u in db.session.scalars(select(User))}
    return calibrate([PastRating(*row) for row in rows], names, Settings(), everyone=True)


# ---------------------------------------------------------------------- policy


def test_default_policy_is_365_days_after_the_later_of_close_and_decision(history):
    target = history["target"]
    state = retention.status(target)
    assert retention.policy().days == 365
    assert state.started_at == world.DECIDED  # decided after the close: the later one
    assert state.ends_at == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert not state.expired(datetime(2025, 3, 10, 8, 59, 59, tzinfo=UTC))
    assert state.expired(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))  # exact boundary


def test_close_after_the_decision_counts_from_the_close(history):
    req = history["requisition"]
    req.closed_at = datetime(2024, 5, 1, tzinfo=UTC)
    db.session.commit()
    assert retention.status(history["target"]).ends_at == datetime(2025, 5, 1, tzinfo=UTC)


def test_open_requisition_never_starts_the_clock_and_closing_stamps_it(history, app):
    req = history["requisition"]
    req.status = "open"
    db.session.commit()
    assert req.closed_at is None
    assert retention.status(history["target"]).ends_at is None
    req.status = "closed"
    db.session.commit()
    assert req.closed_at is not None
    stamped = req.closed_at
    db.session.expire_all()
    req.status = "closed"  # saving an already-closed requisition keeps its date
    db.session.commit()
    assert req.closed_at == stamped


def test_hold_decision_is_not_final(history):
    target = history["target"]
    target.decisions.append(Decision(decision="hold", rationale="wait",
                            decided_by_id=target.requisition.hiring_manager_id,
                            decided_at=datetime(2024, 9, 1, tzinfo=UTC)))
    db.session.commit()
    db.session.expire_all()
    assert retention.status(target).ends_at == world.CLOSED + timedelta(days=365)


def test_policy_setting_is_validated_and_audited(history, people):
    with pytest.raises(RetentionRefused):
        retention.set_policy(0, people["admin"])
    retention.set_policy(730, people["admin"])
    assert retention.policy().days == 730
    event_ = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "retention_policy_changed"))
    assert event_.details == {"before_days": 365, "after_days": 730}


# ---------------------------------------------------------------------- holds


def test_hold_needs_a_reason_is_audited_without_the_name_and_can_be_lifted(history, app):
    target = history["target"]
    assert cli(app, "candidates", "hold", str(target.id), "--reason", "  ").exit_code == 1
    result = cli(app, "candidates", "hold", str(target.id), "--reason",
                 f"EEOC charge filed by {world.NAME}")
    assert result.exit_code == 0, result.output
    again = cli(app, "candidates", "hold", str(target.id), "--reason", "twice")
    assert again.exit_code == 1 and "already under legal hold" in again.output
    assert len(again.output.strip().splitlines()) == 1
    placed = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "legal_hold_placed"))
    assert placed.target == f"candidate:{target.id}"
    assert placed.details["reason"] == "EEOC charge filed by [candidate]"
    lifted = cli(app, "candidates", "hold", str(target.id), "--lift", "--reason", "settled")
    assert lifted.exit_code == 0, lifted.output
    assert cli(app, "candidates", "hold", str(target.id), "--lift",
               "--reason", "again").exit_code == 1
    hold = db.session.scalar(select(LegalHold))
    assert hold.lifted_at == AFTER and hold.lift_reason == "settled"


def test_held_candidate_survives_purge_and_erasure(history, people, app):
    target, other = history["target"], history["candidates"][1]
    retention.place_hold("candidate", target.id, "pending charge", people["admin"])
    retention.place_hold("requisition", other.requisition_id, "audit", people["admin"])
    retention.lift_hold("requisition", other.requisition_id, "done", people["admin"])
    with pytest.raises(RetentionRefused, match="legal hold"):
        erasure.erase(target.id, reason="asked", confirm=str(target.id),
                      actor=people["admin"], legal_basis="Art. 17(1)(a)")
    result = cli(app, "retention", "purge")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert target.name == world.NAME and not target.erased
    assert all(c.erased for c in history["candidates"][1:])


def test_requisition_hold_protects_every_candidate(history, people, app):
    retention.place_hold("requisition", history["requisition"].id, "litigation",
                         people["admin"])
    assert erasure.due() == []
    result = cli(app, "candidates", "erase", str(history["target"].id), "--reason", "asked",
                 "--yes")
    assert result.exit_code == 1
    assert "legal hold" in result.output and len(result.output.strip().splitlines()) == 1


# ---------------------------------------------------------------------- erasure


def render_packet(candidate_id: int) -> None:
    from hiring.packets.build import packet_pdf

    packet_pdf(build_debrief(load_candidate(candidate_id)))
    db.session.commit()


def test_erasure_leaves_no_trace_and_keeps_counts_dates_decision_and_scores(
        history, people, app):
    target = history["target"]
    retention.place_hold("candidate", target.id, f"{world.NAME} complained", people["admin"])
    retention.lift_hold("candidate", target.id, f"{world.EMAIL} withdrew", people["admin"])
    render_packet(target.id)
    cache = Path(app.config["PACKET_CACHE_DIR"])
    # the scanners work: before erasure they find every planted string
    assert set(world.planted_in(world.database_text())) == {
        world.NAME, world.EMAIL, "PLANTED-EVIDENCE-7f3a", "PLANTED-NOTE-91c2", "Quixworth"}
    assert world.NAME in world.folder_text(cache)
    others_before = {c.id: calibrations(c.id) for c in history["candidates"][1:3]}
    assert all(others_before.values())  # the raters have enough scorecards to calibrate
    everyone_before = calibrate_everyone()
    raters = {r.id for r in history["raters"]}
    assert {c.interviewer_id for c in everyone_before if c.compared} == raters
    ratings_before = sorted(db.session.execute(select(
        ScorecardRating.scorecard_id, ScorecardRating.dimension_id, ScorecardRating.rating)
        .join(Scorecard).where(Scorecard.status == "submitted")).all())

    result = cli(app, "candidates", "erase", str(target.id), "--reason",
                 f"{world.NAME} asked for erasure", "--yes")
    assert result.exit_code == 0, result.output

    assert world.planted_in(world.database_text()) == []
    assert world.planted_in(world.folder_text(cache)) == []
    db.session.expire_all()
    target = db.session.get(Candidate, target.id)
    assert target.erased and target.erased_at == AFTER and target.opaque_id
    assert target.name == f"Erased candidate {target.opaque_id}"
    assert len(target.interviews) == 4  # counts and dates kept
    assert {i.scheduled_at for i in target.interviews} == {world.WHEN}
    assert target.decision.decision == "no_hire" and target.decision.decided_at == world.DECIDED
    assert db.session.scalar(select(func.count()).select_from(Scorecard).join(
        Scorecard.interview).where(Scorecard.status == "draft")) == 0
    ratings_after = sorted(db.session.execute(select(
        ScorecardRating.scorecard_id, ScorecardRating.dimension_id, ScorecardRating.rating)
        .join(Scorecard).where(Scorecard.status == "submitted")).all())
    assert ratings_after == ratings_before
    assert {c.id: calibrations(c.id) for c in history["candidates"][1:3]} == others_before
    assert calibrate_everyone() == everyone_before
    erased = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "candidate_erased"))
    assert erased.target == f"candidate:{target.id}"
    assert erased.details["reason"] == "[candidate] asked for erasure"
    assert erased.details["counts"]["scorecards_kept"] == 3
    assert erased.details["counts"]["drafts_deleted"] == 1
    assert erased.details["counts"]["packet_files"] == 1
    # the debrief and packet of an erased candidate still work, anonymised
    render_packet(target.id)
    assert world.planted_in(world.folder_text(cache)) == []


def test_erasure_within_retention_needs_a_legal_basis(history, people, app):
    app.config["FIXED_NOW"] = BEFORE
    target = history["target"]
    result = cli(app, "candidates", "erase", str(target.id), "--reason", "asked", "--yes")
    assert result.exit_code == 1
    assert "until 2025-03-10" in result.output and "legal basis" in result.output
    assert cli(app, "candidates", "erase", str(target.id), "--reason", "asked").exit_code == 1
    with pytest.raises(RetentionRefused, match="confirmation"):
        erasure.erase(target.id, reason="asked", confirm="someone else",
                      actor=people["admin"], legal_basis="Art. 17(1)(b)")
    done = erasure.erase(target.id, reason="asked", confirm=world.NAME.lower(),
                         actor=people["admin"], legal_basis="GDPR Art. 17(1)(b): consent withdrawn")
    assert done.candidate_id == target.id
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "candidate_erased"))
    assert entry.details["legal_basis"] == "GDPR Art. 17(1)(b): consent withdrawn"
    assert entry.details["retention_expired"] is False
    again = cli(app, "candidates", "erase", str(target.id), "--reason", "x", "--yes")
    assert again.exit_code == 1 and "already erased" in again.output
    missing = cli(app, "candidates", "erase", "999999999", "--reason", "x", "--yes")
    assert missing.exit_code == 1 and "no candidate" in missing.output


def test_interrupted_erasure_leaves_nothing_half_done(history, people, app):
    """A failure after the scorecards were flushed (inside the transaction) rolls all of it
    back, and the packet file, removed only after the commit, is still there."""
    target = history["target"]
    render_packet(target.id)
    cache = Path(app.config["PACKET_CACHE_DIR"])
    files_before = sorted(p.name for p in cache.rglob("*"))
    dump_before = world.database_text()

    def fail_when_decisions_are_flushed(session, _context):
        if any(isinstance(obj, Decision) for obj in session.dirty):
            raise RuntimeError("injected failure")

    event.listen(Session, "after_flush", fail_when_decisions_are_flushed)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            erasure.erase(target.id, reason="asked", confirm=str(target.id),
                          actor=people["admin"])
    finally:
        event.remove(Session, "after_flush", fail_when_decisions_are_flushed)
    db.session.expire_all()
    assert world.database_text() == dump_before
    assert sorted(p.name for p in cache.rglob("*")) == files_before
    erasure.erase(target.id, reason="asked", confirm=str(target.id), actor=people["admin"])
    assert world.planted_in(world.database_text()) == []


# ---------------------------------------------------------------------- purge


def test_purge_dry_run_lists_and_changes_nothing_then_purge_twice(history, app):
    dump = world.database_text()
    dry = cli(app, "retention", "purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("would erase candidate") == 6
    assert "final decision no_hire 2024-03-10, kept 365 days until 2025-03-10" in dry.output
    assert world.database_text() == dump
    first = cli(app, "retention", "purge")
    assert first.exit_code == 0 and "Purged 6 candidate(s)." in first.output
    second = cli(app, "retention", "purge")
    assert second.exit_code == 0 and "Purged 0 candidate(s)." in second.output
    runs = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "retention_purge")
                              .order_by(AuditEvent.id)).all()
    assert [r.details["candidates_erased"] for r in runs] == [6, 0]
    assert runs[0].details["counts"]["scorecards_kept"] == 18
    assert world.planted_in(world.database_text()) == []


def test_purge_respects_the_clock_and_the_policy(history, app, people):
    app.config["FIXED_NOW"] = BEFORE
    assert erasure.due() == []
    app.config["FIXED_NOW"] = AFTER
    retention.set_policy(3650, people["admin"])
    assert erasure.due() == []
    retention.set_policy(30, people["admin"])
    assert len(erasure.due()) == 6


# ---------------------------------------------------------------------- export


def test_export_has_everything_stored_and_the_packet(history, app, tmp_path):
    target = history["target"]
    out = tmp_path / "export.zip"
    result = cli(app, "candidates", "export", str(target.id), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        record = json.loads(archive.read(f"candidate-{target.id}.json"))
        pdf = archive.read(f"debrief-candidate-{target.id}.pdf")
    assert names == [f"candidate-{target.id}.json", f"debrief-candidate-{target.id}.pdf"]
    text = json.dumps(record)
    for planted in (world.NAME, world.EMAIL, "PLANTED-EVIDENCE-7f3a", "PLANTED-NOTE-91c2"):
        assert planted in text
    assert record["candidate"]["email"] == world.EMAIL
    assert len(record["interviews"]) == 4
    assert sum(len(i["scorecards"]) for i in record["interviews"]) == 4  # the draft too
    assert record["decisions"][0]["decision"] == "no_hire"
    from pypdf import PdfReader
    assert world.NAME in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    exported = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "candidate_exported"))
    assert exported.target == f"candidate:{target.id}"
    bad = cli(app, "candidates", "export", "999999", "--out", str(out))
    assert bad.exit_code == 1 and "no candidate" in bad.output
    nowhere = cli(app, "candidates", "export", str(target.id), "--out",
                  str(tmp_path / "missing" / "x.zip"))
    assert nowhere.exit_code == 1


def test_two_purges_at_once_erase_each_candidate_once(history, app):
    """Two cron runs overlapping: the row lock and the re-check mean one erasure each."""
    import threading

    db.session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                erasure.purge(via="cli")
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    erased = db.session.scalars(select(AuditEvent.target).where(
        AuditEvent.event == "candidate_erased")).all()
    assert sorted(erased) == sorted(f"candidate:{c.id}" for c in history["candidates"])
    runs = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "retention_purge")).all()
    assert sum(r.details["candidates_erased"] for r in runs) == 6 and len(runs) == 2


def test_erased_candidate_takes_no_new_feedback_or_decision(history, people, app):
    """After erasure the late interviewer (their draft went with the candidate's data) can
    neither save nor submit a scorecard, and nobody can record a decision: the services
    refuse and the policy denies, so no new personal data attaches to the opaque record."""
    from hiring import policy
    from hiring.models import Interview, User
    from hiring.services import decisions, scorecards
    from hiring.services.errors import NotAllowed

    target = history["target"]
    erasure.erase(target.id, reason="asked", confirm=world.NAME.lower(),
                  actor=people["admin"], legal_basis="GDPR Art. 17(1)(b)")
    late = db.session.scalar(select(User).where(User.email == "late@example.com"))
    interview = db.session.scalar(select(Interview).where(
        Interview.candidate_id == target.id, Interview.interviewer_id == late.id))
    assert not policy.can(late, "scorecards.write", interview)
    card = scorecards.find_or_new(interview, late)
    data = scorecards.ScorecardInput(ratings={}, overall=3)
    with pytest.raises(NotAllowed, match="erased"):
        scorecards.save_draft(card, data, scorecards.stored_version(card))
    candidate = db.session.get(Candidate, target.id)
    assert not policy.can(people["admin"], "decisions.record", candidate)
    with pytest.raises(NotAllowed, match="erased"):
        decisions.record_decision(candidate, "hire", "fine", people["admin"])
    assert db.session.scalar(select(func.count()).select_from(Scorecard).where(
        Scorecard.interview_id == interview.id)) == 0


def test_export_whose_packet_times_out_is_refused_in_one_line(history, app, tmp_path):
    """A packet render past PDF_RENDER_TIMEOUT (0 here: every render is too slow) refuses the
    export with a reason instead of a server error; without the packet it still works."""
    app.config["PDF_RENDER_TIMEOUT"] = 0
    target = history["target"]
    out = tmp_path / "export.zip"
    refused = cli(app, "candidates", "export", str(target.id), "--out", str(out))
    assert refused.exit_code == 1 and "took too long" in refused.output
    assert not out.exists()
    done = cli(app, "candidates", "export", str(target.id), "--out", str(out), "--no-packet")
    assert done.exit_code == 0 and zipfile.is_zipfile(out)
