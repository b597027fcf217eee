"""The compiled engine (:mod:`collsec.fast`) gives the NumPy engine's numbers, bit for bit.

Issue 4: "any compiled path passes the same reproducibility tests as the
rest". Each test runs both engines on the same scenario and seed and asserts
equality of every per-year metric, the final states and the per-state detail,
over the bundled scenarios, every regime, and variants that take the other
branches of the rules (every designation rule, parties not voting, an absent
permanent member, committed and realist doctrines, no vote noise, other
contest exponents). The first test to run compiles the engine (about a
minute and a half, then cached on disk).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import collsec
from collsec import fast
from collsec.errors import CollsecError
from collsec.results import SimulationResult
from collsec.scenario import RUN_REGIMES, Scenario, load_scenario, scenario_from_data

pytest.importorskip("numba", reason="the compiled engine needs numba (collsec[fast])")

bitwise = pytest.mark.skipif(
    fast.numpy_uses_own_math(),
    reason="NumPy uses its own AVX-512 exp/log on this CPU: the engines agree in distribution "
    "only (docs/performance.md)",
)


def lean(sc: Scenario, **changes: Any) -> Scenario:
    """The scenario without a crisis log, with per-year output and per-state detail."""
    return sc.with_overrides(
        {"output.crises": False, "output.yearly": True, "output.states": True, **changes}
    )


def both(sc: Scenario, regime: str, **kw: Any) -> tuple[SimulationResult, SimulationResult]:
    args: dict[str, Any] = {"replications": 4, "years": 60, "seed": 11}
    args.update(kw)
    a = collsec.simulate(sc, regime, engine="numpy", **args)
    b = collsec.simulate(sc, regime, engine="compiled", **args)
    return a, b


def assert_identical(a: SimulationResult, b: SimulationResult) -> None:
    for m in a.yearly:
        np.testing.assert_array_equal(a.yearly[m], b.yearly[m], err_msg=m)
    for m in a.per_replication:
        np.testing.assert_array_equal(a.per_replication[m], b.per_replication[m], err_msg=m)
    assert a.final_alive is not None
    assert b.final_alive is not None
    np.testing.assert_array_equal(a.final_alive, b.final_alive)
    for m in a.states:
        np.testing.assert_array_equal(a.states[m], b.states[m], err_msg=m)


@bitwise
@pytest.mark.parametrize("name", ["default", "bipolar", "interwar", "un-charter"])
def test_bundled_scenarios_every_regime(name: str) -> None:
    sc = lean(load_scenario(name))
    for regime in RUN_REGIMES:
        a, b = both(sc, regime)
        if regime != "ideal_collective_security":
            assert a.yearly["wars"].sum() > 0, "the test must see wars"
        assert_identical(a, b)


def _variant(rule: dict[str, Any], **world: Any) -> Scenario:
    data = load_scenario("default").to_dict()
    data["arrangements"][0]["decision_rule"] = rule
    data["world"].update(world)
    return lean(scenario_from_data(data, "variant"))


VARIANTS = {
    "automatic": _variant({"kind": "automatic"}),
    "unanimity, parties out": _variant({"kind": "unanimity", "parties_vote": False}),
    "majority": _variant({"kind": "majority", "quota": 0.6}),
    "council without veto": _variant(
        {"kind": "council", "permanent": "great_powers", "seats": 7, "quota": 4, "veto": False}
    ),
    "committed and realist members": _variant(
        {"kind": "majority"}, committed_share=0.3, realist_share=0.3
    ),
}


@bitwise
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_rule_variants(name: str) -> None:
    a, b = both(VARIANTS[name], "as_specified")
    assert_identical(a, b)


@bitwise
@pytest.mark.parametrize(
    "changes",
    [
        {"params.response.vote_noise": 0.0},
        {"params.aggression.decisiveness": 0.5},
        {"params.aggression.decisiveness": 1.5},
        {"params.response.free_riding": 0.0, "params.learning.join_rate": 0.5},
        {"params.response.join_cost_gain": 0.0},
        {"params.response.find_when_needed": True},
    ],
    ids=[
        "no vote noise",
        "decisiveness 0.5",
        "decisiveness 1.5",
        "open entry",
        "no join gain",
        "findings when needed",
    ],
)
def test_parameter_branches(changes: dict[str, Any]) -> None:
    sc = lean(load_scenario("default"), **changes)
    for regime in ("as_specified", "collective_defense"):
        assert_identical(*both(sc, regime))


def test_threads_and_batches_change_nothing() -> None:
    sc = lean(load_scenario("default"))
    args: dict[str, Any] = {"replications": 7, "years": 40, "seed": 3, "engine": "compiled"}
    one = collsec.simulate(sc, "as_specified", **args)
    assert_identical(one, collsec.simulate(sc, "as_specified", threads=2, **args))
    assert_identical(one, collsec.simulate(sc, "as_specified", batch_size=2, **args))
    alone = collsec.simulate(sc, "as_specified", first_replication=5, **{**args, "replications": 1})
    np.testing.assert_array_equal(alone.yearly["wars"][0], one.yearly["wars"][5])


def test_auto_picks_the_compiled_engine_only_without_a_crisis_log() -> None:
    # With a crisis log, auto runs the NumPy engine, which logs the crises.
    logged = collsec.simulate("default", replications=2, years=20, seed=1)
    assert len(logged.crises) > 0
    lean_sc = lean(load_scenario("default"))
    assert_identical(
        collsec.simulate(lean_sc, replications=2, years=20, seed=1),
        collsec.simulate(lean_sc, replications=2, years=20, seed=1, engine="numpy"),
    )


def test_auto_runs_the_compiled_engine_once_it_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    fast.warm()
    assert fast.is_ready()
    calls: list[int] = []
    real = fast.run_batch_compiled

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(fast, "run_batch_compiled", counting)
    collsec.simulate(lean(load_scenario("default")), replications=2, years=5, seed=1)
    assert calls == ([] if fast.numpy_uses_own_math() else [1])


def test_compiled_engine_refuses_a_crisis_log() -> None:
    with pytest.raises(CollsecError, match=r"output\.crises"):
        collsec.simulate("default", replications=1, years=2, engine="compiled")


def test_unknown_engine_is_named() -> None:
    with pytest.raises(CollsecError, match="engine"):
        collsec.simulate("default", replications=1, years=2, engine="gpu")


def test_psum_is_numpy_sum() -> None:
    rng = np.random.default_rng(0)
    for n in [*range(300), 463, 464, 465, 911, 913, 1809, 3600]:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)
        assert fast._psum(a) == a.sum(), n


def test_cli_compiled_engine_turns_the_crisis_log_off(tmp_path: Any) -> None:
    from collsec.cli import main

    out = tmp_path / "run"
    with pytest.raises(SystemExit) as done:
        main(["run", "default", "--reps", "3", "--years", "20", "--engine", "compiled",
              "--no-plots", "--out", str(out)])  # fmt: skip
    assert done.value.code in (0, None)
    assert (out / "summary.json").exists()
    assert not (out / "crises.parquet").exists()
