"""Demo data: a requisition with candidates, loops and submitted scorecards, so every page
can be tried at once. Deterministic for a given seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..auth.passwords import generate_password, hash_password
from ..core.blueprint_parser import parse_file
from ..extensions import db
from ..models import Candidate, Interview, Requisition, Role, TemplateVersion, User
from .blueprints import store_blueprint
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
NAMES = ["Avery Chen", "Jordan Okafor", "Sam Rivera", "Priya Natarajan", "Lee Haddad",
         "Morgan Ito", "Robin Kowalski", "Dana Mensah", "Kim Larsen", "Alex Moreau",
         "Taylor Brooks", "Noor Aziz"]


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
    person = User(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(person)
    return person


def build_demo(seed_dir: str, *, candidates: int = 4, interviewers: int = 5,
               seed: int = 7, note_words: int = 80, slug: str = "engineering-manager",
               title: str = "Engineering Manager, Payments") -> tuple[Requisition, dict]:
    rng = random.Random(seed)
    passwords: dict[str, str] = {}
    template = ensure_template(seed_dir, slug)
    manager = user("hm@demo.example", "Hana Manager", "hiring_manager", passwords)
    panel = [user(f"interviewer{i + 1}@demo.example", NAMES[i % len(NAMES)], "interviewer",
                  passwords) for i in range(interviewers)]
    requisition = Requisition(title=title, team="Payments", template=template,
                              hiring_manager=manager)
    db.session.add(requisition)
    db.session.flush()
    dims = template.dimensions
    start = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    for c in range(candidates):
        candidate = Candidate(requisition=requisition, name=f"Candidate {chr(65 + c)}",
                              email=f"candidate{c + 1}@demo.example", stage="debrief")
        db.session.add(candidate)
        talent = rng.uniform(1.8, 3.6)
        for i, person in enumerate(panel):
            focus = [d for k, d in enumerate(dims) if k % interviewers == i]
            focus = focus or [dims[i % len(dims)]]
            interview = Interview(candidate=candidate, interviewer=person, kind="technical",
                                  scheduled_at=start + timedelta(days=c, hours=i), focus=focus)
            db.session.add(interview)
            db.session.flush()
            ratings = {d.id: (max(1, min(4, round(rng.gauss(talent, 0.7)))),
                              note(rng, note_words)) for d in dims}
            flags = {}
            if rng.random() < 0.1:
                flag = rng.choice(template.signals_of("red_flag"))
                flags[flag.id] = note(rng, 20)
            card = get_or_create(interview, person)
            save(card, ScorecardInput(
                ratings=ratings,
                signals={s.id for s in rng.sample(template.signals_of("strong"), 2)},
                red_flags=flags,
                overall=max(1, min(4, round(rng.gauss(talent, 0.6)))),
                other_concern=note(rng, 25) if rng.random() < 0.3 else ""),
                card.lock_version, submit=True)
    db.session.commit()
    return requisition, passwords
