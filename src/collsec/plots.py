"""Plots of a comparison of regimes: metrics over time, war severity, survival, arms.

Each function takes ``results``, a mapping of regime name to
:class:`~collsec.results.SimulationResult` (usually ``Comparison.results``), and
returns a :class:`matplotlib.figure.Figure`. Figures are built directly on the
Agg canvas, never through ``pyplot``, so no global figure state is kept and
nothing needs a display: plotting in a loop or a server does not leak figures.

What each plot shows and the claim it bears on:

- :func:`metrics_over_time`: wars, deterred attacks, state deaths and the arms
  share per year, mean over replications (C10: the four regimes side by side).
- :func:`severity_ccdf`: the complementary CDF of war severity on log-log
  axes; heavy tails show as straight lines (C3: how badly it can go wrong).
- :func:`survival_by_quartile`: share of states alive at the end by starting
  capability quartile (C13: collective security protects weak states).
- :func:`arms_over_time`: mean arms share with its 95% interval (C14: arms races
  under self-help).

Intervals are the results' own (:func:`collsec.results.interval_of_mean`: the
percentile bootstrap over replications), so a plot's whiskers are the table's.
Titles, axis labels and legends go through :func:`collsec.i18n._`.

Dependencies run one way: this module reads :mod:`collsec.results`, which
imports no plotting. :class:`PlottedComparison` (what :func:`collsec.compare`
returns) adds the plot methods of the README (``cmp.plot_survival()``) to a
:class:`~collsec.results.Comparison`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from collsec.i18n import _, regime_label
from collsec.results import (
    Comparison,
    SimulationResult,
    percentile_interval,
    resampled_means,
)
from collsec.scenario import RUN_REGIMES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Results = Mapping[str, "SimulationResult"]

DPI = 110
"""Resolution of saved PNG files."""

PLOT_FILES: dict[str, str] = {
    "metrics_over_time": "metrics_over_time.png",
    "severity_ccdf": "severity_ccdf.png",
    "survival_by_quartile": "survival_by_quartile.png",
    "arms_over_time": "arms_over_time.png",
}
"""File name :func:`save_all` gives each plot."""

PALETTE: tuple[str, ...] = (
    "#000000",
    "#D55E00",
    "#E69F00",
    "#0072B2",
    "#009E73",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
)
"""The colour-blind-safe palette (Okabe and Ito 2008) every plot and the dashboard share."""


def _figure(width: float, height: float) -> Figure:
    # Fixed margins rather than constrained layout: the layout engine draws
    # each figure twice and doubled the plotting time of a default run.
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)  # attach the Agg canvas: no pyplot, no display
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.11, top=0.92)
    return fig


def regime_color(regime: str) -> str:
    """A fixed colour per regime, so every plot of a run agrees."""
    k = RUN_REGIMES.index(regime) if regime in RUN_REGIMES else len(RUN_REGIMES)
    return PALETTE[k % len(PALETTE)]


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, _("no data"), ha="center", va="center", transform=ax.transAxes)


def metrics_over_time(results: Results) -> Figure:
    """Wars, deterred attacks, state deaths and arms share per year, one line per regime.

    Each line is the mean over replications of ``result.yearly[metric]``.
    A regime run without yearly records (``output.yearly: false``) is left out.

    Returns
    -------
    matplotlib.figure.Figure
        Four axes (wars, deterred, deaths, arms share).
    """
    panels = (
        ("wars", _("Wars begun per year")),
        ("deterred", _("Attacks deterred per year")),
        ("deaths", _("States eliminated per year")),
        ("arms_share", _("Mean arms share")),
    )
    fig = _figure(10, 7)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, hspace=0.25, wspace=0.22)
    for ax, (metric, title) in zip(axes, panels, strict=True):
        drawn = False
        for regime, res in results.items():
            if metric not in res.yearly:
                continue
            values = np.asarray(res.yearly[metric], dtype=float).mean(axis=0)
            ax.plot(
                np.arange(len(values)),
                values,
                label=regime_label(regime),
                color=regime_color(regime),
                linewidth=1.2,
            )
            drawn = True
        if not drawn:
            _no_data(ax)
        ax.set_title(title)
        ax.set_ylabel(_("mean over replications"))
        ax.grid(alpha=0.3)
    for ax in axes[2:]:
        ax.set_xlabel(_("year"))
    if any(ax.lines for ax in axes):
        fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncols=4)
    fig.suptitle(_("Metrics over time by regime"))
    return fig


def war_severities(result: SimulationResult) -> np.ndarray:
    """Severities of the wars fought in ``result`` (attacks not deterred), positive only."""
    crises = result.crises
    if not len(crises) or "severity" not in crises or "outcome" not in crises:
        return np.zeros(0)
    fought = crises.loc[crises["outcome"] != "deterred", "severity"].to_numpy(dtype=float)
    return np.sort(fought[np.isfinite(fought) & (fought > 0)])


def severity_ccdf(results: Results) -> Figure:
    """War severity complementary CDF, ``P(S >= s)``, on log-log axes, per regime.

    Severity is the capability lost in a war as a share of world capability
    (MODEL.md, phase 5). Deterred attacks are not wars and are left out, as are
    wars with zero loss (they have no place on a log axis).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one step line per regime that fought a war.
    """
    fig = _figure(7, 5)
    ax = fig.add_subplot()
    for regime, res in results.items():
        s = war_severities(res)
        if not s.size:
            continue
        ccdf = 1.0 - np.arange(s.size) / s.size  # P(S >= s_i) for sorted s_i
        ax.step(
            s,
            ccdf,
            where="post",
            label=f"{regime_label(regime)} (n={s.size})",
            color=regime_color(regime),
        )
    if ax.lines:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend()
    else:
        _no_data(ax)
    ax.set_xlabel(_("war severity (share of world capability lost)"))
    ax.set_ylabel(_("P(severity ≥ s)"))
    ax.set_title(_("War severity, complementary CDF"))
    ax.grid(alpha=0.3, which="both")
    return fig


def capability_quartiles(capability: np.ndarray) -> np.ndarray:
    """Starting capability quartile of each state, 0 (weakest) to 3, by rank.

    Ranks (ties broken by order) rather than quantile cut points, so every
    quartile holds a quarter of the states even when capabilities tie.
    """
    cap = np.asarray(capability, dtype=float)
    n = cap.size
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(cap, kind="stable")] = np.arange(n)
    quartile: np.ndarray = (rank * 4) // max(n, 1)
    return quartile


def survival_by_quartile(results: Results) -> Figure:
    """Share of states alive at the end, by starting capability quartile, per regime (C13).

    Bars are the mean over replications of the share of a quartile's states
    alive in the last year (``result.final_alive``); whiskers are the 95%
    interval of that mean (percentile bootstrap, as in the results' summary).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar group per regime.
    """
    fig = _figure(8, 5)
    ax = fig.add_subplot()
    kept = [(k, r) for k, r in results.items() if r.final_alive is not None]
    width = 0.8 / max(len(kept), 1)
    x = np.arange(4)
    for j, (regime, res) in enumerate(kept):
        alive = np.asarray(res.final_alive, dtype=float)  # [replications, states]
        q = capability_quartiles(res.world.capability)
        per_rep = np.full((alive.shape[0], 4), np.nan)
        for k in range(4):
            if (q == k).any():
                per_rep[:, k] = alive[:, q == k].mean(axis=1)
        means = np.nanmean(per_rep, axis=0) if per_rep.size else np.full(4, np.nan)
        lo, hi = percentile_interval(resampled_means(per_rep, res.bootstrap()))
        yerr = np.vstack([means - np.minimum(lo, means), np.maximum(hi, means) - means])
        ax.bar(
            x + (j - (len(kept) - 1) / 2) * width,
            means,
            width,
            yerr=yerr,
            capsize=2,
            label=regime_label(regime),
            color=regime_color(regime),
        )
    if kept:
        ax.legend()
    else:
        _no_data(ax)
    ax.set_xticks(x, [_("Q1 (weakest)"), _("Q2"), _("Q3"), _("Q4 (strongest)")])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(_("starting capability quartile"))
    ax.set_ylabel(_("share of states alive at the end"))
    ax.set_title(_("Survival by starting capability"))
    ax.grid(alpha=0.3, axis="y")
    return fig


def arms_over_time(results: Results) -> Figure:
    """Mean arms share of living states per year, with its 95% interval, per regime (C14).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one line (and a shaded interval) per regime with yearly records.
    """
    fig = _figure(8, 5)
    ax = fig.add_subplot()
    for regime, res in results.items():
        if "arms_share" not in res.yearly:
            continue
        arms = np.asarray(res.yearly["arms_share"], dtype=float)  # [replications, years]
        mean = arms.mean(axis=0)
        years = np.arange(mean.size)
        color = regime_color(regime)
        ax.plot(years, mean, label=regime_label(regime), color=color, linewidth=1.4)
        if arms.shape[0] > 1:
            lo, hi = percentile_interval(resampled_means(arms, res.bootstrap()))
            ax.fill_between(years, lo, hi, color=color, alpha=0.2, linewidth=0)
    if ax.lines:
        ax.legend()
    else:
        _no_data(ax)
    ax.set_xlabel(_("year"))
    ax.set_ylabel(_("share of capability in arms"))
    ax.set_title(_("Arms share over time"))
    ax.grid(alpha=0.3)
    return fig


def save_all(results: Results, folder: Path) -> list[Path]:
    """Draw every plot and save it as PNG in ``folder``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`PLOT_FILES`.
    """
    makers = {
        "metrics_over_time": metrics_over_time,
        "severity_ccdf": severity_ccdf,
        "survival_by_quartile": survival_by_quartile,
        "arms_over_time": arms_over_time,
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, make in makers.items():
        path = folder / PLOT_FILES[key]
        fig = make(results)
        fig.savefig(path, dpi=DPI)
        written.append(path)
    return written


class PlottedComparison(Comparison):
    """A :class:`~collsec.results.Comparison` with its plots as methods.

    :func:`collsec.compare` returns one, so ``cmp.plot_survival().savefig(...)``
    works as the README shows; the comparison itself (results) knows nothing of
    plotting.
    """

    def plot_metrics(self) -> Figure:
        """Yearly metrics over time, one line per regime (:func:`metrics_over_time`)."""
        return metrics_over_time(self.results)

    def plot_severity(self) -> Figure:
        """War severity complementary CDF per regime (:func:`severity_ccdf`)."""
        return severity_ccdf(self.results)

    def plot_survival(self) -> Figure:
        """Survival by starting capability quartile per regime (:func:`survival_by_quartile`)."""
        return survival_by_quartile(self.results)

    def plot_arms(self) -> Figure:
        """Mean arms share over time per regime (:func:`arms_over_time`)."""
        return arms_over_time(self.results)

    def save_plots(self, folder: Path) -> list[Path]:
        """Every plot as PNG in ``folder`` (:func:`save_all`)."""
        return save_all(self.results, folder)
