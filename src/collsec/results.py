"""Results: per-replication metrics, yearly metrics, the crisis log, intervals.

A :class:`SimulationResult` holds one regime's run; a :class:`Comparison` holds
several regimes on the same world and seeds. Tables are tidy and long
(:meth:`SimulationResult.to_frame`); :meth:`summary` gives each metric's mean
over replications with a 95% interval for that mean.

Intervals
---------
One method for every metric: the 95% **percentile bootstrap** over
replications (:data:`BOOTSTRAP_RESAMPLES` resamples of the replications, with
replacement; the interval runs from the 2.5th to the 97.5th percentile of the
resampled means). Why this one:

- a resampled mean of values inside a metric's range is inside that range, so
  a share's interval stays in [0, 1] and a count's or a rate's at or above zero,
  with no clipping and no transformation chosen per metric (a normal
  ``mean ± 1.96 se`` left the range: a military share of 0.0023 in
  [-0.0022, 0.0067], a weakest-quartile survival reaching 1.01);
- replications are independent and identically distributed, which is all the
  bootstrap asks; per-replication shares are ratios of small counts, whose
  skewed distribution a normal interval ignores;
- the resampled replication indices are drawn from a generator seeded from the
  run's seed (:func:`bootstrap_indices`), the same for every regime of a
  comparison, so the interval is the same on every rerun and differences
  between regimes are paired (``collsec.findings``).

Limits, stated where the intervals are shown: with few replications the
percentile interval is somewhat too narrow (roughly 90% coverage at 10
replications); when every replication gives the same value the interval is that
value (zero width: the run shows no spread, not certainty).

This module imports neither plots, findings nor the report: they read results.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.engine import YEARLY_METRICS, BatchRecord
from collsec.i18n import N_, _
from collsec.scenario import Scenario
from collsec.world import World

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
"""Two-sided 95% normal quantile (kept for callers that compare two engines' means)."""

BOOTSTRAP_RESAMPLES = 2000
"""Resamples of the replications behind every interval."""

BOOTSTRAP_KEY = 0xB007
"""Mixed with the run's entropy to seed the bootstrap (apart from the simulation's seeds)."""

INTERVAL_METHOD = N_(
    "95% percentile bootstrap over replications ({n} resamples, seeded from the run's seed); "
    "zero width when every replication gives the same value"
)
"""How every interval is computed, for captions (format with ``n``)."""

_BLOCK = 2_000_000
"""Resample weights held in memory at once (bounds memory on very large runs)."""

_GATHER_WIDTH = 2
"""Up to this many columns, resampled means sum the drawn values (else a matrix product)."""


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
    """Mean and normal 95% interval of the mean over replications (NaNs dropped).

    For a quantity with no bounds (a difference of two engines' means, as in the
    slow agreement test). Metrics use :func:`interval_of_mean`, which keeps an
    interval inside the metric's range.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if v.size < 2:
        return m, m, m
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(v.size)
    return m, m - half, m + half


def interval_caption() -> str:
    """The caption line that states the interval method (translated)."""
    return _(INTERVAL_METHOD).format(n=BOOTSTRAP_RESAMPLES)


def bootstrap_indices(n: int, entropy: int, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """``[resamples, n]`` replication positions drawn with replacement.

    Seeded from the run's ``entropy`` (and :data:`BOOTSTRAP_KEY`), so the same
    run always gets the same resamples, and every regime of a comparison (same
    seed, same replications) the same ones: a difference between regimes is
    resampled by pairs of replications.
    """
    if n < 1:
        return np.zeros((resamples, 0), dtype=np.int64)
    rng = np.random.default_rng(np.random.SeedSequence([int(entropy), BOOTSTRAP_KEY]))
    out: np.ndarray = rng.integers(0, n, size=(resamples, n), dtype=np.int32)
    return out


def resampled_means(values: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Mean of ``values`` (replications on axis 0, NaN ignored) in each resample.

    For many columns each resample's mean is a weighted mean (weights: how
    often the resample drew each replication), computed for a block of
    resamples at once as a matrix product; for one or two, the drawn values are
    summed. Either way the mean is kept between the values' smallest and largest (where a
    mean lies, whatever the rounding).

    Returns ``[resamples, ...]``; NaN where a resample holds no finite value.
    """
    v = np.asarray(values, dtype=float)
    b, n = indices.shape
    if n == 0 or v.shape[0] != n:
        raise ValueError(f"{v.shape[0]} values for resamples of {n} replications")
    flat = v.reshape(n, -1)
    finite = np.isfinite(flat)
    filled = np.where(finite, flat, 0.0)
    weights = finite.astype(float)
    out = np.full((b, flat.shape[1]), np.nan)
    if not finite.any():
        return out.reshape(b, *v.shape[1:])
    with warnings.catch_warnings():  # a column without any finite value, said once here
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanmin(flat, axis=0), np.nanmax(flat, axis=0)
    step = max(1, _BLOCK // n)
    for start in range(0, b, step):
        idx = indices[start : start + step]
        if flat.shape[1] <= _GATHER_WIDTH:  # few columns: sum the drawn rows
            tot, cnt = filled[idx].sum(axis=1), weights[idx].sum(axis=1)
        else:  # many: how often each row was drawn, times the rows
            rows = idx.shape[0]
            offset = (np.arange(rows) * n)[:, None]
            counts = np.bincount((idx + offset).ravel(), minlength=rows * n).reshape(rows, n)
            counts = counts.astype(float)
            tot, cnt = counts @ filled, counts @ weights
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.clip(tot / np.maximum(cnt, 1.0), low, high)
        out[start : start + step] = np.where(cnt > 0, mean, np.nan)
    return out.reshape(b, *v.shape[1:])


def percentile_interval(resampled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5th and 97.5th percentiles over resamples (axis 0), resamples without a value dropped."""
    if not np.isfinite(resampled).any():
        nan = np.full(resampled.shape[1:], np.nan)
        return nan, nan
    with warnings.catch_warnings():  # a column without any value is NaN, said once here
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanpercentile(resampled, [2.5, 97.5], axis=0)
    return lo, hi


def interval_of_mean(values: np.ndarray, indices: np.ndarray) -> tuple[float, float, float]:
    """Mean over replications (NaN dropped) and its 95% percentile-bootstrap interval.

    Parameters
    ----------
    values
        ``[r]`` per-replication values (a metric, or a paired difference of two).
    indices
        ``[resamples, r]`` from :func:`bootstrap_indices`.
    """
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return float("nan"), float("nan"), float("nan")
    return interval_around(float(finite.mean()), resampled_means(v, indices))


def interval_around(estimate: float, resampled: np.ndarray) -> tuple[float, float, float]:
    """``(estimate, low, high)``: the percentile interval of ``resampled`` (``[resamples]``).

    The estimate is kept inside its interval (the percentiles of a mean lie
    between the values' min and max; this guards against rounding in the last bit).
    """
    lo, hi = percentile_interval(np.asarray(resampled, dtype=float))
    return estimate, min(float(lo), estimate), max(float(hi), estimate)


def covered_share(result: SimulationResult) -> np.ndarray:
    """``[r]``: share of wars covered by an arrangement (C2: collective security covers all).

    NaN for a replication without wars, or for every replication when the run
    kept no yearly records.
    """
    if not result.yearly:
        return np.full(len(result.replications), np.nan)
    return _ratio(result.yearly["covered"].sum(axis=1), result.yearly["wars"].sum(axis=1))


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
    _intervals: dict[str, tuple[float, float, float]] | None = field(
        default=None, init=False, repr=False
    )

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

        def joined(parts: list[np.ndarray]) -> np.ndarray:
            return parts[0] if len(parts) == 1 else np.concatenate(parts)

        reps = joined([r.replications for r in records])
        yearly = {m: joined([r.yearly[m] for r in records]) for m in YEARLY_METRICS}
        final_alive = joined([r.final_alive for r in records])
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

    def bootstrap(self) -> np.ndarray:
        """``[resamples, r]``: resamples of this run's replications (:func:`bootstrap_indices`)."""
        return bootstrap_indices(len(self.replications), self.entropy)

    def intervals(self) -> dict[str, tuple[float, float, float]]:
        """``{metric: (mean, low, high)}``, computed once (:func:`interval_of_mean`)."""
        if self._intervals is None:
            names = list(SUMMARY_METRICS)
            values = np.column_stack([self.per_replication[m] for m in names]).astype(float)
            resampled = resampled_means(values, self.bootstrap())  # every metric at once
            self._intervals = {}
            for k, m in enumerate(names):
                col = values[:, k]
                finite = col[np.isfinite(col)]
                self._intervals[m] = (
                    interval_around(float(finite.mean()), resampled[:, k])
                    if finite.size
                    else (float("nan"), float("nan"), float("nan"))
                )
        return dict(self._intervals)

    def summary(self) -> pd.DataFrame:
        """Each metric's mean over replications and its 95% interval (percentile bootstrap).

        Returns
        -------
        pandas.DataFrame
            Columns ``regime, metric, mean, low, high, meaning``.
        """
        rows = []
        intervals = self.intervals()
        for m, meaning in SUMMARY_METRICS.items():
            mean, lo, hi = intervals[m]
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
        intervals = self.intervals()
        for m in SUMMARY_METRICS:
            mean, lo, hi = intervals[m]
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
            "interval": {
                "method": "percentile_bootstrap",
                "level": 0.95,
                "resamples": BOOTSTRAP_RESAMPLES,
            },
            "engine": self.engine,
            "regimes": {k: r.summary_dict() for k, r in self.results.items()},
        }

    def write(self, folder: Path) -> list[Path]:
        """Write Parquet tables, the scenario and ``summary.json`` to ``folder``.

        Every Parquet file embeds the scenario (YAML) and the package version
        in its schema metadata. Plots are drawn by :func:`collsec.plots.save_all`
        (results import no plotting).
        """
        from collsec.atomic import write_text
        from collsec.storage import write_table

        folder.mkdir(parents=True, exist_ok=True)
        written = []
        sc = self.scenario
        for kind in ("replications", "yearly", "crises"):
            df = self.to_frame(kind)
            if len(df):
                written.append(write_table(df, folder / f"{kind}.parquet", sc))
        written.append(write_table(self.summary(), folder / "summary.parquet", sc))
        written.append(write_text(folder / "scenario.yaml", sc.to_yaml()))
        summary = json.dumps(self.to_json_dict(), indent=2)
        written.append(write_text(folder / "summary.json", summary))
        return written
