"""Scaling of the engine: cost per state-year against states and replications (issue 4).

For each number of states (a generated world of that size, the default
scenario's parameters otherwise) and each number of replications, run the
default regime with per-year and crisis output off and report wall time,
state-years per second and microseconds per state-year. Big cells are scaled
down in years (``--max-state-years``) so the table finishes in a few minutes;
the years actually run are printed in the table.

Usage::

    python benchmarks/scaling.py                 # states 10/50/200 x reps 1/100/10000
    python benchmarks/scaling.py --quick         # a smaller table
    python benchmarks/scaling.py --json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import collsec
from collsec.scenario import load_scenario


def cell(states: int, replications: int, years: int, seed: int = 1) -> dict[str, float]:
    """Time one run; return its size, wall time and throughput."""
    sc = load_scenario("default").with_overrides(
        {
            "world.n_states": states,
            "world.n_great_powers": min(3, states),
            "output.yearly": False,
            "output.crises": False,
            "horizon": years,
            "replications": replications,
        }
    )
    start = time.perf_counter()
    collsec.simulate(sc, seed=seed)
    dt = time.perf_counter() - start
    sy = states * years * replications
    return {
        "states": states,
        "replications": replications,
        "years": years,
        "seconds": dt,
        "state_years_per_s": sy / dt,
        "us_per_state_year": 1e6 * dt / sy,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--years", type=int, default=200)
    ap.add_argument(
        "--max-state-years",
        type=float,
        default=8e6,
        help="scale a cell's years down so states x years x reps stays below this",
    )
    args = ap.parse_args(argv)
    states = (10, 50) if args.quick else (10, 50, 200)
    reps = (1, 100, 1000) if args.quick else (1, 100, 10_000)
    budget = 1e6 if args.quick else args.max_state_years
    rows = []
    collsec.simulate("default", replications=2, years=2, seed=1)  # warm up
    for n in states:
        for r in reps:
            years = max(10, min(args.years, int(budget / (n * r))))
            rows.append(cell(n, r, years))
            if not args.json:
                c = rows[-1]
                print(
                    f"states {n:4d}  reps {r:6d}  years {years:4d}  {c['seconds']:7.2f} s  "
                    f"{c['state_years_per_s']:12,.0f} state-years/s  "
                    f"{c['us_per_state_year']:7.3f} us/state-year",
                    flush=True,
                )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"cells": rows, "peak_rss_mb": peak}))
    else:
        print(f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
