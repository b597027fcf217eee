"""Sweep throughput: local processes versus a Dask LocalCluster, 1 and 2 workers.

Not a timed test: run by hand and read the ratios::

    PYTHONPATH=src python benchmarks/sweep_throughput.py [--cells 16] [--years 60]

Each configuration runs the same small grid sweep into a fresh folder (start-up
of the pool or cluster included, as a user would see it) and checks that the
rows equal those of the first configuration, bit for bit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from collsec.experiments import (
    DaskExecutor,
    ProcessExecutor,
    load_results,
    plan,
    run_sweep,
    spec_from_data,
)


def _spec(cells: int, years: int, replications: int) -> dict[str, Any]:
    return {
        "name": "throughput",
        "base": "default",
        "parameters": [
            {"path": "params.response.free_riding", "low": 0.0, "high": 1.0},
        ],
        "design": {"kind": "grid", "points": cells},
        "regimes": ["as_specified"],
        "replications": replications,
        "years": years,
        "seed": 1,
    }


def main() -> None:
    """Time every configuration and print throughput and ratios."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cells", type=int, default=16)
    ap.add_argument("--years", type=int, default=60)
    ap.add_argument("--replications", type=int, default=8)
    args = ap.parse_args()
    p = plan(spec_from_data(_spec(args.cells, args.years, args.replications)))
    runs = len(p.cells) * p.replications
    configs = [
        ("processes", 1, lambda: ProcessExecutor(1)),
        ("processes", 2, lambda: ProcessExecutor(2)),
        ("dask", 1, lambda: DaskExecutor(workers=1)),
        ("dask", 2, lambda: DaskExecutor(workers=2)),
    ]
    rates: dict[tuple[str, int], float] = {}
    reference: pd.DataFrame | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for kind, n, make in configs:
            out = Path(tmp) / f"{kind}-{n}"
            t0 = time.perf_counter()
            ex = make()
            try:
                run_sweep(p, out, ex)
            finally:
                close = getattr(ex, "close", None)
                if close is not None:
                    close()
            secs = time.perf_counter() - t0
            rows = load_results(out)
            if reference is None:
                reference = rows
            pd.testing.assert_frame_equal(reference, rows)
            rates[(kind, n)] = runs / secs
            print(f"{kind:9s} {n} worker(s): {secs:6.2f} s, {runs / secs:7.1f} runs/s")
    print(f"processes 2/1 workers: {rates[('processes', 2)] / rates[('processes', 1)]:.2f}x")
    print(f"dask      2/1 workers: {rates[('dask', 2)] / rates[('dask', 1)]:.2f}x")
    for n in (1, 2):
        print(f"dask/processes at {n}: {rates[('dask', n)] / rates[('processes', n)]:.2f}x")


if __name__ == "__main__":
    main()
