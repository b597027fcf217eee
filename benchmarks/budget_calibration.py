"""Calibrate collsec.budget: peak memory and time of real runs, one process each.

Each configuration runs ``collsec run default`` (numpy engine, as the CLI
does: simulate, then write the folder without plots) in a fresh Python
process and reports its peak resident set size (``ru_maxrss``), its wall time
and its crisis rows. A least-squares fit then gives the bytes per
replication-year, per replication-year-state (``output.states``) and per
crisis row, and the seconds per replication-year-state, which
``collsec/budget.py`` uses. Run::

    PYTHONPATH=src python benchmarks/budget_calibration.py
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from collsec.api import simulate
from collsec.results import Comparison
from collsec.scenario import load_scenario
reps, years, n, crises, states = (int(x) for x in sys.argv[1:6])
sc = load_scenario("default")
sc = sc.replace(replications=reps, horizon=years,
                world={**sc.world.model_dump(), "n_states": n},
                output={"yearly": True, "crises": bool(crises), "states": bool(states)})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t = time.perf_counter()
r = simulate(sc, "as_specified", engine="numpy")
with tempfile.TemporaryDirectory() as d:
    Comparison({"as_specified": r}).write(Path(d), plots=False)
sec = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"base": base, "peak": peak, "seconds": sec, "crisis_rows": len(r.crises)}))
"""

CONFIGS = [  # replications, years, states, crisis log, per-state detail
    (250, 100, 40, 0, 0),
    (1000, 100, 40, 0, 0),
    (1000, 400, 40, 0, 0),
    (1000, 100, 40, 1, 0),
    (1000, 200, 40, 1, 0),
    (250, 100, 160, 0, 0),
    (250, 100, 160, 1, 0),
    (250, 100, 40, 0, 1),
    (250, 200, 80, 0, 1),
]


def main() -> None:
    rows = []
    for cfg in CONFIGS:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, *map(str, cfg)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        m = json.loads(out.strip().splitlines()[-1])
        m.update(zip(("reps", "years", "n", "crises", "states"), cfg, strict=True))
        rows.append(m)
        print(json.dumps(m), flush=True)
    ry = np.array([r["reps"] * r["years"] for r in rows], float)
    ryn_states = np.array([r["reps"] * r["years"] * r["n"] * r["states"] for r in rows], float)
    crisis = np.array([r["crisis_rows"] for r in rows], float)
    extra = np.array([r["peak"] - r["base"] for r in rows], float)
    a = np.column_stack([np.ones_like(ry), ry, ryn_states, crisis])
    coef, *_ = np.linalg.lstsq(a, extra, rcond=None)
    c0, c1, c2, c3 = (float(c) for c in coef)
    print(
        f"bytes: constant {c0:.3g}, per rep-year {c1:.1f}, "
        f"per rep-year-state (states) {c2:.1f}, per crisis row {c3:.1f}"
    )
    ryn = np.array([r["reps"] * r["years"] * r["n"] for r in rows], float)
    sec = np.array([r["seconds"] for r in rows], float)
    k = float(np.sum(sec * ryn) / np.sum(ryn * ryn))
    print(f"seconds per rep-year-state (numpy engine): {k:.3g}")
    rate = [r["crisis_rows"] / (r["reps"] * r["years"] * r["n"]) for r in rows if r["crises"]]
    print(f"crisis rows per rep-year-state (default scenario): {np.round(rate, 5)}")


if __name__ == "__main__":
    main()
