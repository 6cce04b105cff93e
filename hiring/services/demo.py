"""Demo data: a requisition with candidates, loops and submitted scorecards, so every page
can be tried at once. Deterministic for a given seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from ..audit import record
from ..auth.passwords import generate_password, hash_password
from ..core.blueprint_parser import parse_file
from ..core.vocabulary import UserRole
from ..extensions import db
from ..models import (
    AuditEvent,
    CalibrationReport,
    Candidate,
    Decision,
    DimensionMean,
    Interview,
    InterviewFocus,
    LegalHold,
    PacketRender,
    Requisition,
    Role,
    Scorecard,
    ScorecardAmendment,
    ScorecardRating,
    ScorecardRedFlag,
    ScorecardSignal,
    ScoreSnapshot,
    TemplateVersion,
    User,
    UserSession,
    WeightAdjustment,
)
from ..models.base import utcnow
from . import agreement_stats, snapshots
from .blueprints import store_blueprint
from .calibration import mark_reports_stale
from .scorecards import ScorecardInput, get_or_create, save

SENTENCES = [
    "Described a concrete situation with the team, the constraint and the outcome.",
    "Quantified the impact: lead time fell from nine days to three over two quarters.",
    "Explained the trade-off they made and what they would do differently next time.",
    "Answers stayed general; when pressed for an example the detail was thin.",
    "Walked through how they handled the escalation with Product and Security.",
    "Showed how they coached a senior engineer through a difficult performance period.",
    "Drew the system on the whiteboard and named the failure modes without prompting.",
    "Referred to metrics but could not say how the baseline had been measured.",
]
# Fictional people; interviewers and candidates never share a name, so a demo debrief never
# reads as if someone rated themselves.
NAMES = ["Avery Chen", "Jordan Okafor", "Sam Rivera", "Priya Natarajan", "Lee Haddad",
         "Morgan Ito", "Robin Kowalski", "Dana Mensah", "Kim Larsen", "Alex Moreau",
         "Taylor Brooks", "Noor Aziz"]
CANDIDATE_NAMES = ["Ada Lindqvist", "Bruno Carvalho", "Chioma Eze", "Dmitri Volkov",
                   "Elif Demir", "Farah Haddadi", "Gustavo Reyes", "Hiroshi Tanaka",
                   "Ingrid Solberg", "Jamal Wright", "Keiko Mori", "Lucia Ferrante"]
DEMO_SUFFIX = " (demo)"


def note(rng: random.Random, words: int = 80) -> str:
    text = []
    while sum(len(s.split()) for s in text) < words:
        text.append(rng.choice(SENTENCES))
    return " ".join(text)


def ensure_template(seed_dir: str, slug: str = "engineering-manager") -> TemplateVersion:
    template = db.session.scalar(
        select(TemplateVersion).join(Role).where(Role.slug == slug)
        .order_by(TemplateVersion.version.desc()))
    return template or store_blueprint(parse_file(f"{seed_dir}/{slug}.json")).template


def user(email: str, name: str, role: str, passwords: dict) -> User:
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing:
        return existing
    password = generate_password()
    passwords[email] = password
    person = User(email=email, name=name, role=role, password_hash=hash_password(password),
                  is_demo=True)
    db.session.add(person)
    return person


def candidate_name(index: int) -> str:
    base = CANDIDATE_NAMES[index % len(CANDIDATE_NAMES)]
    return base if index < len(CANDIDATE_NAMES) else f"{base} {index // len(CANDIDATE_NAMES) + 1}"


def unique_title(title: str) -> str:
    """A demo requisition's title, numbered when an earlier demo has it already."""
    taken = set(db.session.scalars(select(Requisition.title).where(Requisition.is_demo)))
    number, candidate = 1, title + DEMO_SUFFIX
    while candidate in taken:
        number += 1
        candidate = f"{title} (demo {number})"
    return candidate


def demo_start(candidates: int) -> datetime:
    """When the first loop takes place: one loop a day, all of them over before now (a
    scorecard cannot be submitted before its interview), from 2 November 2026 when they fit
    between then and now."""
    start = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    if start + timedelta(days=candidates + 1) <= utcnow():
        return start
    return (utcnow() - timedelta(days=candidates + 2)).replace(hour=14, minute=0, second=0,
                                                                microsecond=0)


def _add_submitted(interview: Interview, person: User, data: ScorecardInput) -> None:
    """A submitted scorecard written directly: big demos (bench/scale.py) would otherwise
    spend minutes in one transaction per scorecard."""
    now = utcnow()
    card = Scorecard(interview=interview, author=person, status="submitted",
                     overall=data.overall, case_notes=data.case_notes,
                     other_concern=data.other_concern, created_at=now, updated_at=now,
                     submitted_at=now)
    card.ratings = [ScorecardRating(dimension_id=d, rating=r, evidence=e)
                    for d, (r, e) in data.ratings.items()]
    card.signals = [ScorecardSignal(signal_id=i) for i in sorted(data.signals)]
    card.red_flags = [ScorecardRedFlag(signal_id=i, note=n) for i, n in data.red_flags.items()]
    db.session.add(card)


def build_demo(seed_dir: str, *, candidates: int = 4, interviewers: int = 5,
               seed: int = 7, note_words: int = 80, slug: str = "engineering-manager",
               title: str = "Engineering Manager, Payments",
               actor: User | None = None, bulk: bool | None = None) -> tuple[Requisition, dict]:
    """One demo requisition. `bulk` (default: above 50 candidates) writes the submitted
    scorecards directly and computes the snapshots once at the end."""
    bulk = candidates > 50 if bulk is None else bulk
    rng = random.Random(seed)
    passwords: dict[str, str] = {}
    template = ensure_template(seed_dir, slug)
    manager = user("hm@demo.example", "Hana Manager", UserRole.HIRING_MANAGER.value, passwords)
    panel = [user(f"interviewer{i + 1}@demo.example", NAMES[i % len(NAMES)],
                  UserRole.INTERVIEWER.value, passwords) for i in range(interviewers)]
    requisition = Requisition(title=unique_title(title), team="Payments", template=template,
                              hiring_manager=manager, is_demo=True)
    db.session.add(requisition)
    db.session.flush()
    dims = template.dimensions
    start = demo_start(candidates)
    for c in range(candidates):
        candidate = Candidate(requisition=requisition, name=candidate_name(c),
                              email=f"candidate{c + 1}@demo.example", stage="debrief")
        db.session.add(candidate)
        talent = rng.uniform(1.8, 3.6)
        for i, person in enumerate(panel):
            focus = [d for k, d in enumerate(dims) if k % interviewers == i]
            focus = focus or [dims[i % len(dims)]]
            # the first interview of each loop is the role's first case study
            case = template.case_studies[0] if i == 0 and template.case_studies else None
            interview = Interview(candidate=candidate, interviewer=person,
                                  kind="case_study" if case else "technical", case_study=case,
                                  scheduled_at=start + timedelta(days=c, hours=i), focus=focus)
            db.session.add(interview)
            if not bulk:
                db.session.flush()
            ratings = {d.id: (max(1, min(4, round(rng.gauss(talent, 0.7)))),
                              note(rng, note_words)) for d in dims}
            flags = {}
            if rng.random() < 0.1:
                flag = rng.choice(template.signals_of("red_flag"))
                flags[flag.id] = note(rng, 20)
            data = ScorecardInput(
                ratings=ratings,
                signals={s.id for s in rng.sample(template.signals_of("strong"), 2)},
                red_flags=flags,
                overall=max(1, min(4, round(rng.gauss(talent, 0.6)))),
                other_concern=note(rng, 25) if rng.random() < 0.3 else "",
                case_notes=note(rng, 40) if case else "")
            if bulk:
                _add_submitted(interview, person, data)
            else:
                card = get_or_create(interview, person)
                save(card, data, card.lock_version, submit=True)
        if bulk and c % 200 == 199:
            db.session.flush()
    if bulk:
        # what submissions through the service leave: the snapshots, and the requisition's
        # agreement figure and the stored calibration reports marked stale for the next
        # rater fit (`flask calibration fit`, which the demo command runs) to compute
        db.session.flush()
        snapshots.refresh_requisition(requisition.id)
        agreement_stats.mark_stale(requisition.id)
        mark_reports_stale()
    record("demo_created", actor_email="cli" if actor is None else "", actor=actor,
           target=f"requisition:{requisition.id}",
           details={"candidates": candidates, "interviewers": interviewers,
                    "new_users": sorted(passwords)})
    db.session.commit()
    return requisition, passwords


def reset_demo(actor: User | None = None) -> dict[str, int]:
    """Remove every demo requisition with its candidates, loops, scorecards and decisions,
    and the demo accounts. An account the audit log refers to (someone logged in as it) is
    deactivated instead: the audit log is append-only. One commit."""
    requisitions = db.session.scalars(select(Requisition).where(Requisition.is_demo)).all()
    req_ids = [r.id for r in requisitions]
    cand_ids = select(Candidate.id).where(Candidate.requisition_id.in_(req_ids))
    interview_ids = select(Interview.id).where(Interview.candidate_id.in_(cand_ids))
    card_ids = select(Scorecard.id).where(Scorecard.interview_id.in_(interview_ids))
    for model in (ScorecardRating, ScorecardSignal, ScorecardRedFlag, ScorecardAmendment):
        db.session.execute(delete(model).where(model.scorecard_id.in_(card_ids)))
    db.session.execute(delete(Scorecard).where(Scorecard.id.in_(card_ids)))
    db.session.execute(delete(InterviewFocus).where(InterviewFocus.interview_id.in_(
        interview_ids)))
    db.session.execute(delete(Interview).where(Interview.id.in_(interview_ids)))
    db.session.execute(delete(Decision).where(Decision.candidate_id.in_(cand_ids)))
    db.session.execute(delete(LegalHold).where(LegalHold.candidate_id.in_(cand_ids)
                                               | LegalHold.requisition_id.in_(req_ids)))
    for model in (ScoreSnapshot, DimensionMean, PacketRender):
        db.session.execute(delete(model).where(model.candidate_id.in_(cand_ids)))
    db.session.execute(delete(Candidate).where(Candidate.id.in_(cand_ids)))
    db.session.execute(delete(WeightAdjustment).where(
        WeightAdjustment.requisition_id.in_(req_ids)))
    db.session.execute(delete(Requisition).where(Requisition.id.in_(req_ids)))
    # stored calibration reports counted the demo's ratings: the next view fits again
    db.session.execute(delete(CalibrationReport))
    removed = deactivated = 0
    for person in db.session.scalars(select(User).where(User.is_demo)).all():
        if _referenced(person):
            person.active = False
            deactivated += 1
            db.session.execute(delete(UserSession).where(UserSession.user_id == person.id))
        else:
            db.session.delete(person)
            removed += 1
    counts = {"requisitions": len(req_ids), "users_removed": removed,
              "users_deactivated": deactivated}
    record("demo_reset", actor=actor, actor_email="cli" if actor is None else "",
           details=counts)
    db.session.commit()
    return counts


def _referenced(person: User) -> bool:
    """Does anything that stays refer to this account?"""
    checks = [select(AuditEvent.id).where(AuditEvent.actor_id == person.id),
              select(Interview.id).where(Interview.interviewer_id == person.id),
              select(Scorecard.id).where(Scorecard.author_id == person.id),
              select(Requisition.id).where(Requisition.hiring_manager_id == person.id),
              select(Decision.id).where(Decision.decided_by_id == person.id),
              select(WeightAdjustment.id).where(WeightAdjustment.changed_by_id == person.id),
              select(ScorecardAmendment.id).where(ScorecardAmendment.author_id == person.id)]
    return any(db.session.scalar(q.limit(1)) is not None for q in checks)
