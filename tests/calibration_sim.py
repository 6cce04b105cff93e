"""A planted-truth simulation for calibration: three teams of eight interviewers, lenient and
severe raters concentrated in two teams, most panels drawn from one team."""

from __future__ import annotations

import random

from hiring.core.calibration import PastRating

EFFECT = 0.7


def planted(team: int, seat: int) -> float:
    """Team 0: four lenient (+0.7); team 1: four severe (-0.7); everyone else neutral."""
    if seat < 4 and team == 0:
        return EFFECT
    if seat < 4 and team == 1:
        return -EFFECT
    return 0.0


def simulate(seed: int, candidates: int = 300, mixed: float = 0.15, panel: int = 4,
             dimensions: int = 4, noise: float = 0.5) -> tuple[list[PastRating], dict]:
    rnd = random.Random(seed)
    teams = [[team * 8 + seat for seat in range(8)] for team in range(3)]
    truth = {team * 8 + seat: planted(team, seat) for team in range(3) for seat in range(8)}
    history, card = [], 0
    for candidate in range(candidates):
        if rnd.random() < mixed:
            people = rnd.sample(sorted(truth), panel)
        else:
            people = rnd.sample(rnd.choice(teams), panel)
        levels = [rnd.uniform(1.5, 3.5) for _ in range(dimensions)]
        for person in people:
            card += 1
            for dim, level in enumerate(levels):
                value = round(level + truth[person] + rnd.gauss(0, noise))
                history.append(PastRating(person, candidate, dim, min(4, max(1, value)), card))
    return history, truth
