"""CPU time per replication-year of an engine, one thread, on the default world.

CPU time (``time.process_time``) is the figure least moved by other jobs on a
shared machine; wall time is not reported. Usage::

    python benchmarks/cpu_time.py [--engine compiled] [--replications 300] [--repeats 3]
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
    ap.add_argument("--engine", choices=("numpy", "compiled"), default="compiled")
    ap.add_argument("--replications", type=int, default=300)
    ap.add_argument("--years", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    sc = load_scenario("default").with_overrides({"output.crises": False, "output.yearly": False})
    collsec.simulate(sc, replications=2, years=2, seed=1, engine=args.engine)  # load or compile
    per = []
    for _ in range(args.repeats):
        cpu = time.process_time()
        collsec.simulate(
            sc, replications=args.replications, years=args.years, seed=20261127, engine=args.engine
        )
        per.append(1e6 * (time.process_time() - cpu) / (args.replications * args.years))
    print(
        f"{args.engine}: us of CPU per replication-year: "
        + " ".join(f"{v:.2f}" for v in per)
        + f" (min {min(per):.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
