"""Regression: the default scenario's summary statistics at a pinned seed.

The run is deterministic, so the tolerance is tight (relative 1e-9): any
change in results must be deliberate. The stored file is written only by
``python scripts/regenerate_regression.py``, which prints what changed.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "regenerate_regression.py"
EXPECTED = Path(__file__).with_name("expected.json")
REL, ABS = 1e-9, 1e-12


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate_regression", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def stored() -> dict[str, Any]:
    if not EXPECTED.exists():
        pytest.fail(
            "tests/regression/expected.json is missing: run scripts/regenerate_regression.py"
        )
    data: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    out: dict[str, Any] = _script().compute()
    return out


def test_run_settings_match_the_script(stored: dict[str, Any]) -> None:
    mod = _script()
    assert (stored["scenario"], stored["replications"], stored["years"], stored["seed"]) == (
        mod.SCENARIO,
        mod.REPLICATIONS,
        mod.YEARS,
        mod.SEED,
    )


def test_summary_statistics_unchanged(stored: dict[str, Any], current: dict[str, Any]) -> None:
    assert set(current["regimes"]) == set(stored["regimes"])
    problems = []
    for regime, metrics in stored["regimes"].items():
        assert set(current["regimes"][regime]) == set(metrics), regime
        for metric, want in metrics.items():
            got = current["regimes"][regime][metric]
            if want is None or got is None:
                ok = want is None and got is None
            else:
                ok = math.isclose(got, want, rel_tol=REL, abs_tol=ABS)
            if not ok:
                problems.append(f"{regime}.{metric}: stored {want}, now {got}")
    assert not problems, (
        "results changed; if deliberate, run `python scripts/regenerate_regression.py`:\n"
        + "\n".join(problems)
    )
