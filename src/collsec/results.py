"""Results: per-replication metrics, yearly metrics, the crisis log, intervals.

A :class:`SimulationResult` holds one regime's run; a :class:`Comparison` holds
several regimes on the same world and seeds. Tables are tidy and long
(:meth:`SimulationResult.to_frame`); :meth:`summary` gives each metric's mean
over replications with a 95% interval for the mean (normal approximation,
no resampling, so the interval is the same on every rerun).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from collsec.engine import YEARLY_METRICS, BatchRecord
from collsec.scenario import Scenario
from collsec.world import World

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SUMMARY_METRICS: dict[str, str] = {
    "war_rate": "wars begun per state-year",
    "deterred_rate": "attacks deterred per state-year",
    "reversed_share": "share of aggressions reversed (aggressor defeated)",
    "state_deaths": "states eliminated per run",
    "weak_deaths": "states of the weakest starting quartile eliminated per run",
    "weak_survival": "share of the weakest starting quartile alive at the end",
    "arms_share": "mean share of capability in arms",
    "designation_rate": "share of covered aggressions designated (O1)",
    "participation_rate": "share of asked members willing to act (O2)",
    "military_share": "share of aggressions answered with force",
    "sanctions_share": "share of aggressions answered with sanctions",
    "mean_severity": "mean severity of a war (share of world capability lost)",
    "coalition_size": "mean number of states fighting beside a victim",
}
"""Per-replication metrics, with their meaning (issue 2's JSON names)."""

Z95 = 1.959963984540054


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def summarise_records(
    yearly: dict[str, np.ndarray], final_alive: np.ndarray, weak: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-replication summary metrics from yearly records ``[r, years]``."""
    tot = {m: yearly[m].sum(axis=1) for m in YEARLY_METRICS}
    state_years = tot["states"]
    wars = tot["wars"]
    return {
        "war_rate": _ratio(wars, state_years),
        "deterred_rate": _ratio(tot["deterred"], state_years),
        "reversed_share": _ratio(tot["reversed"], wars),
        "state_deaths": tot["deaths"],
        "weak_deaths": tot["weak_deaths"],
        "weak_survival": final_alive[:, weak].mean(axis=1) if weak.any() else np.ones(len(wars)),
        "arms_share": yearly["arms_share"].mean(axis=1),
        "designation_rate": _ratio(tot["designated"], tot["covered"]),
        "participation_rate": _ratio(tot["joined"], tot["asked"]),
        "military_share": _ratio(tot["military"], wars),
        "sanctions_share": _ratio(tot["sanctions"], wars),
        "mean_severity": _ratio(tot["severity"], wars),
        "coalition_size": _ratio(tot["coalition"], tot["military"]),
    }


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% interval of the mean over replications (NaNs dropped)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if v.size < 2:
        return m, m, m
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(v.size)
    return m, m - half, m + half


@dataclass(eq=False)
class SimulationResult:
    """One regime's run: per-replication metrics, yearly metrics and crises.

    Attributes
    ----------
    scenario
        The scenario run (with the run's horizon, replications and seed).
    regime
        The regime.
    world
        The world the run used.
    entropy
        The root seed's entropy (repeat the run with ``seed=entropy``).
    replications
        Replication index of each row of the arrays.
    per_replication
        Summary metric name to ``[r]`` array.
    yearly
        Yearly metric name to ``[r, years]`` array (empty if not kept).
    crises
        The crisis log (empty if not kept).
    states
        Per-state detail (empty unless asked for).
    final_alive
        ``[r, n]``: the states alive at the end.
    engine
        The engine that ran: ``numpy`` or ``compiled``.
    """

    scenario: Scenario
    regime: str
    world: World
    entropy: int
    replications: np.ndarray
    per_replication: dict[str, np.ndarray]
    yearly: dict[str, np.ndarray]
    crises: pd.DataFrame
    states: dict[str, np.ndarray] = field(default_factory=dict)
    final_alive: np.ndarray | None = None
    engine: str = "numpy"

    @classmethod
    def from_records(
        cls,
        scenario: Scenario,
        regime: str,
        world: World,
        entropy: int,
        records: list[BatchRecord],
        keep_yearly: bool = True,
        engine: str = "numpy",
    ) -> SimulationResult:
        """Gather batch records into one result."""
        reps = np.concatenate([r.replications for r in records])
        yearly = {m: np.concatenate([r.yearly[m] for r in records]) for m in YEARLY_METRICS}
        final_alive = np.concatenate([r.final_alive for r in records])
        per = summarise_records(yearly, final_alive, world.weakest_quartile())
        frames = [pd.DataFrame(r.crises) for r in records if r.crises]
        crises = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if len(crises):
            crises.insert(0, "regime", regime)
        states: dict[str, np.ndarray] = {}
        if records[0].states:
            states = {k: np.concatenate([r.states[k] for r in records]) for k in records[0].states}
        return cls(
            scenario=scenario,
            regime=regime,
            world=world,
            entropy=entropy,
            replications=reps,
            per_replication=per,
            yearly=yearly if keep_yearly else {},
            crises=crises,
            states=states,
            final_alive=final_alive,
            engine=engine,
        )

    @property
    def years(self) -> int:
        """Years simulated."""
        return self.scenario.horizon

    def summary(self) -> pd.DataFrame:
        """Each metric's mean over replications and its 95% interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``regime, metric, mean, low, high, meaning``.
        """
        rows = []
        for m, meaning in SUMMARY_METRICS.items():
            mean, lo, hi = mean_interval(self.per_replication[m])
            rows.append(
                {
                    "regime": self.regime,
                    "metric": m,
                    "mean": mean,
                    "low": lo,
                    "high": hi,
                    "meaning": meaning,
                }
            )
        return pd.DataFrame(rows)

    def summary_dict(self) -> dict[str, dict[str, float | None]]:
        """``{metric: {"mean", "low", "high"}}`` with NaN as None (for JSON)."""
        out: dict[str, dict[str, float | None]] = {}
        for m in SUMMARY_METRICS:
            mean, lo, hi = mean_interval(self.per_replication[m])
            out[m] = {
                k: (None if not np.isfinite(v) else v)
                for k, v in (("mean", mean), ("low", lo), ("high", hi))
            }
        return out

    def to_frame(self, kind: str = "replications") -> pd.DataFrame:
        """A tidy long table.

        Parameters
        ----------
        kind
            ``replications`` (regime, replication, metric, value), ``yearly``
            (regime, replication, year, metric, value), ``crises`` (one row a
            crisis) or ``states`` (regime, replication, year, state,
            capability, arms, alive).
        """
        if kind == "replications":
            wide = pd.DataFrame(self.per_replication)
            wide.insert(0, "replication", self.replications)
            long = wide.melt(id_vars="replication", var_name="metric", value_name="value")
            long.insert(0, "regime", self.regime)
            return long
        if kind == "yearly":
            if not self.yearly:
                return pd.DataFrame(columns=["regime", "replication", "year", "metric", "value"])
            r, t = self.yearly["wars"].shape
            base = pd.DataFrame(
                {"replication": np.repeat(self.replications, t), "year": np.tile(np.arange(t), r)}
            )
            for m in YEARLY_METRICS:
                base[m] = self.yearly[m].ravel()
            long = base.melt(id_vars=["replication", "year"], var_name="metric", value_name="value")
            long.insert(0, "regime", self.regime)
            return long
        if kind == "crises":
            return self.crises.copy()
        if kind == "states":
            if not self.states:
                raise ValueError("per-state detail was not kept: set output.states: true")
            r, t, n = self.states["cap"].shape
            return pd.DataFrame(
                {
                    "regime": self.regime,
                    "replication": np.repeat(self.replications, t * n),
                    "year": np.tile(np.repeat(np.arange(t), n), r),
                    "state": np.tile(np.array(self.world.codes, dtype=object), r * t),
                    "capability": self.states["cap"].ravel(),
                    "arms": self.states["arms"].ravel(),
                    "alive": self.states["alive"].ravel(),
                }
            )
        raise ValueError(f"unknown table kind {kind!r}: replications, yearly, crises or states")

    def yearly_means(self) -> pd.DataFrame:
        """Per year: each yearly metric's mean over replications (wide)."""
        out = pd.DataFrame({m: v.mean(axis=0) for m, v in self.yearly.items()})
        out.insert(0, "year", np.arange(len(out)))
        return out


@dataclass(eq=False)
class Comparison:
    """Several regimes on the same world, seeds and replications (C10).

    Attributes
    ----------
    results
        Regime name to its :class:`SimulationResult`.
    """

    results: dict[str, SimulationResult]

    @property
    def scenario(self) -> Scenario:
        """The scenario shared by every regime."""
        return next(iter(self.results.values())).scenario

    @property
    def engine(self) -> str:
        """The engine that ran (``numpy`` or ``compiled``; ``mixed`` if the regimes differ)."""
        engines = {r.engine for r in self.results.values()}
        return engines.pop() if len(engines) == 1 else "mixed"

    def summary(self) -> pd.DataFrame:
        """Every regime's summary, stacked."""
        return pd.concat([r.summary() for r in self.results.values()], ignore_index=True)

    def to_frame(self, kind: str = "replications") -> pd.DataFrame:
        """Every regime's table of ``kind``, stacked (see :meth:`SimulationResult.to_frame`)."""
        frames = [r.to_frame(kind) for r in self.results.values()]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def to_json_dict(self) -> dict[str, Any]:
        """The object ``collsec compare --json`` prints."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "replications": sc.replications,
            "years": sc.horizon,
            "seed": sc.seed,
            "engine": self.engine,
            "regimes": {k: r.summary_dict() for k, r in self.results.items()},
        }

    def plot_metrics(self) -> Figure:
        """Yearly metrics over time, one line per regime."""
        from collsec.plots import metrics_over_time

        return metrics_over_time(self.results)

    def plot_severity(self) -> Figure:
        """War severity complementary CDF on log-log axes, per regime."""
        from collsec.plots import severity_ccdf

        return severity_ccdf(self.results)

    def plot_survival(self) -> Figure:
        """Survival by starting capability quartile, per regime (C13)."""
        from collsec.plots import survival_by_quartile

        return survival_by_quartile(self.results)

    def plot_arms(self) -> Figure:
        """Mean arms share over time, per regime (C14)."""
        from collsec.plots import arms_over_time

        return arms_over_time(self.results)

    def write(self, folder: Path, plots: bool = True) -> list[Path]:
        """Write Parquet tables, the scenario and (optionally) PNG plots to ``folder``.

        Every Parquet file embeds the scenario (YAML) and the package version
        in its schema metadata.
        """
        from collsec.storage import write_table

        folder.mkdir(parents=True, exist_ok=True)
        written = []
        sc = self.scenario
        for kind in ("replications", "yearly", "crises"):
            df = self.to_frame(kind)
            if len(df):
                written.append(write_table(df, folder / f"{kind}.parquet", sc))
        written.append(write_table(self.summary(), folder / "summary.parquet", sc))
        path = folder / "scenario.yaml"
        path.write_text(sc.to_yaml(), encoding="utf-8")
        written.append(path)
        path = folder / "summary.json"
        path.write_text(json.dumps(self.to_json_dict(), indent=2), encoding="utf-8")
        written.append(path)
        if plots:
            from collsec.plots import save_all

            written.extend(save_all(self.results, folder))
        return written
