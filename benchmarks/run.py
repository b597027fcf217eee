"""Benchmark: collsec against the Mesa reference (issue 4).

Both run the default scenario's rules on the same world, in the same process,
on the same machine; the result is each one's throughput in state-years per
second (states x years x replications over wall time; the few states that die
during a run still count, for both) and their ratio.

Mesa is slow, so it is timed on fewer replications than collsec; throughput
per state-year makes the two comparable (each Mesa replication is independent,
so its cost per state-year does not depend on how many are run).

Cores: collsec runs on ``--cores`` cores (threads of the compiled engine, or
processes of the NumPy engine). Mesa is timed in one process; on ``--cores``
cores it is credited with ``cores`` times that throughput (perfect scaling of
independent replications: generous to Mesa). The JSON also gives the ratio on
one core each.

Usage::

    python benchmarks/run.py            # 200 collsec replications x 200 years, 2 cores
    python benchmarks/run.py --quick    # under a minute on 2 cores
    python benchmarks/run.py --json     # one JSON object on stdout
    python benchmarks/run.py --engine numpy --cores 1   # the batched NumPy engine alone
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import itertools
import statistics
from collections.abc import Callable

from mesa_reference import CollsecMesaModel

import collsec
from collsec import fast
from collsec.api import make_world
from collsec.scenario import Scenario, load_scenario


def _lean(sc: Scenario) -> Scenario:
    """The scenario with per-year and crisis output off (summary metrics only)."""
    return sc.with_overrides({"output.yearly": False, "output.crises": False})


def _collsec_part(
    sc: Scenario,
    regime: str,
    first: int,
    count: int,
    seed: int,
    batch_size: int,
    engine: str = "auto",
    threads: int = 1,
) -> float:
    """Run one part of a collsec run; return its state-years (states x years x runs)."""
    res = collsec.simulate(
        sc,
        regime,
        replications=count,
        seed=seed,
        first_replication=first,
        batch_size=batch_size,
        engine=engine,
        threads=threads,
    )
    return float(res.world.n * sc.horizon * len(res.replications))


def time_collsec(
    sc: Scenario,
    regime: str,
    replications: int,
    seed: int,
    workers: int = 1,
    batch_size: int = 1000,
    engine: str = "auto",
    threads: int = 1,
) -> tuple[float, float]:
    """Run collsec; return (state-years, seconds). With ``workers > 1`` the
    replications are split into contiguous parts run in separate processes
    (``first_replication`` keeps each replication's numbers unchanged); the
    compiled engine can instead run ``threads`` replications at once."""
    start = time.perf_counter()
    if workers <= 1:
        sy = _collsec_part(sc, regime, 0, replications, seed, batch_size, engine, threads)
    else:
        bounds = np.linspace(0, replications, workers + 1).astype(int)
        with ProcessPoolExecutor(workers) as pool:
            futures = [
                pool.submit(
                    _collsec_part, sc, regime, int(a), int(b - a), seed, batch_size, engine, threads
                )
                for a, b in itertools.pairwise(bounds)
                if b > a
            ]
            sy = sum(f.result() for f in futures)
    return sy, time.perf_counter() - start


class _Side:
    """One side of the comparison: its state-years, wall and CPU seconds so far."""

    def __init__(self, once: Callable[[], float], min_steps: int = 1) -> None:
        self.once, self.min_steps = once, min_steps
        self.steps, self.sy, self.wall, self.cpu = 0, 0.0, 0.0, 0.0

    def short(self, seconds: float) -> bool:
        return self.wall < seconds or self.steps < self.min_steps

    def step(self) -> None:
        w, c = time.perf_counter(), time.process_time()
        self.steps += 1
        self.sy += self.once()
        self.wall += time.perf_counter() - w
        self.cpu += time.process_time() - c


def _interleaved(seconds: float, sides: list[_Side]) -> None:
    """Step the sides in turn until each has run ``seconds`` (wall) and its
    least number of steps, so that a change of the machine's load falls on
    every side alike."""
    while any(s.short(seconds) for s in sides):
        for s in sides:
            if s.short(seconds):
                s.step()


def _mesa_once(sc: Scenario, regime: str, seed: int) -> Callable[[], float]:
    """A function running the next Mesa replication; returns its state-years."""
    world = make_world(sc, seed)
    count = itertools.count()

    def once() -> float:
        k = next(count)
        model = CollsecMesaModel(
            sc, world, regime, rng=np.random.SeedSequence(seed, spawn_key=(k,))
        )
        for _ in range(sc.horizon):
            model.step()
        return float(world.n * sc.horizon)

    return once


def _layout(args: argparse.Namespace, min_workers: int = 1) -> tuple[str, int, int, int]:
    """The engine, and how collsec uses the cores: (engine, cores, threads, processes).

    ``auto`` is the compiled engine when numba is installed, except for
    ``--quick`` before its first compilation (which takes longer than the
    minute ``--quick`` promises). The compiled engine runs threads in one
    process; the NumPy engine, processes.
    """
    engine = args.engine
    if engine == "auto":
        engine = "compiled" if fast.supports([], 0) else "numpy"
        if engine == "compiled" and args.quick and not fast.is_ready():
            engine = "numpy"
            print(
                "note: the compiled engine is not compiled yet; --quick times the NumPy engine "
                "(compile once with: python -c 'import collsec.fast as f; f.warm()')",
                file=sys.stderr,
            )
    cores = max(1, args.cores)
    threads = cores if engine == "compiled" and args.workers is None else 1
    default_workers = 1 if threads > 1 else max(cores, min_workers)
    workers = args.workers if args.workers is not None else default_workers
    return engine, cores, threads, workers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller run (under a minute)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--regime", default="as_specified")
    ap.add_argument("--scenario", default="default")
    ap.add_argument("--replications", type=int, help="collsec replications")
    ap.add_argument("--mesa-replications", type=int, help="Mesa replications")
    ap.add_argument("--years", type=int)
    ap.add_argument("--cores", type=int, default=2, help="cores for each side (default 2)")
    ap.add_argument(
        "--engine",
        choices=("auto", "numpy", "compiled"),
        default="auto",
        help="collsec's engine (auto: compiled if numba is installed)",
    )
    ap.add_argument("--workers", type=int, help="processes for collsec (default: as --cores)")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--repeats", type=int, default=3, help="timings of each side (median, range)")
    ap.add_argument(
        "--min-seconds",
        type=float,
        default=5.0,
        help="time each side for at least this long in every repeat (default 5)",
    )
    ap.add_argument(
        "--big",
        action="store_true",
        help="time collsec alone on 10,000 replications x 200 years (2 workers), with peak RSS",
    )
    args = ap.parse_args(argv)
    if args.big:
        return _big(args)
    sc = _lean(load_scenario(args.scenario))
    years = args.years or (100 if args.quick else sc.horizon)
    reps = args.replications or (100 if args.quick else sc.replications)
    mesa_reps = args.mesa_replications or (3 if args.quick else 10)
    sc = sc.replace(horizon=years)
    engine, cores, threads, workers = _layout(args)
    # Warm up (imports, compilation, first-call costs) outside the timings.
    collsec.simulate(sc, args.regime, replications=2, years=2, seed=args.seed, engine=engine)
    repeats = []
    for _ in range(max(1, args.repeats)):
        one = _Side(lambda: time_collsec(sc, args.regime, reps, args.seed, engine=engine)[0])
        many = _Side(
            lambda: time_collsec(
                sc, args.regime, reps, args.seed, workers=workers, engine=engine, threads=threads
            )[0]
        )
        mesa = _Side(_mesa_once(sc, args.regime, args.seed), min_steps=mesa_reps)
        _interleaved(args.min_seconds, [one, many, mesa])
        x1, y1 = one.sy / one.wall, mesa.sy / mesa.wall
        x, y = many.sy / many.wall, cores * y1
        repeats.append(
            {
                "collsec_seconds": many.wall,
                "collsec_single_core_seconds": one.wall,
                "mesa_seconds": mesa.wall,
                "mesa_replications": mesa.steps,
                "collsec_state_years_per_s": x,
                "mesa_state_years_per_s": y,
                "ratio": x / y,
                "single_core": {
                    "collsec_state_years_per_s": x1,
                    "mesa_state_years_per_s": y1,
                    "ratio": x1 / y1,
                    # CPU time: steadier than wall time on a shared machine.
                    "cpu_ratio": (one.sy / one.cpu) / (mesa.sy / mesa.cpu),
                },
            }
        )

    def med(get: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(get(r) for r in repeats)

    def spread(get: Callable[[dict[str, Any]], float]) -> list[float]:
        return [min(get(r) for r in repeats), max(get(r) for r in repeats)]

    out = {
        "states": make_world(sc, args.seed).n,
        "years": years,
        "replications": reps,
        "mesa_replications": med(lambda r: r["mesa_replications"]),
        "engine": engine,
        "cores": cores,
        "threads": threads,
        "workers": workers,
        "min_seconds": args.min_seconds,
        "collsec_seconds": med(lambda r: r["collsec_seconds"]),
        "mesa_seconds": med(lambda r: r["mesa_seconds"]),
        "collsec_state_years_per_s": med(lambda r: r["collsec_state_years_per_s"]),
        "mesa_state_years_per_s": med(lambda r: r["mesa_state_years_per_s"]),
        "ratio": med(lambda r: r["ratio"]),
        "ratio_range": spread(lambda r: r["ratio"]),
        "single_core": {
            "collsec_state_years_per_s": med(
                lambda r: r["single_core"]["collsec_state_years_per_s"]
            ),
            "mesa_state_years_per_s": med(lambda r: r["single_core"]["mesa_state_years_per_s"]),
            "ratio": med(lambda r: r["single_core"]["ratio"]),
            "ratio_range": spread(lambda r: r["single_core"]["ratio"]),
            "cpu_ratio": med(lambda r: r["single_core"]["cpu_ratio"]),
        },
        "load_average": list(os.getloadavg()),
        "repeats": repeats,
    }
    x, y, x1, y1 = (
        out["collsec_state_years_per_s"],
        out["mesa_state_years_per_s"],
        out["single_core"]["collsec_state_years_per_s"],
        out["single_core"]["mesa_state_years_per_s"],
    )
    c_s, m_s = out["collsec_seconds"], out["mesa_seconds"]
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"scenario {args.scenario!r}, regime {args.regime!r}, {out['states']} states, {years} years"
    )
    print(
        f"collsec ({engine}): {reps} replications on {cores} core(s) "
        f"({threads} thread(s), {workers} process(es)): {c_s:.2f} s, {x:,.0f} state-years/s; "
        f"one core {x1:,.0f}"
    )
    print(
        f"Mesa:    {out['mesa_replications']} replications in one process "
        f"(fewer: Mesa is slow; compared per state-year): {m_s:.2f} s, "
        f"{y1:,.0f} state-years/s; on {cores} core(s), at best {y:,.0f}"
    )
    lo, hi = out["ratio_range"]
    lo1, hi1 = out["single_core"]["ratio_range"]
    print(
        f"ratio:   {x / y:,.1f}x on {cores} core(s) each (range {lo:,.1f}-{hi:,.1f}); "
        f"{x1 / y1:,.1f}x on one core each (range {lo1:,.1f}-{hi1:,.1f}); "
        f"median of {len(repeats)} repeats of at least {args.min_seconds:g} s a side"
    )
    return 0


def _big(args: argparse.Namespace) -> int:
    """The 10,000-replication target: wall time and peak RSS (parent and workers)."""
    sc = _lean(load_scenario(args.scenario))
    years = args.years or sc.horizon
    reps = args.replications or 10_000
    engine, _cores, threads, workers = _layout(args, min_workers=2)
    if engine == "compiled":
        fast.warm()  # compile (or load from the disk cache) outside the timing
    sc = sc.replace(horizon=years)
    sy, dt = time_collsec(
        sc,
        args.regime,
        reps,
        args.seed,
        workers=workers,
        batch_size=250,
        engine=engine,
        threads=threads,
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = {
        "states": make_world(sc, args.seed).n,
        "years": years,
        "replications": reps,
        "workers": workers,
        "threads": threads,
        "engine": engine,
        "seconds": dt,
        "collsec_state_years_per_s": sy / dt,
        "peak_rss_mb_parent": own,
        "peak_rss_mb_largest_worker": child,
        "peak_rss_mb_total_bound": own + (workers * child if workers > 1 else 0),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:28s} {v:,.1f}" if isinstance(v, float) else f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
