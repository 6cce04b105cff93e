"""Recovery and false-label rates of the rater-effects calibration on the planted-truth
simulation (tests/calibration_sim.py), against the old "mean deviation from co-panelists".

    .venv/bin/python bench/calibration_rates.py [seeds]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hiring.core.bands import IN_LINE, Settings  # noqa: E402
from hiring.core.calibration import calibrate, fit_effects  # noqa: E402
from tests.calibration_sim import simulate  # noqa: E402


def old_mislabels(history, truth) -> int:
    by_unit: dict = {}
    for p in history:
        by_unit.setdefault((p.candidate_id, p.dimension_id), {})[p.interviewer_id] = p.rating
    deviations: dict = {}
    for unit in by_unit.values():
        for i, r in unit.items():
            others = [x for j, x in unit.items() if j != i]
            deviations.setdefault(i, []).append(r - mean(others))
    return sum(abs(mean(deviations[i])) >= 0.25 for i in truth if truth[i] == 0)


def main(seeds: int) -> None:
    s = Settings()
    recovered, false, old, errors, seconds, sweeps = [], [], [], [], [], []
    for seed in range(seeds):
        history, truth = simulate(seed)
        start = time.perf_counter()
        found = calibrate(history, {i: str(i) for i in truth}, s, everyone=True)
        seconds.append(time.perf_counter() - start)
        sweeps.append(fit_effects(history, s.calibration_prior).sweeps)
        recovered.append(sum(
            c.tendency == ("lenient" if truth[c.interviewer_id] > 0 else "severe")
            for c in found if truth[c.interviewer_id]))
        false.append(sum(c.tendency != IN_LINE for c in found if not truth[c.interviewer_id]))
        errors.append(max(abs(c.deviation - truth[c.interviewer_id]) for c in found))
        old.append(old_mislabels(history, truth))
    print(f"seeds: {seeds}; ratings per history: {len(history)}")
    print(f"biased recovered (of 8): min {min(recovered)}, mean {mean(recovered):.2f}")
    print(f"neutral labelled (of 16): max {max(false)}, mean {mean(false):.2f}")
    print(f"old method, neutral labelled (of 16): min {min(old)}, mean {mean(old):.2f}, "
          f"max {max(old)}")
    print(f"largest |estimate - planted|: mean {mean(errors):.3f}, max {max(errors):.3f}")
    print(f"fit: {max(sweeps)} sweeps at most, {mean(seconds):.2f} s mean")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
