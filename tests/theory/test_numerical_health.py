"""Numerical health: long runs stay finite, and capability has no unit.

Capability is a CINC share or "any positive scale" (``StateSpec.capability``):
the contest success function (Tullock 1980) depends on power only through
ratios, growth is multiplicative, arming answers a threat *ratio*, war losses
and conquest are shares, and severity is a share of world capability. So
multiplying every state's capability by a constant must leave every event of
every year unchanged. Before ``collsec.state.RATIO_FLOOR`` the power-ratio
guards in arming and joining were an absolute 1e-12: after a few hundred
years a world scaled by 1e-6 hit them and armed differently (final capability
off by 11% at 1,000 years, 10 replications, seed 5); the test below failed.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from collsec.api import make_world
from collsec.arrangements import arrangements_for_regime
from collsec.engine import YEARLY_METRICS, BatchRecord, run_batch
from collsec.scenario import load_scenario
from collsec.seeds import replication_generators, root_sequence

EVENTS = tuple(m for m in YEARLY_METRICS if m not in ("severity", "arms_share"))
"""Yearly counts (wars, deaths, votes, ...): integers, so equal means equal."""


def _run(scale: float, years: int, reps: int, regime: str) -> BatchRecord:
    sc = load_scenario("default")
    root = root_sequence(5)
    world = make_world(sc, root)
    world = dataclasses.replace(world, capability=world.capability * scale)
    arrs = arrangements_for_regime(sc, world, regime)
    gens = replication_generators(root, 0, reps)
    return run_batch(world, arrs, sc.params, gens, 0, years, keep_crises=False, keep_states=False)


@pytest.fixture(scope="module")
def thousand_years() -> dict[float, BatchRecord]:
    return {s: _run(s, 1000, 4, "collective_security") for s in (1e-6, 1.0, 1e6)}


def test_a_thousand_years_keep_capability_finite_and_positive(
    thousand_years: dict[float, BatchRecord],
) -> None:
    for rec in thousand_years.values():
        assert np.isfinite(rec.final_cap).all()
        assert (rec.final_cap[rec.final_alive] > 0).all()
        for m in YEARLY_METRICS:
            assert np.isfinite(rec.yearly[m]).all(), m


@pytest.mark.parametrize("scale", [1e-6, 1e6])
def test_scaling_every_capability_leaves_the_dynamics_unchanged(
    thousand_years: dict[float, BatchRecord], scale: float
) -> None:
    base, scaled = thousand_years[1.0], thousand_years[scale]
    for m in EVENTS:
        np.testing.assert_array_equal(scaled.yearly[m], base.yearly[m], err_msg=m)
    np.testing.assert_array_equal(scaled.final_alive, base.final_alive)
    # Shares and capabilities agree to rounding (1e6 is not a power of two).
    for m in ("severity", "arms_share"):
        np.testing.assert_allclose(scaled.yearly[m], base.yearly[m], rtol=1e-9, atol=1e-15)
    alive = base.final_alive
    np.testing.assert_allclose(scaled.final_cap[alive] / scale, base.final_cap[alive], rtol=1e-9)


def test_scale_invariance_holds_under_every_regime_for_a_century() -> None:
    for regime in ("self_help", "collective_defense", "ideal_collective_security"):
        base, small = _run(1.0, 100, 4, regime), _run(1e-6, 100, 4, regime)
        for m in EVENTS:
            np.testing.assert_array_equal(small.yearly[m], base.yearly[m], err_msg=(regime, m))
