"""How fast a run beyond the machine is refused (issue 13, item 3: "well under a second").

Times :func:`collsec.budget.check` on 10^7 replications x 10^5 years of the
default scenario (the estimate alone), and the whole command
``collsec run default --reps 10000000 --years 100000`` in a fresh process
(interpreter start and imports included). Run::

    PYTHONPATH=src python benchmarks/budget_refusal.py
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collsec import budget
from collsec.scenario import load_scenario


def main() -> None:
    sc = load_scenario("default")
    n = 10_000
    t = time.perf_counter()
    for _ in range(n):
        with contextlib.suppress(budget.BudgetError):
            budget.check(sc, 10_000_000, 100_000)
    print(f"budget.check refusal: {(time.perf_counter() - t) / n * 1e6:.1f} us per call")
    src = Path(budget.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(src), "COLLSEC_LANG": "en"}
    with tempfile.TemporaryDirectory() as d:
        args = ["run", "default", "--reps", "10000000", "--years", "100000", "--out", d + "/x"]
        t = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-m", "collsec", *args], env=env, capture_output=True, check=False
        )
        wall = time.perf_counter() - t
    print(f"collsec run (fresh process, exit {res.returncode}): {wall:.2f} s wall")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "collsec", "version"], env=env, capture_output=True)
    print(f"collsec version (start-up alone): {time.perf_counter() - t:.2f} s wall")


if __name__ == "__main__":
    main()
