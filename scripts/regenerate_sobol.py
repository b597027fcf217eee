"""Regenerate tests/experiments/sobol_expected.json (the stored Sobol indices).

Run only when a deliberate model change moves the numbers, and say so in the
commit message::

    PYTHONPATH=src python scripts/regenerate_sobol.py

The spec is tests/experiments/sobol_spec.yaml: tiny runs, a fixed seed, common
random numbers across cells.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from collsec.experiments import load_spec, plan, run_sweep
from collsec.experiments.sensitivity import analyze

HERE = Path(__file__).resolve().parents[1] / "tests" / "experiments"


def main() -> None:
    """Run the small sensitivity spec and store its indices."""
    p = plan(load_spec(HERE / "sobol_spec.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        run_sweep(p, Path(tmp) / "out")
        indices = analyze(p, Path(tmp) / "out")
    records = json.loads(indices.to_json(orient="records"))
    path = HERE / "sobol_expected.json"
    payload = {"spec_hash": p.hash, "indices": records}
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(records)} rows)")


if __name__ == "__main__":
    main()
