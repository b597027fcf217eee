"""Where the compiled engine's time goes as the states grow: its phases, clocked (issue 14).

A copy of the compiled engine's yearly loop (``collsec.fast.engine.run``, with
``collsec.fast.aggression.decide`` written out, crisis log off) calls the
engine's own kernels with a clock read between phases: the year's draws,
growth, arming, the would-be aggressors' search for a target, their
assessment of the arrangements' response (``assess``) and foresight
(``foresee``), the draws of the attacks, the attacks (``assess`` and
``clash``: sides, response, war, learning) and entry. It also counts the
would-be aggressors, the assessments and the attacks. For each number of
states it prints microseconds per state-year of each phase (wall clock,
``CLOCK_MONOTONIC``, read through the C library), the CPU time of the whole,
and whether the copy reproduced the engine's final capabilities, arms and
deaths bit for bit (it must: if the engine's kernels change, this copy has to
follow, and ``identical`` says when it has not).

Usage::

    python benchmarks/scaling_phases.py                 # 10 / 50 / 200 / 1000 states
    python benchmarks/scaling_phases.py --states 1000 --reps 50 --years 40 --json
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numba
from numba.typed import List
from scaling import _scenario

from collsec.api import make_world
from collsec.arrangements import arrangements_for_regime
from collsec.fast import run_batch_compiled
from collsec.fast.aggression import foresee
from collsec.fast.arming import arm
from collsec.fast.arrays import arrangement_arrays, pack, scratch, world_arrays
from collsec.fast.engine import clash
from collsec.fast.growth import grow
from collsec.fast.kernels import borrow, normal
from collsec.fast.learning import enter
from collsec.fast.response import assess
from collsec.fast.rules import utility
from collsec.seeds import replication_generators, root_sequence
from collsec.state import Batch

_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_clock_gettime = _libc.clock_gettime
_clock_gettime.argtypes = (ctypes.c_int, ctypes.c_void_p)
_clock_gettime.restype = ctypes.c_int
_MONOTONIC = 1

PHASES = (
    "year draws",
    "growth",
    "arming",
    "target search",
    "assess (deciding)",
    "foresee",
    "attack draws",
    "attacks (assess + clash)",
    "entry",
)


@numba.njit(nogil=True)
def _now(ts: Any) -> float:
    _clock_gettime(_MONOTONIC, ts.ctypes.data)
    return float(ts[0]) + 1e-9 * float(ts[1])


@numba.njit(nogil=True, error_model="numpy")
def _run(P: Any, W: Any, A: Any, S: Any, X: Any, g: Any, years: int, T: Any, C: Any,
         ts: Any) -> None:  # fmt: skip
    # borrowed, as run_many borrows them (kernels.borrow): no reference counts
    W = borrow(W)
    A = borrow(A)
    S = borrow(S)
    X = borrow(X)
    cap = S[0]
    arms = S[1]
    revis = S[2]
    alive = S[3]
    busy = S[4]
    reach = W[0]
    similarity = W[3]
    n = cap.shape[0]
    x_u = X.u
    for _t in range(years):
        t0 = _now(ts)
        u = g.random(x_u.shape)
        for i in range(n):
            busy[i] = False
        t1 = _now(ts)
        T[0] += t1 - t0
        grow(P, W, S, u[0])
        t2 = _now(ts)
        T[1] += t2 - t1
        arm(P, W, A, S, X)
        t3 = _now(ts)
        T[2] += t3 - t2
        # fast.aggression.decide, without the crisis log.
        power = X.power
        for i in range(n):
            power[i] = cap[i] * arms[i] if alive[i] else 0.0
        n_att = 0
        ta = _now(ts)
        for a in range(n):
            if not (alive[a] and not busy[a] and u[1, a] < P.opportunity * revis[a]):
                continue
            C[0] += 1
            perceived = power[a] * np.exp(P.misperception * normal(u[2, a]))
            own_cap = cap[a]
            best = -np.inf
            victim = 0
            first = True
            for j in range(n):
                if reach[a, j] and alive[j]:
                    e = utility(P, perceived, power[j], own_cap, cap[j], similarity[a, j])
                else:
                    e = -np.inf
                if first or e > best:
                    best = e
                    victim = j
                    first = False
            tb = _now(ts)
            T[3] += tb - ta
            ta = tb
            if not (np.isfinite(best) and best > P.threshold):
                continue
            C[1] += 1
            assess(P, W, A, S, X, a, victim, u[5])
            tc = _now(ts)
            T[4] += tc - tb
            with_arr = foresee(P, X, S, a, victim, perceived, best, similarity, A[9], A[8])
            if with_arr > P.threshold:
                X.att_agg[n_att] = a
                X.att_vic[n_att] = victim
                X.att_key[n_att] = u[3, a]
                n_att += 1
            ta = _now(ts)
            T[5] += ta - tc
        T[3] += _now(ts) - ta
        if n_att > 0:
            td = _now(ts)
            order = np.argsort(X.att_key[:n_att], kind="mergesort")
            ua = g.random((n_att, x_u.shape[0], n))
            te = _now(ts)
            T[6] += te - td
            out = X.out
            for c in range(n_att):
                a = X.att_agg[order[c]]
                v = X.att_vic[order[c]]
                if not (alive[a] and alive[v] and not busy[a] and not busy[v]):
                    continue
                C[2] += 1
                assess(P, W, A, S, X, a, v, u[5])
                clash(P, W, A, S, X, a, v, ua[c], out)
            T[7] += _now(ts) - te
        tf = _now(ts)
        enter(P, W, A, S, X, u[4])
        T[8] += _now(ts) - tf


def phases(states: int, reps: int, years: int, seed: int = 1) -> dict[str, Any]:
    """Clock one run of the default scenario on ``states`` states; check it against the engine."""
    sc = _scenario(states, reps, years)
    root = root_sequence(seed)
    world = make_world(sc, root)
    arrs = arrangements_for_regime(sc, world, "as_specified")
    gens = replication_generators(root, 0, reps)
    b = Batch.start(world, arrs, sc.params, gens)
    P = pack(sc.params)
    W = world_arrays(b)
    A = arrangement_arrays(arrs, sc.params, world.n)
    X = scratch(world.n, len(arrs), world.reach_in.shape[1])
    T = np.zeros(len(PHASES))
    C = np.zeros(3)
    ts = np.zeros(2, dtype=np.int64)
    typed = List(gens)
    gc.disable()
    cpu = time.process_time()
    for i in range(reps):
        S = (b.cap[i], b.arms[i], b.revis[i], b.alive[i], b.busy[i], b.member[i], b.cred[i],
             b.sanction_left[i], b.sanction_pen[i])  # fmt: skip
        _run(P, W, A, S, X, typed[i], years, T, C, ts)
    cpu = time.process_time() - cpu
    gc.enable()
    ref = run_batch_compiled(
        world, arrs, sc.params, replication_generators(root, 0, reps), 0, years, keep_crises=False
    )
    same = (
        np.array_equal(ref.final_alive, b.alive)
        and np.array_equal(ref.final_cap, b.cap)
        and np.array_equal(ref.final_arms, b.arms)
    )
    sy = states * reps * years
    return {
        "states": states,
        "replications": reps,
        "years": years,
        "dmax": int(world.reach_in.shape[1]),
        "cpu_us_per_state_year": 1e6 * cpu / sy,
        "phases_us_per_state_year": {k: 1e6 * v / sy for k, v in zip(PHASES, T, strict=True)},
        "would_be_aggressors_per_state_year": C[0] / sy,
        "assessed_while_deciding_per_state_year": C[1] / sy,
        "attacks_per_state_year": C[2] / sy,
        "identical": bool(same),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--states", type=int, nargs="+", help="numbers of states (10 50 200 1000)")
    ap.add_argument("--reps", type=int, default=100, help="replications (100)")
    ap.add_argument("--years", type=int, default=200, help="years, cut to --max-state-years")
    ap.add_argument("--max-state-years", type=float, default=4e6)
    ap.add_argument("--quick", action="store_true", help="10 and 50 states, 20 replications")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    states = args.states or ((10, 50) if args.quick else (10, 50, 200, 1000))
    reps = 20 if args.quick else args.reps
    phases(10, 2, 2)  # compile the clocked loop
    rows = []
    for n in states:
        years = max(10, min(args.years, int(args.max_state_years / (n * reps))))
        rows.append(phases(n, reps, years))
        if not args.json:
            r = rows[-1]
            parts = "  ".join(f"{k} {v:.3f}" for k, v in r["phases_us_per_state_year"].items())
            print(
                f"states {n:4d}  dmax {r['dmax']:2d}  reps {reps}  years {years}  "
                f"CPU {r['cpu_us_per_state_year']:.3f} us/state-year  "
                f"would-be aggressors {r['would_be_aggressors_per_state_year']:.4f}  "
                f"assessed {r['assessed_while_deciding_per_state_year']:.4f}  "
                f"attacks {r['attacks_per_state_year']:.4f} per state-year  "
                f"identical {r['identical']}\n    {parts}",
                flush=True,
            )
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"cells": rows, "load": load}))
    else:
        print(f"load average {' '.join(f'{x:.2f}' for x in load)}")
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
