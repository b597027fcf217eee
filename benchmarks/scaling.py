"""Scaling of the engine: cost per state-year against states and replications (issue 4).

For each number of states (a generated world of that size, the default
scenario's parameters otherwise) and each number of replications, run the
default regime with per-year and crisis output off and report wall time,
state-years per second and microseconds per state-year (wall and CPU time;
CPU time is the steadier figure on a shared machine). Big cells are scaled
down in years (``--max-state-years``) so the table finishes in a few minutes;
the years actually run are printed in the table.

``--engine`` chooses collsec's engine (``numpy``: the batched NumPy engine;
``compiled``: :mod:`collsec.fast`, which needs numba; ``auto``: compiled when
numba is installed). The compiled engine runs on ``--threads`` threads (default
1, so that the cost per state-year is the cost on one core). The default budget
per cell is 8M state-years for the NumPy engine and 40M for the compiled one.

Usage::

    python benchmarks/scaling.py                    # states 10/50/200/1000 x reps 1/100/10000
    python benchmarks/scaling.py --engine numpy     # the same table for the NumPy engine
    python benchmarks/scaling.py --quick            # a smaller table
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
from collsec.scenario import Scenario, load_scenario


def _scenario(states: int, replications: int, years: int) -> Scenario:
    """The default scenario on a generated world of ``states`` states, summary output only."""
    return load_scenario("default").with_overrides(
        {
            "world.n_states": states,
            "world.n_great_powers": min(3, states),
            "output.yearly": False,
            "output.crises": False,
            "horizon": years,
            "replications": replications,
        }
    )


def cell(
    states: int,
    replications: int,
    years: int,
    seed: int = 1,
    engine: str = "numpy",
    threads: int = 1,
) -> dict[str, float]:
    """Time one run; return its size, wall and CPU time and throughput."""
    sc = _scenario(states, replications, years)
    start, cpu = time.perf_counter(), time.process_time()
    collsec.simulate(sc, seed=seed, engine=engine, threads=threads)
    dt, dcpu = time.perf_counter() - start, time.process_time() - cpu
    sy = states * years * replications
    return {
        "states": states,
        "replications": replications,
        "years": years,
        "seconds": dt,
        "cpu_seconds": dcpu,
        "state_years_per_s": sy / dt,
        "us_per_state_year": 1e6 * dt / sy,
        "cpu_us_per_state_year": 1e6 * dcpu / sy,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--years", type=int, default=200)
    ap.add_argument(
        "--engine",
        choices=("auto", "numpy", "compiled"),
        default="auto",
        help="collsec's engine (auto: compiled if numba is installed)",
    )
    ap.add_argument("--threads", type=int, default=1, help="threads of the compiled engine")
    ap.add_argument(
        "--states", type=int, nargs="+", help="numbers of states (default 10 50 200 1000)"
    )
    ap.add_argument(
        "--reps", type=int, nargs="+", help="numbers of replications (default 1 100 10000)"
    )
    ap.add_argument(
        "--max-state-years",
        type=float,
        help="scale a cell's years down so states x years x reps stays below this "
        "(default 8e6 for the NumPy engine, 4e7 for the compiled one)",
    )
    args = ap.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "compiled" if collsec.fast.supports([], 0) else "numpy"
    states = args.states or ((10, 50) if args.quick else (10, 50, 200, 1000))
    reps = args.reps or ((1, 100, 1000) if args.quick else (1, 100, 10_000))
    budget = args.max_state_years or (4e7 if engine == "compiled" else 8e6)
    if args.quick:
        budget = min(budget, 1e6)
    rows = []
    # Warm up (imports; for the compiled engine, loading or compiling its code).
    collsec.simulate(_scenario(10, 2, 2), seed=1, engine=engine, threads=args.threads)
    for n in states:
        for r in reps:
            years = max(10, min(args.years, int(budget / (n * r))))
            rows.append(cell(n, r, years, engine=engine, threads=args.threads))
            if not args.json:
                c = rows[-1]
                print(
                    f"states {n:4d}  reps {r:6d}  years {years:4d}  {c['seconds']:7.2f} s  "
                    f"{c['state_years_per_s']:12,.0f} state-years/s  "
                    f"{c['us_per_state_year']:7.3f} us/state-year  "
                    f"(CPU {c['cpu_us_per_state_year']:7.3f})",
                    flush=True,
                )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(
            json.dumps(
                {"engine": engine, "threads": args.threads, "cells": rows, "peak_rss_mb": peak}
            )
        )
    else:
        print(f"engine {engine}, {args.threads} thread(s); peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
