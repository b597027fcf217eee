"""A run of the compiled engine to profile with ``perf`` (issue 4, docs/performance.md).

Runs the default scenario (crisis and per-year output off) on one thread
after a warm-up that loads (or compiles) the engine, then prints the run's
wall time and the addresses of numba's reference-count functions in this
process: ``perf`` cannot name numba's code loaded from its cache, so these
addresses are how the ``[JIT]`` samples of ``NRT_incref``/``NRT_decref`` are
told apart from the engine's own arithmetic.

Usage::

    NUMBA_ENABLE_PROFILING=1 perf record -F 4000 -D 4000 -o perf.data \\
        python benchmarks/profile_compiled.py 4000
    perf report -i perf.data --no-children --sort dso,symbol

and to name the ``[JIT]`` samples by kernel (``benchmarks/perf_kernels.py``
reads the compiled object from numba's cache)::

    python benchmarks/perf_kernels.py perf.data --run-many ADDRESS --incref ADDRESS
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import collsec
from collsec.scenario import load_scenario


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("replications", type=int, nargs="?", default=4000)
    ap.add_argument("--years", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args(argv)
    sc = load_scenario("default").with_overrides({"output.crises": False, "output.yearly": False})
    collsec.simulate(sc, replications=2, years=2, seed=1, engine="compiled")  # load or compile
    start = time.perf_counter()
    collsec.simulate(
        sc,
        replications=args.replications,
        years=args.years,
        seed=args.seed,
        engine="compiled",
        threads=1,
    )
    print(f"run {time.perf_counter() - start:.2f} s")
    from numba.core.runtime import nrt

    for name in ("NRT_incref", "NRT_decref"):
        print(name, hex(nrt.rtsys.library.get_pointer_to_function(name)))
    from collsec.fast import engine

    cres = next(iter(engine.run_many.overloads.values()))
    base = cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)
    print("run_many", hex(base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
