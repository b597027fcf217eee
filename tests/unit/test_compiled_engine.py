"""The compiled engine (:mod:`collsec.fast`) gives the NumPy engine's numbers, bit for bit,
where the CPU allows.

Issue 4: "any compiled path passes the same reproducibility tests as the
rest". Each bitwise test runs both engines on the same scenario and seed and
asserts equality of every per-year metric, the final states, the per-state
detail and the crisis log with its diagnosis, over the bundled scenarios,
every regime, and variants that take the other branches of the rules (every
designation rule, parties not voting, an absent permanent member, committed
and realist doctrines, no vote noise, other contest exponents).

Bits are the promise only where NumPy's ``exp``/``log`` are the C library's
(:func:`collsec.fast.numpy_uses_own_math`). On a CPU where NumPy uses its own
AVX-512 versions the bitwise tests skip here, and
:func:`test_bitwise_where_numpy_own_math_is_turned_off` runs them again in a
process where NumPy's own versions are turned off (``NPY_DISABLE_CPU_FEATURES``).
The first test to run compiles the engine (a minute or two, then cached on disk).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
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
    """The scenario with the crisis log, per-year output and per-state detail."""
    return sc.with_overrides(
        {"output.crises": True, "output.yearly": True, "output.states": True, **changes}
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
    pd.testing.assert_frame_equal(a.crises, b.crises, check_exact=True)


@bitwise
@pytest.mark.parametrize("name", ["default", "bipolar", "interwar", "un-charter"])
def test_bundled_scenarios_every_regime(name: str) -> None:
    sc = lean(load_scenario(name))
    seen: set[str] = set()
    for regime in RUN_REGIMES:
        a, b = both(sc, regime)
        if regime != "ideal_collective_security":
            assert a.yearly["wars"].sum() > 0, "the test must see wars"
        seen |= set(a.crises["outcome"])
        assert_identical(a, b)
    assert seen >= {"deterred", "aggressor_won"}, "the test must see both kinds of crisis"


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


def test_crisis_log_is_the_same_whatever_the_batch_size_or_threads() -> None:
    sc = lean(load_scenario("interwar"))
    args: dict[str, Any] = {"replications": 6, "years": 50, "seed": 5, "engine": "compiled"}
    one = collsec.simulate(sc, "as_specified", **args)
    assert len(one.crises) > 20
    for kw in ({"threads": 2}, {"batch_size": 1}, {"batch_size": 4, "threads": 2}):
        other = collsec.simulate(sc, "as_specified", **kw, **args)
        pd.testing.assert_frame_equal(one.crises, other.crises, check_exact=True)
    # Replication 4 run alone logs the same crises as in the batch.
    alone = collsec.simulate(sc, "as_specified", first_replication=4, **{**args, "replications": 1})
    mine = one.crises[one.crises["replication"] == 4].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone.crises, check_exact=True)


def test_numpy_crisis_log_does_not_depend_on_the_batch_size() -> None:
    sc = lean(load_scenario("default"))
    args: dict[str, Any] = {"replications": 5, "years": 30, "seed": 2, "engine": "numpy"}
    whole = collsec.simulate(sc, **args).crises
    pd.testing.assert_frame_equal(whole, collsec.simulate(sc, batch_size=2, **args).crises)


def _numpy_own_math_off() -> dict[str, str]:
    """The environment that turns NumPy's own AVX-512 exp/log off (its dispatch targets)."""
    import importlib

    try:
        umath = importlib.import_module("numpy._core._multiarray_umath")
    except ImportError:  # pragma: no cover - numpy 1.x
        umath = importlib.import_module("numpy.core._multiarray_umath")
    targets = [f for f in umath.__cpu_dispatch__ if f.startswith("AVX512") or f == "X86_V4"]
    return {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(targets)}


@pytest.mark.skipif(
    not fast.numpy_uses_own_math(), reason="NumPy calls the C library here: the bitwise tests run"
)
def test_bitwise_where_numpy_own_math_is_turned_off() -> None:
    env = _numpy_own_math_off()
    probe = subprocess.run(
        [sys.executable, "-c", "from collsec import fast; print(fast.numpy_uses_own_math())"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    if probe.stdout.strip() != "False":
        pytest.skip("NumPy's own exp/log cannot be turned off on this CPU")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)),
         "-k", "bundled_scenarios or rule_variants"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    tail = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 0, done.stdout[-3000:]
    assert "skipped" not in tail, tail
    assert "9 passed" in tail, tail


def test_compiled_engine_keeps_the_crisis_log() -> None:
    r = collsec.simulate("default", replications=2, years=30, seed=1, engine="compiled")
    assert len(r.crises) > 0
    assert list(r.crises.columns) == list(
        collsec.simulate("default", replications=1, years=30, seed=1, engine="numpy").crises.columns
    )


def test_unknown_engine_is_named() -> None:
    with pytest.raises(CollsecError, match="engine"):
        collsec.simulate("default", replications=1, years=2, engine="gpu")


def test_psum_is_numpy_sum() -> None:
    rng = np.random.default_rng(0)
    for n in [*range(300), 463, 464, 465, 911, 913, 1809, 3600]:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)
        assert fast._psum(a) == a.sum(), n


def test_cli_compiled_engine_writes_the_crisis_log(tmp_path: Any) -> None:
    from collsec.cli import main

    out = tmp_path / "run"
    with pytest.raises(SystemExit) as done:
        main(["run", "default", "--reps", "3", "--years", "20", "--engine", "compiled",
              "--no-plots", "--out", str(out)])  # fmt: skip
    assert done.value.code in (0, None)
    assert (out / "summary.json").exists()
    assert (out / "crises.parquet").exists()


def test_auto_runs_the_compiled_engine_whatever_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    fast.warm()
    assert fast.is_ready()
    calls: list[int] = []
    real = fast.run_batch_compiled

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(fast, "run_batch_compiled", counting)
    # With the crisis log (the default run) and without it.
    for crises in (True, False):
        sc = load_scenario("default").with_overrides({"output.crises": crises})
        r = collsec.simulate(sc, replications=2, years=5, seed=1)
        assert r.engine == "compiled"
        assert (len(r.crises) > 0) == crises
    assert calls == [1, 1]
    assert collsec.simulate("default", replications=1, years=2, engine="numpy").engine == "numpy"


def test_auto_runs_numpy_while_the_engine_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    notes: list[str] = []

    def start() -> bool:
        started.append(1)
        return True

    monkeypatch.setattr(fast, "is_ready", lambda: False)
    monkeypatch.setattr(fast, "start_background_warm", start)
    c = collsec.compare("default", ["self_help", "as_specified"], replications=1, years=3,
                        notify=notes.append)  # fmt: skip
    assert [r.engine for r in c.results.values()] == ["numpy", "numpy"]
    assert c.to_json_dict()["engine"] == "numpy"
    assert len(notes) == 1
    assert "background" in notes[0]
    assert started == [1]


def test_background_warm_starts_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from collsec.fast import cache

    launched: list[list[str]] = []
    monkeypatch.setattr(cache, "_cache_dir", lambda: tmp_path)
    monkeypatch.setattr(cache, "is_ready", lambda: False)
    monkeypatch.setattr(cache.subprocess, "Popen", lambda cmd, **kw: launched.append(cmd))
    lock_path = cache._lock_path()
    assert lock_path is not None
    held = cache._try_lock(lock_path)  # another process compiling
    assert cache.start_background_warm()
    assert launched == []
    assert cache.warm_once() == 0  # the background process leaves it to the holder
    held.close()
    assert cache.start_background_warm()
    assert launched == [[sys.executable, "-m", "collsec.fast"]]


def test_a_change_to_any_module_drops_the_whole_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from collsec.fast import cache

    monkeypatch.setattr(cache, "_cache_dir", lambda: tmp_path)
    for name in ("engine.run-1.py312.nbi", "engine.run-1.py312.1.nbc", "keep.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / cache._STAMP).write_text("sources of another version\n")
    cache._drop_stale_cache()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([cache._STAMP, "keep.txt"])
    (tmp_path / "engine.run-1.py312.nbi").write_text("x")
    cache._drop_stale_cache()  # same sources: kept
    assert (tmp_path / "engine.run-1.py312.nbi").exists()


def test_cli_json_and_summary_record_the_engine(tmp_path: Path, capsys: Any) -> None:
    import json

    from collsec.cli import main

    for engine in ("numpy", "compiled"):
        out = tmp_path / engine
        with pytest.raises(SystemExit) as done:
            main(["run", "default", "--reps", "2", "--years", "5", "--engine", engine, "--json",
                  "--no-plots", "--out", str(out)])  # fmt: skip
        assert done.value.code in (0, None)
        printed = json.loads(capsys.readouterr().out)
        assert printed["engine"] == engine
        assert json.loads((out / "summary.json").read_text())["engine"] == engine


_NO_LEAK = """
import gc, collsec
from numba.core.runtime import rtsys
collsec.simulate("default", replications=3, years=20, seed=1, engine="compiled", threads=2)
gc.collect()
s0 = rtsys.get_allocation_stats()
r = collsec.simulate("default", replications=20, years=100, seed=2, engine="compiled", threads=2)
assert len(r.crises) > 0
del r
gc.collect()
s1 = rtsys.get_allocation_stats()
print(s1.alloc - s0.alloc, s1.free - s0.free, s1.mi_alloc - s0.mi_alloc, s1.mi_free - s0.mi_free)
"""


def test_borrowed_arrays_leak_nothing() -> None:
    """The kernels count no references on borrowed arrays (fast.kernels.Borrowed):
    what they allocate (the crisis log, views) is still freed, every block."""
    env = {**os.environ, "NUMBA_NRT_STATS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _NO_LEAK], env=env, capture_output=True, text=True, check=True
    )
    alloc, free, mi_alloc, mi_free = (int(v) for v in done.stdout.split())
    assert alloc > 0
    assert (alloc, mi_alloc) == (free, mi_free)
