"""A sweep of 1,000 cells on two local worker processes: compiled engine against NumPy.

Issue 14, item 5. Not a timed test: run by hand and read the ratio::

    PYTHONPATH=src python benchmarks/sweep_engines.py [--cells 1000] [--replications 4]
        [--years 100] [--workers 2] [--engines compiled numpy] [--chunk-cells 1]

The same grid sweep (the default world; obligation x credibility x free
riding, ``--cells`` points in all; one regime, ``as_specified``) runs once per
engine (``collsec sweep --engine``) on a :class:`ProcessExecutor` of
``--workers`` processes, each into a fresh folder, start-up of the pool
included, as a user would see it. The first engine is the reference: the
others' rows must hold the same cells, regimes, replications and seeds, and
agree with it in distribution (bit for bit where NumPy's ``exp``/``log`` are
the C library's, :func:`collsec.fast.numpy_uses_own_math`; elsewhere, on CPUs
with AVX-512, a last-bit difference can turn a draw the other way now and
then). Printed per engine: wall seconds, cells/s, replication-runs/s, CPU
seconds of this process and its workers, and the load average before and
after; then each engine's ratio to the reference.

The compiled engine must be compiled first (``python -c "import collsec.fast
as f; f.warm()"``, a few minutes once per checkout); the benchmark refuses to
time a compilation.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.experiments import ProcessExecutor, load_results, plan, run_sweep, spec_from_data
from collsec.experiments.store import read_manifest
from collsec.results import SUMMARY_METRICS

KEY = ["cell", "regime", "replication", "cell_seed"]
CHECKED = ("war_rate", "deterred_rate", "weak_survival")
"""Metrics whose paired difference between engines is checked (as the sweep's summary)."""


def _spec(cells: int, replications: int, years: int, chunk_cells: int = 1) -> dict[str, Any]:
    """A grid of about ``cells`` cells over three drivers of the promise's strength."""
    points = max(1, round(cells ** (1 / 3)))
    return {
        "name": "sweep-engines",
        "base": "default",
        "parameters": [
            {"path": "arrangements[0].obligation", "name": "obligation", "low": 0.1, "high": 0.9},
            {"path": "arrangements[0].credibility", "name": "credibility", "low": 0.1, "high": 0.9},
            {"path": "params.response.free_riding", "name": "free_riding", "low": 0.0, "high": 1.0},
        ],
        "design": {"kind": "grid", "points": points},
        "regimes": ["as_specified"],
        "replications": replications,
        "years": years,
        "seed": 14,
        "chunk": {"cells": chunk_cells},
    }


def _clock_ticks(pid: int) -> int:
    """utime + stime + cutime + cstime of a live process, in clock ticks (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(f) for f in fields[11:15])


def _children() -> list[int]:
    """Live child processes of this one (the forkserver the pool's workers fork from)."""
    me = str(os.getpid())
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                pids.append(int(d.name))
    return pids


def cpu_seconds() -> float:
    """CPU seconds of this process, its reaped children and its live children's trees.

    The pool's workers are forked by the forkserver (a child of this process
    that lives until it exits), which reaps them: their time is in the
    forkserver's ``cutime``/``cstime`` once the pool has shut down.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks = sum(_clock_ticks(p) for p in _children())
    return (
        own.ru_utime
        + own.ru_stime
        + reaped.ru_utime
        + reaped.ru_stime
        + ticks / os.sysconf("SC_CLK_TCK")
    )


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(p: Any, out: Path, engine: str, workers: int) -> dict[str, Any]:
    """Run the sweep on ``engine`` into ``out``; return its timings."""
    total = len(p.chunks)
    step = max(1, total // 10)
    seen = {"chunks": 0}

    def on_chunk(index: int, rows: int) -> None:
        seen["chunks"] += 1
        n = seen["chunks"]
        if n % step == 0 or n == total:
            secs = time.perf_counter() - t0
            print(
                f"  {engine}: {n:5d}/{total} chunks, {secs:7.1f} s, "
                f"{n / secs:6.1f} chunks/s, load {_load()}",
                flush=True,
            )

    load_before = os.getloadavg()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    report = run_sweep(p, out, ProcessExecutor(workers), engine=engine, on_chunk=on_chunk)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    load_after = os.getloadavg()
    if not report.complete:
        raise SystemExit(f"{engine}: the sweep did not finish ({report})")
    manifest = read_manifest(out) or {}
    return {
        "engine": engine,
        "ran": manifest.get("engines"),
        "wall": wall,
        "cpu": cpu,
        "load_before": load_before,
        "load_after": load_after,
        "rows": load_results(out),
    }


def check_rows(ref: pd.DataFrame, other: pd.DataFrame, name: str, bitwise: bool) -> str:
    """Same cells, counts and seeds; metrics valid; agreement with the reference.

    Returns a one-line account of the agreement. Raises ``SystemExit`` on a
    failure (a benchmark that times wrong rows is no benchmark).
    """
    if len(ref) != len(other):
        raise SystemExit(f"{name}: {len(other)} rows, the reference {len(ref)}")
    keys = [c for c in ref.columns if c not in SUMMARY_METRICS]
    if list(other.columns) != list(ref.columns):
        raise SystemExit(f"{name}: columns differ from the reference")
    pd.testing.assert_frame_equal(ref[keys], other[keys])
    for m in CHECKED:
        x = other[m].to_numpy(dtype=float)
        ok = x[~np.isnan(x)]
        if ((ok < 0) | (ok > 1)).any():
            raise SystemExit(f"{name}: {m} outside [0, 1]")
    if bitwise:
        pd.testing.assert_frame_equal(ref, other)
        return "bit for bit the same rows (NumPy's exp/log are the C library's here)"
    same = (ref[list(SUMMARY_METRICS)].fillna(-1) == other[list(SUMMARY_METRICS)].fillna(-1)).all(
        axis=1
    )
    parts = [f"{same.mean():.1%} of rows identical"]
    for m in CHECKED:
        d = (other[m] - ref[m]).dropna().to_numpy(dtype=float)
        se = d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else 0.0
        z = d.mean() / se if se > 0 else 0.0
        # Paired over the same seeds: the engines draw the same numbers, so a
        # real difference of rules would show as a mean difference far beyond
        # its standard error.
        if abs(z) > 5:
            raise SystemExit(f"{name}: {m} differs from the reference, z = {z:.1f}")
        parts.append(f"{m} mean diff {d.mean():+.2e} (z {z:+.1f})")
    return "; ".join(parts)


def main() -> None:
    """Run the sweep on each engine and print throughput, CPU time, load and ratios."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cells", type=int, default=1000, help="about this many cells (a cube grid)")
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--years", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", nargs="+", default=["compiled", "numpy"])
    ap.add_argument("--chunk-cells", type=int, default=1, help="cells per chunk (the spec default)")
    args = ap.parse_args()
    if "compiled" in args.engines:
        from collsec import fast

        if not fast.is_ready():
            raise SystemExit(
                'the compiled engine is not compiled: run python -c "import collsec.fast as f; '
                'f.warm()" first'
            )
    from collsec.fast import numpy_uses_own_math

    bitwise = not numpy_uses_own_math()
    p = plan(spec_from_data(_spec(args.cells, args.replications, args.years, args.chunk_cells)))
    cells = len(p.cells)
    runs = cells * len(p.spec.regimes) * p.replications
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {cells} cells x {p.replications} replications "
        f"x {p.years} years ({runs} runs, {len(p.chunks)} chunks), {args.workers} workers, "
        f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines:
            print(f"{engine}: load {_load()} at start", flush=True)
            results.append(run_one(p, Path(tmp) / engine, engine, args.workers))
    ref = results[0]
    print()
    for r in results:
        agreement = (
            "reference" if r is ref else check_rows(ref["rows"], r["rows"], r["engine"], bitwise)
        )
        lb = "/".join(f"{x:.2f}" for x in r["load_before"])
        la = "/".join(f"{x:.2f}" for x in r["load_after"])
        print(
            f"{r['engine']:9s} (ran {','.join(r['ran'] or [])}): {r['wall']:7.1f} s wall, "
            f"{cells / r['wall']:7.2f} cells/s, {runs / r['wall']:8.1f} runs/s, "
            f"{r['cpu']:7.1f} s CPU ({r['cpu'] / r['wall']:.2f} cores), "
            f"load {lb} -> {la}; {agreement}"
        )
    for r in results[1:]:
        print(
            f"{ref['engine']}/{r['engine']}: {r['wall'] / ref['wall']:.2f}x the runs/s "
            f"(wall), {r['cpu'] / ref['cpu']:.2f}x per CPU second"
        )


if __name__ == "__main__":
    main()
