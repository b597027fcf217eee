"""Findings (collsec.findings) on hand-made results whose verdicts are known.

Each regime's per-replication metrics and crisis log are written by hand, so
the effect of every claim (C13, C14, C5/M1, O1-M3) is known in advance: clearly
positive, clearly negative, or straddling zero.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from collsec import cli
from collsec.api import make_world
from collsec.findings import (
    MIN_REPLICATIONS,
    Finding,
    condition_findings,
    findings_for,
    findings_from_results,
    findings_from_sweep,
    print_findings,
    summary_lines,
    verdict_of,
)
from collsec.i18n import set_language
from collsec.results import SUMMARY_METRICS, Comparison, SimulationResult
from collsec.scenario import load_scenario

N = 40
SCENARIO = load_scenario("default").replace(replications=N, horizon=10, seed=7)
WORLD = make_world(SCENARIO)
KEYS = {"claim", "statement", "effect", "interval", "verdict"}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(None)


def noise(scale: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, N)


def result(
    regime: str, crises: pd.DataFrame | None = None, n: int = N, **metrics: np.ndarray
) -> SimulationResult:
    per = {m: np.full(n, 0.5) for m in SUMMARY_METRICS}
    per.update(metrics)
    return SimulationResult(
        scenario=SCENARIO,
        regime=regime,
        world=WORLD,
        entropy=7,
        replications=np.arange(n),
        per_replication=per,
        yearly={},
        crises=pd.DataFrame() if crises is None else crises,
    )


def by_claim(found: list[Finding], claim: str, measure: str = "") -> Finding:
    return next(f for f in found if f.claim == claim and measure in f.measure)


def test_verdict_of_an_interval() -> None:
    assert verdict_of(0.1, 0.3) == "holds"
    assert verdict_of(-0.3, -0.1) == "fails"
    assert verdict_of(-0.1, 0.1) == "undecided"
    assert verdict_of(0.0, 0.2) == "undecided"  # touching no effect is not excluding it
    assert verdict_of(0.6, 0.9, 0.5, higher_holds=False) == "fails"
    assert verdict_of(float("nan"), 1.0) == "undecided"


def test_contrasts_clearly_positive_clearly_negative_and_straddling() -> None:
    straddle = np.where(np.arange(N) % 2 == 0, 0.01, -0.01)  # paired differences with mean 0
    self_help = result(
        "self_help",
        war_rate=0.02 + noise(0.001, 1),  # far more wars than under CS: C13 holds
        arms_share=0.05 + noise(0.002, 2),  # far fewer arms than under CS: C14 fails
        weak_survival=np.full(N, 0.6),
        deterred_rate=np.full(N, 0.001),
    )
    cs = result(
        "collective_security",
        war_rate=0.01 + noise(0.001, 3),
        arms_share=0.15 + noise(0.002, 4),
        weak_survival=0.6 + straddle,  # no effect: undecided
        deterred_rate=np.full(N, 0.001) + 0.004,  # deters more: C5/M1 holds
    )
    found = findings_from_results({"self_help": self_help, "collective_security": cs})
    wars = by_claim(found, "C13", "wars")
    assert wars.verdict == "holds"
    assert wars.effect == pytest.approx(0.01, abs=0.002)
    assert wars.interval[0] > 0
    assert by_claim(found, "C14").verdict == "fails"
    assert by_claim(found, "C14").interval[1] < 0
    weak = by_claim(found, "C13", "survival")
    assert weak.verdict == "undecided"
    assert weak.interval[0] < 0 < weak.interval[1]
    assert by_claim(found, "C5/M1").verdict == "holds"
    assert not [f for f in found if f.claim == "C2/C12"]  # no yearly records: no coverage


def test_regimes_that_do_not_share_seeds_are_resampled_independently() -> None:
    a = result("self_help", war_rate=0.02 + noise(0.001, 1))
    b = result("collective_security", war_rate=0.01 + noise(0.001, 2))
    b_other = dataclasses.replace(b, entropy=99)
    paired = by_claim(findings_from_results({"self_help": a, "collective_security": b}), "C13")
    apart = by_claim(findings_from_results({"self_help": a, "collective_security": b_other}), "C13")
    assert paired.effect == pytest.approx(apart.effect)
    assert apart.verdict == "holds"
    assert apart.interval != paired.interval


def crises_with_failures(shares: dict[str, float]) -> pd.DataFrame:
    """100 crises over the replications; condition k fails in ``shares[k]`` of them."""
    rows = 100
    data: dict[str, object] = {"replication": np.arange(rows) % N, "outcome": "aggressor_won"}
    for cond in ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3"):
        held = np.arange(rows) >= round(shares.get(cond, 0.0) * rows)
        col = np.array(held, dtype=object)
        if cond == "M2":
            col[:] = None  # does not apply anywhere: no finding
        data[f"{cond}_holds"] = col
    return pd.DataFrame(data)


def test_condition_failure_shares() -> None:
    crises = crises_with_failures({"O1": 0.9, "O2": 0.1, "O3": 0.5})
    found = condition_findings(result("collective_security", crises))
    o1, o2, o3 = (by_claim(found, c) for c in ("O1", "O2", "O3"))
    assert o1.effect == pytest.approx(0.9)
    assert o1.verdict == "fails"
    assert o2.effect == pytest.approx(0.1)
    assert o2.verdict == "holds"
    assert o3.verdict == "undecided"
    assert "M2" not in {f.claim for f in found}
    for f in found:
        assert 0.0 <= f.interval[0] <= f.effect <= f.interval[1] <= 1.0


def test_the_ideal_regime_is_never_the_diagnosed_one() -> None:
    crises = crises_with_failures({"O1": 0.9})
    found = findings_from_results(
        {
            "self_help": result("self_help"),
            "ideal_collective_security": result("ideal_collective_security", crises),
        }
    )
    assert {f.claim for f in found} <= {"C13", "C14", "C5/M1"}


def test_to_dict_has_exactly_the_five_keys() -> None:
    f = Finding("C13", "s", 0.1, (0.0, 0.2), "undecided", "m", 0.0)
    d = f.to_dict()
    assert set(d) == KEYS
    assert json.loads(json.dumps(d)) == {
        "claim": "C13",
        "statement": "s",
        "effect": 0.1,
        "interval": [0.0, 0.2],
        "verdict": "undecided",
    }


def test_findings_from_a_sweep_pair_regimes_within_cells() -> None:
    rows = []
    for cell in range(3):
        for rep in range(6):
            for regime, rate in (("self_help", 0.03), ("collective_security", 0.01)):
                rows.append(
                    {
                        "cell": cell,
                        "regime": regime,
                        "replication": rep,
                        "cell_seed": 100 + cell,
                        "war_rate": rate + 0.001 * ((rep + cell) % 3),
                    }
                )
    found = findings_from_sweep(pd.DataFrame(rows))
    assert [f.claim for f in found] == ["C13"]
    assert found[0].effect == pytest.approx(0.02)
    assert found[0].verdict == "holds"
    assert findings_for(pd.DataFrame(rows)) == found


def test_findings_for_dispatches() -> None:
    cs = result("collective_security", crises_with_failures({"O1": 0.9}))
    assert findings_for(cs) == findings_from_results({"collective_security": cs})
    assert findings_for(Comparison({"collective_security": cs})) == findings_for(cs)
    with pytest.raises(TypeError):
        findings_for(3)  # type: ignore[arg-type]


def test_findings_in_indonesian() -> None:
    crises = crises_with_failures({"O1": 0.9, "O2": 0.1})
    results = {
        "self_help": result("self_help", war_rate=0.02 + noise(0.001, 1)),
        "collective_security": result("collective_security", crises, war_rate=np.full(N, 0.01)),
    }
    set_language("id")
    found = findings_from_results(results)
    lines = "\n".join(summary_lines(found))
    assert "Keamanan kolektif mencegah lebih banyak perang daripada swadaya." in lines
    assert "terpenuhi" in lines
    assert "gagal" in lines
    assert "Paling sering gagal" in lines
    assert by_claim(found, "O1").statement.startswith("O1 kesepakatan")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_compare_json_has_findings_with_exactly_five_keys(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = ["compare", "--reps", "3", "--years", "12", "--json", "--no-plots"]
    res = runner.invoke(cli.app, [*args, "--out", str(tmp_path / "o"), "--engine", "numpy"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["findings"], data
    claims = {f["claim"] for f in data["findings"]}
    assert {"C13", "C14", "C5/M1", "C2/C12"} <= claims
    for f in data["findings"]:
        assert set(f) == KEYS
        assert f["verdict"] in {"holds", "fails", "undecided"}
        assert f["interval"][0] <= f["effect"] <= f["interval"][1]


def test_run_prints_what_it_shows_in_indonesian(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_language(None)
    monkeypatch.setenv("COLLSEC_LANG", "id")
    args = ["run", "default", "--reps", "3", "--years", "12", "--no-plots", "--engine", "numpy"]
    res = runner.invoke(cli.app, [*args, "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "Apa yang ditunjukkan simulasi ini" in res.stdout
    assert "Paling sering gagal" in res.stdout


# ------------------------------------------------------------- too few replications


def war_finding(n: int) -> tuple[str, int]:
    """C13 on war of a clear effect (self-help twice the war rate) over ``n`` replications."""
    wobble = np.random.default_rng(n).normal(0.0, 1e-4, n)
    found = findings_from_results(
        {
            "self_help": result("self_help", n=n, war_rate=0.02 + wobble),
            "collective_security": result("collective_security", n=n, war_rate=0.01 + wobble),
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
            "self_help": result("self_help", n=3, war_rate=np.full(3, 0.02)),
            "collective_security": result("collective_security", n=3, war_rate=np.full(3, 0.01)),
        }
    )
    console = Console(record=True, width=200)
    print_findings(found, console)
    assert (
        f"Too few replications (3) for a verdict: every claim is undecided below {MIN_REPLICATIONS}"
        in console.export_text()
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
