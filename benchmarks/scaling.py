"""Scaling of the engine: cost per state-year against states and replications (issue 4).

For each number of states (a generated world of that size, the default
scenario's parameters otherwise) and each number of replications, run the
default regime with per-year and crisis output off and report wall time,
state-years per second and microseconds per state-year (wall and CPU time;
CPU time is the steadier figure on a shared machine). Big cells are scaled
down in years (``--max-state-years``) so the table finishes in a few minutes;
the years actually run are printed in the table.

``--states-per-region K`` keeps the states per region about fixed instead of
the default scenario's four regions whatever the number of states: each world
gets ``n // K`` regions (at least 1, at most the schema's 64, so from 640
states on a region holds more than ``K``). Each row also shows the world's
regions, ``dmax`` (the width of ``world.reach_in``: the most states that can
reach one state, the width of arming's loop) and the crises (wars begun plus
attacks deterred) per living state-year, the two things the engine's work per
state-year depends on besides the number of states.

``--engine`` chooses collsec's engine (``numpy``: the batched NumPy engine;
``compiled``: :mod:`collsec.fast`, which needs numba; ``auto``: compiled when
numba is installed). The compiled engine runs on ``--threads`` threads (default
1, so that the cost per state-year is the cost on one core). The default budget
per cell is 8M state-years for the NumPy engine and 40M for the compiled one.

Usage::

    python benchmarks/scaling.py                    # states 10/50/200/1000 x reps 1/100/10000
    python benchmarks/scaling.py --engine numpy     # the same table for the NumPy engine
    python benchmarks/scaling.py --quick            # a smaller table
    python benchmarks/scaling.py --states-per-region 10   # regions of about 10 states
    python benchmarks/scaling.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import collsec
from collsec.scenario import GeneratedWorld, Scenario, load_scenario

MAX_REGIONS: int = next(
    m.le for m in GeneratedWorld.model_fields["n_regions"].metadata if hasattr(m, "le")
)
"""The schema's bound on ``world.n_regions``."""


def regions_for(states: int, states_per_region: int | None) -> int:
    """Regions of a world of ``states`` states: the default scenario's 4, or ``n // K``."""
    if states_per_region is None:
        return 4
    return max(1, min(MAX_REGIONS, states // states_per_region))


def _scenario(states: int, replications: int, years: int, regions: int = 4) -> Scenario:
    """The default scenario on a generated world of ``states`` states, summary output only."""
    return load_scenario("default").with_overrides(
        {
            "world.n_states": states,
            "world.n_regions": regions,
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
    regions: int = 4,
) -> dict[str, float]:
    """Time one run; return its size, wall and CPU time, throughput and crisis rate."""
    sc = _scenario(states, replications, years, regions)
    start, cpu = time.perf_counter(), time.process_time()
    res = collsec.simulate(sc, seed=seed, engine=engine, threads=threads)
    dt, dcpu = time.perf_counter() - start, time.process_time() - cpu
    sy = states * years * replications
    pr = res.per_replication
    return {
        "states": states,
        "regions": regions,
        "dmax": int(res.world.reach_in.shape[1]),
        "crises_per_state_year": float((pr["war_rate"] + pr["deterred_rate"]).mean()),
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
    ap.add_argument(
        "--states-per-region",
        type=int,
        metavar="K",
        help=f"about K states per region (n // K regions, 1 to {MAX_REGIONS}) "
        "instead of the default scenario's 4 regions",
    )
    args = ap.parse_args(argv)
    if args.states_per_region is not None and args.states_per_region < 1:
        ap.error("--states-per-region: must be at least 1")
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
            nr = regions_for(n, args.states_per_region)
            rows.append(cell(n, r, years, engine=engine, threads=args.threads, regions=nr))
            if not args.json:
                c = rows[-1]
                print(
                    f"states {n:4d}  regions {nr:2d}  dmax {c['dmax']:2d}  "
                    f"crises/state-year {c['crises_per_state_year']:.4f}  "
                    f"reps {r:6d}  years {years:4d}  {c['seconds']:7.2f} s  "
                    f"{c['state_years_per_s']:12,.0f} state-years/s  "
                    f"{c['us_per_state_year']:7.3f} us/state-year  "
                    f"(CPU {c['cpu_us_per_state_year']:7.3f})",
                    flush=True,
                )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(
            json.dumps(
                {
                    "engine": engine,
                    "threads": args.threads,
                    "states_per_region": args.states_per_region,
                    "cells": rows,
                    "peak_rss_mb": peak,
                }
            )
        )
    else:
        print(f"engine {engine}, {args.threads} thread(s); peak RSS {peak:.0f} MB")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
