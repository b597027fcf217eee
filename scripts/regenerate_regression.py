"""Regenerate tests/regression/expected.json, the pinned summary statistics.

Runs every regime of the bundled default scenario at a fixed seed, stores each
summary metric's mean over replications, and prints what changed against the
stored file. This script is the ONLY way to change the file: a change in
results must be deliberate (rerun it after tuning defaults, read the diff,
commit both).

Usage::

    PYTHONPATH=src python scripts/regenerate_regression.py [--check]

``--check`` prints the differences and exits 1 if there are any, without writing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).resolve().parents[1] / "tests" / "regression" / "expected.json"

SCENARIO = "default"
REPLICATIONS = 64
YEARS = 100
SEED = 20261127


def compute() -> dict[str, Any]:
    """Per-regime means of the summary metrics of the pinned run."""
    import collsec
    from collsec.results import SUMMARY_METRICS, mean_interval

    comparison = collsec.compare(
        SCENARIO, collsec.REGIMES, replications=REPLICATIONS, years=YEARS, seed=SEED
    )
    regimes: dict[str, dict[str, float | None]] = {}
    for name, result in comparison.results.items():
        regimes[name] = {}
        for metric in SUMMARY_METRICS:
            mean = mean_interval(result.per_replication[metric])[0]
            regimes[name][metric] = mean if math.isfinite(mean) else None
    return {
        "scenario": SCENARIO,
        "replications": REPLICATIONS,
        "years": YEARS,
        "seed": SEED,
        "collsec_version": collsec.__version__,
        "regimes": regimes,
    }


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable lines for every metric that changed."""
    lines = []
    for regime, metrics in new["regimes"].items():
        before = old.get("regimes", {}).get(regime, {})
        for metric, value in metrics.items():
            prev = before.get(metric, "missing")
            if prev != value:
                lines.append(f"{regime:>26} {metric:<20} {prev!s:>24} -> {value!s}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, do not write")
    args = parser.parse_args(argv)
    new = compute()
    old = json.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}
    changed = differences(old, new)
    if changed:
        print(f"{len(changed)} value(s) changed:")
        print("\n".join(changed))
    else:
        print("no change")
    if args.check:
        return 1 if changed else 0
    EXPECTED.parent.mkdir(parents=True, exist_ok=True)
    EXPECTED.write_text(json.dumps(new, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
