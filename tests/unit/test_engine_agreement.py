"""The engines' promise, tested as stated (issue 13, item 5; docs/performance.md).

- Same seed, same engine, same machine: the same bytes (the compiled engine's
  batch size and thread count are covered in ``test_compiled_engine.py``).
- Across engines: the same distribution. Here every bundled scenario's summary
  metrics agree between the engines run on independent replications of the
  same world (a two-sample test: the difference of the means within four
  standard errors), and the
  crisis logs agree in their shares of outcomes.
- Across engines, bits where the CPU allows: ``test_compiled_engine.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import collsec
from collsec.results import SUMMARY_METRICS
from collsec.scenario import load_scenario

pytest.importorskip("numba", reason="the compiled engine needs numba (collsec[fast])")

REPS, YEARS = 48, 60


@pytest.mark.parametrize("name", ["default", "bipolar", "interwar", "un-charter"])
def test_engines_agree_in_distribution(name: str) -> None:
    sc = load_scenario(name)
    # The same world (the run's seed), independent replications (other indices).
    args: dict[str, Any] = {"replications": REPS, "years": YEARS, "seed": 101}
    a = collsec.simulate(sc, engine="numpy", **args)
    b = collsec.simulate(sc, engine="compiled", first_replication=REPS, **args)
    assert (a.engine, b.engine) == ("numpy", "compiled")
    checked = 0
    for m in SUMMARY_METRICS:
        x, y = a.per_replication[m], b.per_replication[m]
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if len(x) < 10 or len(y) < 10:
            continue
        se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        assert abs(x.mean() - y.mean()) <= 4.0 * se + 1e-12, (m, x.mean(), y.mean(), se)
        checked += 1
    assert checked >= 8
    # The crisis logs: share of each outcome, within four standard errors.
    ca, cb = a.crises["outcome"], b.crises["outcome"]
    assert len(ca) > 100
    assert len(cb) > 100
    for outcome in ("deterred", "aggressor_won", "aggressor_defeated"):
        p, q = (ca == outcome).mean(), (cb == outcome).mean()
        pooled = (p * len(ca) + q * len(cb)) / (len(ca) + len(cb))
        se = np.sqrt(pooled * (1 - pooled) * (1 / len(ca) + 1 / len(cb)))
        assert abs(p - q) <= 4.0 * se + 1e-12, (outcome, p, q)


def test_same_seed_same_engine_same_bytes() -> None:
    sc = load_scenario("un-charter")
    for engine in ("numpy", "compiled"):
        one = collsec.simulate(sc, replications=3, years=40, seed=9, engine=engine)
        two = collsec.simulate(sc, replications=3, years=40, seed=9, engine=engine)
        for m in one.per_replication:
            assert one.per_replication[m].tobytes() == two.per_replication[m].tobytes(), m
        pd.testing.assert_frame_equal(one.crises, two.crises, check_exact=True)
