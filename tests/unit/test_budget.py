"""collsec.budget: a run's memory and time, estimated before it starts (issue 13, item 3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collsec import budget, cli
from collsec.errors import CollsecError
from collsec.scenario import Scenario, load_scenario


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_scenario("default")


def test_memory_grows_with_what_is_kept(default: Scenario) -> None:
    e = budget.estimate(default, 1000, 100)
    # Linear in replication-years above the fixed part (beyond one batch of replications).
    e2 = budget.estimate(default, 2000, 100)
    d1 = e2.bytes - e.bytes
    assert budget.estimate(default, 3000, 100).bytes - e2.bytes == pytest.approx(d1)
    assert budget.estimate(default, 1000, 200).bytes - e.bytes == pytest.approx(d1)
    no_log = default.with_overrides({"output.crises": False})
    states = default.with_overrides({"output.states": True})
    no_yearly = no_log.with_overrides({"output.yearly": False})
    assert budget.estimate(no_log, 1000, 100).bytes < e.bytes
    assert budget.estimate(states, 1000, 100).bytes > e.bytes
    assert budget.estimate(no_yearly, 1000, 100).bytes < budget.estimate(no_log, 1000, 100).bytes
    # compare keeps every regime's results; the compiled engine is faster.
    four = budget.estimate(default, 1000, 100, regimes=4)
    assert four.bytes - e.bytes == pytest.approx(3 * d1)
    assert budget.estimate(no_log, 1000, 100, engine="compiled").seconds < e.seconds


def test_large_worlds_cost_more_than_linearly(default: Scenario) -> None:
    def world(n: int) -> Scenario:
        return default.with_overrides({"world.n_states": n})

    small, big = budget.estimate(world(100), 100, 10), budget.estimate(world(1000), 100, 10)
    # Ten times the states: more than ten times the memory above the fixed
    # part (the [n, n] arrays) and far more than ten times the time (~n^3).
    assert big.bytes - budget.FIXED_BYTES > 10 * (small.bytes - budget.FIXED_BYTES)
    assert big.seconds > 100 * small.seconds


def test_the_scenario_size_is_the_default(default: Scenario) -> None:
    assert budget.estimate(default) == budget.estimate(
        default, default.replications, default.horizon
    )


def test_check_refuses_above_the_limit_and_names_the_override(default: Scenario) -> None:
    with pytest.raises(budget.BudgetError) as info:
        budget.check(default, 10_000_000, 100_000)
    message = info.value.render()
    assert "--force" in message
    assert "PB" in message  # the estimate, ~1.8 PB
    assert isinstance(info.value, CollsecError)
    assert budget.check(default, 10_000_000, 100_000, force=True).bytes > 1e15
    assert budget.check(default, 10, 10).bytes < budget.memory_limit()
    with pytest.raises(budget.BudgetError):
        budget.check(default, 10, 10, limit=1.0)


def test_the_limit_is_a_share_of_this_machines_memory() -> None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        pytest.skip("no /proc/meminfo")
    line = next(x for x in meminfo.read_text().splitlines() if x.startswith("MemAvailable:"))
    available = float(line.split()[1]) * 1024
    # Memory moves between two reads; the share is what must hold.
    assert budget.memory_limit(0.5) == pytest.approx(0.5 * available, rel=0.05)


def test_formats() -> None:
    assert budget.format_bytes(1.83e15) == "1.83 PB"
    assert budget.format_bytes(512) == "512 B"
    assert budget.format_seconds(30) == "30 s"
    assert budget.format_seconds(7200) == "2 h"
    assert budget.format_seconds(5.2e7) == "1.65 years"


def test_the_command_line_refuses_a_huge_run_before_simulating(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []

    def fake(*args: object, **kwargs: object) -> None:
        calls.append("simulated")
        raise CollsecError("reached the simulation")

    monkeypatch.setattr(cli, "api_simulate", fake)
    monkeypatch.setattr(cli, "api_compare", fake)
    runner = CliRunner(env={"COLLSEC_LANG": "en"})
    out = str(tmp_path / "out")
    huge = ["--reps", "10000000", "--years", "100000", "--out", out]
    for command in ("run", "compare"):
        res = runner.invoke(cli.app, [command, "default", *huge])
        assert res.exit_code == 2
        assert "--force" in res.stderr
        assert "Traceback" not in res.output
    assert calls == []
    res = runner.invoke(cli.app, ["run", "default", *huge, "--force"])
    assert "reached the simulation" in res.stderr
    assert calls == ["simulated"]


CHILD = r"""
import json, tempfile
from pathlib import Path
from collsec.api import simulate
from collsec.budget import estimate, FIXED_BYTES
from collsec.results import Comparison
from collsec.scenario import load_scenario


def status(key):
    # This process's own memory (VmRSS now, VmHWM its peak): getrusage's
    # ru_maxrss can carry the parent's peak across fork and exec, which made
    # a large test runner look like a run that used nothing.
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise SystemExit("no " + key)


sc = load_scenario("default").replace(replications=1000, horizon=200)
base = status("VmRSS")
r = simulate(sc, "as_specified", engine="numpy")
with tempfile.TemporaryDirectory() as d:
    Comparison({"as_specified": r}).write(Path(d))
peak = status("VmHWM")
print(json.dumps({"used": peak - base, "estimate": estimate(sc).bytes}))
"""


@pytest.mark.slow
def test_the_estimate_is_within_a_factor_of_two_of_a_measured_run() -> None:
    src = Path(budget.__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
    ).stdout
    m = json.loads(out.strip().splitlines()[-1])
    print(f"measured {m['used'] / 1e6:.0f} MB, estimated {m['estimate'] / 1e6:.0f} MB")
    assert 0.5 < m["estimate"] / m["used"] < 2.0
