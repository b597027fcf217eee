"""Findings give no verdict on too few replications (a bootstrap of a handful is far too narrow)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from collsec.api import make_world
from collsec.findings import (
    MIN_REPLICATIONS,
    findings_from_results,
    findings_from_sweep,
    print_findings,
)
from collsec.i18n import set_language
from collsec.results import SUMMARY_METRICS, SimulationResult
from collsec.scenario import load_scenario

SCENARIO = load_scenario("default").replace(replications=MIN_REPLICATIONS, horizon=10, seed=7)
WORLD = make_world(SCENARIO)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(None)


def result(regime: str, n: int, war_rate: float) -> SimulationResult:
    per = {m: np.full(n, 0.5) for m in SUMMARY_METRICS}
    # A clear effect: every replication of self-help has twice the war rate.
    per["war_rate"] = war_rate + np.random.default_rng(n).normal(0.0, 1e-4, n)
    return SimulationResult(
        scenario=SCENARIO,
        regime=regime,
        world=WORLD,
        entropy=7,
        replications=np.arange(n),
        per_replication=per,
        yearly={},
        crises=pd.DataFrame(),
    )


def war_finding(n: int) -> tuple[str, int]:
    found = findings_from_results(
        {
            "self_help": result("self_help", n, 0.02),
            "collective_security": result("collective_security", n, 0.01),
        }
    )
    f = next(f for f in found if f.claim == "C13" and "wars" in f.measure)
    return f.verdict, f.replications


@pytest.mark.parametrize("n", [1, 4, MIN_REPLICATIONS - 1])
def test_a_clear_effect_on_too_few_replications_is_undecided(n: int) -> None:
    assert war_finding(n) == ("undecided", n)


def test_the_same_effect_on_enough_replications_holds() -> None:
    assert war_finding(MIN_REPLICATIONS) == ("holds", MIN_REPLICATIONS)


def test_the_console_says_why_there_is_no_verdict() -> None:
    found = findings_from_results(
        {
            "self_help": result("self_help", 3, 0.02),
            "collective_security": result("collective_security", 3, 0.01),
        }
    )
    console = Console(record=True, width=200)
    print_findings(found, console)
    text = console.export_text()
    assert (
        f"Too few replications (3) for a verdict: every claim is undecided below {MIN_REPLICATIONS}"
        in text
    )


def test_a_sweep_counts_its_pairs_over_cells() -> None:
    rows = pd.DataFrame(
        [
            {"cell": cell, "replication": r, "regime": regime, "cell_seed": cell, "war_rate": w}
            for cell in range(3)
            for r in range(4)
            for regime, w in (("self_help", 0.02 + r * 1e-4), ("collective_security", 0.01))
        ]
    )
    f = next(f for f in findings_from_sweep(rows) if f.claim == "C13")
    assert (f.verdict, f.replications) == ("holds", 12)  # 3 cells x 4 pairs
    few = findings_from_sweep(rows[rows["cell"] == 0])
    assert next(f for f in few if f.claim == "C13").verdict == "undecided"
