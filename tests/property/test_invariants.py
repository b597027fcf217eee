"""Hypothesis invariants over random small scenarios (STYLE.md, tests/property).

Random worlds of a few states, short horizons and random parameters drawn
inside the schema's ranges; every regime. Whatever the draw: probabilities in
[0, 1], no negative capability, arms within [arms_min, arms_max], members
always alive, the dead never act, and the crisis log's diagnosis values are
NaN or finite with verdicts None, True or False.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import collsec
from collsec import engine
from collsec.api import make_world
from collsec.arrangements import arrangements_for_regime
from collsec.diagnosis import CONDITIONS
from collsec.phases.response import assess, respond
from collsec.scenario import Scenario, load_scenario
from collsec.seeds import replication_generators, root_sequence
from collsec.state import DRAWS_PER_ATTACK, Batch

BASE = load_scenario("default")


def _unit(lo: float = 0.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Scenario, str]:
    """A small generated world, random phase parameters within range, and a regime."""
    n = draw(st.integers(3, 9))
    arms_min = draw(_unit(0.0, 0.1))
    arms_max = draw(_unit(max(0.05, arms_min), 1.0))
    over: dict[str, Any] = {
        "world.n_states": n,
        "world.n_regions": draw(st.integers(1, 3)),
        "world.n_great_powers": draw(st.integers(0, min(3, n))),
        "world.capability_sigma": draw(_unit(0.0, 2.0)),
        "world.revisionism_mean": draw(_unit(0.05, 0.95)),
        "horizon": draw(st.integers(3, 25)),
        "replications": 3,
        "seed": draw(st.integers(0, 2**31)),
        "output.states": True,
        "params.arming.arms_min": arms_min,
        "params.arming.arms_max": arms_max,
        "params.arming.arms_initial": draw(_unit(arms_min, arms_max)),
        "params.arming.tolerance": draw(_unit(0.01, 3.0)),
        "params.arming.response": draw(_unit()),
        "params.arming.decay": draw(_unit()),
        "params.growth.noise": draw(_unit(0.0, 0.5)),
        "params.growth.arms_cost": draw(_unit()),
        "params.aggression.opportunity": draw(_unit(0.1, 1.0)),
        "params.aggression.decisiveness": draw(_unit(0.1, 10.0)),
        "params.aggression.misperception": draw(_unit(0.0, 2.0)),
        "params.aggression.threshold": draw(_unit(-0.2, 0.2)),
        "params.aggression.conquest_share": draw(_unit()),
        "params.response.vote_noise": draw(_unit(0.0, 2.0)),
        "params.response.free_riding": draw(_unit()),
        "params.response.adhoc_support": draw(_unit()),
        "params.war.loss_rate": draw(_unit()),
        "params.war.absorb_ratio": draw(_unit()),
        "params.war.intensity_sigma": draw(_unit(0.0, 3.0)),
        "params.learning.exit_undefended": draw(_unit()),
        "params.learning.join_rate": draw(_unit()),
    }
    regime = draw(st.sampled_from(["as_specified", *collsec.REGIMES]))
    return BASE.with_overrides(over), regime


def _check_members_alive(b: Batch) -> None:
    assert not (b.member & ~b.alive[:, None, :]).any(), "a dead state is still a member"
    assert np.all((b.cred >= 0.0) & (b.cred <= 1.0))


@given(scenarios())
@settings(max_examples=25, deadline=None)
def test_run_invariants(case: tuple[Scenario, str]) -> None:
    sc, regime = case
    real_enter = engine.enter

    def checked_enter(b: Batch, threat: np.ndarray, u: np.ndarray) -> None:
        _check_members_alive(b)
        real_enter(b, threat, u)
        _check_members_alive(b)
        # Only the living can belong to an arrangement.
        assert not (b.member & ~b.alive[:, None, :]).any()

    with mock.patch.object(engine, "enter", checked_enter):
        res = collsec.simulate(sc, regime)

    p = sc.params.arming
    cap, arms, alive = res.states["cap"], res.states["arms"], res.states["alive"]
    assert np.all(np.isfinite(cap))
    assert np.all(cap >= 0.0), "negative capability"
    assert np.all(cap[alive] > 0.0)
    assert np.all((arms >= p.arms_min - 1e-12) & (arms <= p.arms_max + 1e-12))
    # Death is final.
    assert not (alive[:, 1:] & ~alive[:, :-1]).any(), "a dead state came back"

    per = res.per_replication
    for m in (
        "reversed_share",
        "weak_survival",
        "designation_rate",
        "participation_rate",
        "military_share",
        "sanctions_share",
    ):
        v = per[m][np.isfinite(per[m])]
        assert np.all((v >= 0.0) & (v <= 1.0)), m
    for m in ("war_rate", "deterred_rate", "state_deaths", "arms_share", "mean_severity"):
        v = per[m][np.isfinite(per[m])]
        assert np.all(v >= 0.0), m

    crises = res.crises
    if len(crises) == 0:
        return
    assert np.all((crises["p_win"] >= 0.0) & (crises["p_win"] <= 1.0))
    assert np.all(crises["severity"] >= 0.0)
    for c in CONDITIONS:
        vals = crises[f"{c}_value"].to_numpy(dtype=float)
        assert np.all(np.isfinite(vals) | np.isnan(vals)), c
        verdicts = set(crises[f"{c}_holds"].map(lambda x: x if x is None else bool(x)))
        assert verdicts <= {None, True, False}, c
        assert all(v is None or isinstance(v, bool | np.bool_) for v in crises[f"{c}_holds"])
        applicable = crises[f"{c}_holds"].map(lambda x: x is not None).to_numpy()
        assert not np.isnan(vals[applicable]).any(), f"{c}: a verdict without a value"

    # The dead never act: an aggressor or victim was alive at the end of the
    # year before (states detail is recorded at the end of each year).
    index = res.world.index
    row_of = {int(k): i for i, k in enumerate(res.replications)}
    for rep, year, agg, vic in crises[["replication", "year", "aggressor", "victim"]].itertuples(
        index=False
    ):
        if year == 0:
            continue
        r = row_of[int(rep)]
        assert alive[r, year - 1, index[agg]], f"dead aggressor {agg} in year {year}"
        assert alive[r, year - 1, index[vic]], f"dead victim {vic} in year {year}"


@given(scenarios(), st.integers(0, 2**31))
@settings(max_examples=25, deadline=None)
def test_dead_states_never_vote_or_join(case: tuple[Scenario, str], key: int) -> None:
    """Kill random states; neither votes, ability, willingness nor joining reach them."""
    sc, regime = case
    rng = np.random.default_rng(key)
    root = root_sequence(sc.seed)
    world = make_world(sc, root)
    b = Batch.start(
        world,
        arrangements_for_regime(sc, world, regime),
        sc.params,
        replication_generators(root, 0, 2),
    )
    n = b.n
    b.alive = rng.random((2, n)) < 0.6
    b.alive[:, :2] = True
    b.member &= b.alive[:, None, :]
    rows = np.array([0, 1])
    agg, vic = np.array([0, 1]), np.array([1, 0])
    s = assess(b, rows, agg, vic, rng.random((2, n)))
    dead = ~b.alive[rows]
    assert not (s.voters & dead[:, None, :]).any()
    assert not (s.able & dead[:, None, :]).any()
    assert not (s.p_join > 0)[dead[:, None, :].repeat(s.p_join.shape[1], axis=1)].any()
    for arr in (s.p_yes, s.p_designate, s.willing, s.p_join, s.expected_join()):
        assert np.all((arr >= 0.0) & (arr <= 1.0))
    resp = respond(b, s, rng.random((2, DRAWS_PER_ATTACK, n)), s.attack_power())
    assert not (resp.joiners & dead).any()
    assert np.all((resp.sanction_weight >= 0.0) & (resp.sanction_weight <= 1.0 + 1e-12))
