"""The Mesa reference and the engine agree in distribution (issue 4).

``benchmarks/mesa_reference.py`` writes the yearly rules one agent at a time in
Mesa 3, with its own random streams. A speed ratio between the two means
something only if they simulate the same model, so this test compares, on the
default world and for ``as_specified`` and ``self_help`` (C10's two ends), the
mean over replications of the war rate, the deterred rate (O5, M1), state
deaths (C13) and the mean arms share (C14).

Criterion: the 95% interval of the difference of the two means contains zero,
``|m_mesa - m_engine| <= 1.96 * sqrt(se_mesa^2 + se_engine^2)``. The engine
runs many more replications (it is cheap), so its standard error is small and
the check is, in effect, "the engine's mean lies in the Mesa mean's 95%
interval" (with the small engine error added, so the check is symmetric).
Seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import collsec
from collsec.api import make_world
from collsec.results import Z95
from collsec.scenario import load_scenario

pytest.importorskip("mesa")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from mesa_reference import run_mesa

MESA_REPLICATIONS = 150
ENGINE_REPLICATIONS = 1000
YEARS = 100
SEED = 20261127
METRICS = ("war_rate", "deterred_rate", "state_deaths", "arms_share")


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    v = values[np.isfinite(values)]
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size))


@pytest.mark.slow
@pytest.mark.parametrize("regime", ["as_specified", "self_help"])
def test_mesa_reference_agrees_with_engine(regime: str) -> None:
    sc = load_scenario("default").with_overrides(
        {"output.yearly": False, "output.crises": False, "horizon": YEARS}
    )
    world = make_world(sc, SEED)
    mesa = run_mesa(sc, world, regime, MESA_REPLICATIONS, YEARS, seed=SEED + 1)
    engine = collsec.simulate(
        sc, regime, replications=ENGINE_REPLICATIONS, seed=SEED
    ).per_replication
    report = []
    bad = []
    for m in METRICS:
        mm, ms = _mean_se(mesa[m])
        em, es = _mean_se(engine[m])
        half = Z95 * np.hypot(ms, es)
        report.append(f"{m}: mesa {mm:.5g} +- {Z95 * ms:.3g}, engine {em:.5g} +- {Z95 * es:.3g}")
        if abs(mm - em) > half:
            bad.append(m)
    assert not bad, f"{regime}: disagree on {bad}\n" + "\n".join(report)
