"""scripts/estimate_participation.py: the participation logit fitted on the war record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from collsec.history.worlds import params_with

REPO = Path(__file__).resolve().parents[2]


def test_the_fit_runs_on_the_war_record_and_gives_valid_parameters(cow_dir: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    script = str(REPO / "scripts" / "estimate_participation.py")
    proc = subprocess.run(
        [sys.executable, script, "--data-dir", str(cow_dir), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    fit = out["fit"]
    assert fit["converged"]
    assert 0 < fit["events"] < fit["n"]
    assert fit["names"] == ["const", "margin", "log_ratio_pos", "log_ratio_neg"]
    # The implied overrides are valid engine parameters (bounds checked).
    params = params_with(out["overrides"])
    assert params.response.join_cost_gain == out["overrides"]["params.response.join_cost_gain"]
    # What the record says (docs/history.md): joining a war is rare.
    assert out["rates"]["all"] < 0.1
