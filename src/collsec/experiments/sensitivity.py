"""Sobol sensitivity of the outcomes to the drivers of the conditions.

Which driver of the conditions for collective security matters most for war,
deterrence and the survival of the weakest states (C13)? The drivers are the
obligation and credibility of the promise (O2), interest alignment (M2; the
similarity length scale or the interest spread of a generated world),
great-power membership (C5), the decision rule (O1) and free riding (O2, M3).
A sensitivity spec is a sweep spec with a ``sobol`` design: the cells are the
Saltelli-type sample of SALib (``N * (d + 2)`` cells for ``d`` drivers), each
cell's metric is its mean over replications, and :func:`SALib.analyze.sobol.analyze`
gives first-order (S1) and total (ST) indices with bootstrap intervals drawn
from an explicit seed (the spec's), so the intervals are the same on every rerun.

Discrete drivers enter as a [0, 1] variable cut into equal intervals, one per
level (:mod:`collsec.experiments.spec`); their indices measure the variance
explained by switching level.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from collsec.atomic import save_figure
from collsec.experiments.spec import Plan, SpecError
from collsec.experiments.store import load_results
from collsec.i18n import _

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = ["regime", "metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"]

RECOMMENDED_SAMPLES = 512
"""Base samples ``N`` below which ``collsec sensitivity`` warns that the indices mean little.

A rule of thumb, not a guarantee (the printed intervals are the measure): at
``N = 8`` (``tests/experiments/sobol_spec.yaml``) the 95% intervals of S1 have
half-widths of about 1, the whole range of an index; the Monte Carlo error of
the Saltelli estimators falls as ``1 / sqrt(N)``, so they are about 0.35 at the
bundled example's ``N = 64`` and about 0.13 at ``N = 512``.
"""


def check_sobol(plan: Plan) -> None:
    """Refuse a spec whose design cannot give Sobol indices.

    Raises
    ------
    SpecError
        If the design is not ``sobol``.
    """
    if plan.spec.design.kind != "sobol":
        raise SpecError(
            _("sensitivity needs design kind {kind!r}, not {got!r}").format(
                kind="sobol", got=plan.spec.design.kind
            ),
            field="design.kind",
        )


def few_samples_warning(plan: Plan) -> str | None:
    """One line saying the design has too few base samples, or None if it has enough.

    Examples
    --------
    >>> from collsec.experiments.spec import load_spec, plan
    >>> few_samples_warning(plan(load_spec("sensitivity")))[:40]
    'only 64 base samples (design.samples): S'
    """
    n = plan.spec.design.samples
    if plan.spec.design.kind != "sobol" or n >= RECOMMENDED_SAMPLES:
        return None
    return _(
        "only {n} base samples (design.samples): Sobol indices this few are mostly "
        "noise; use at least {recommended}"
    ).format(n=n, recommended=RECOMMENDED_SAMPLES)


def sobol_indices(plan: Plan, rows: pd.DataFrame) -> pd.DataFrame:
    """First-order and total Sobol indices of each metric, per regime.

    Parameters
    ----------
    plan
        The resolved sensitivity spec (design ``sobol``).
    rows
        Every row of the finished sweep (:func:`collsec.experiments.load_results`).

    Returns
    -------
    pandas.DataFrame
        Columns ``regime, metric, parameter, S1, S1_conf, ST, ST_conf``; the
        ``_conf`` columns are half-widths of 95% bootstrap intervals. A metric
        that does not vary at all gets NaN indices.

    Raises
    ------
    SpecError
        If the design is not ``sobol``, cells are missing, or a metric is
        undefined (NaN) in some cell.
    """
    from SALib.analyze import sobol

    check_sobol(plan)
    names = plan.columns
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    n_cells = len(plan.cells)
    out: list[list[object]] = []
    for regime in plan.spec.regimes:
        sub = rows[rows["regime"] == regime]
        means = sub.groupby("cell", sort=True)[list(plan.spec.metrics)].mean()
        if len(means) != n_cells:
            raise SpecError(
                _(
                    "the sweep has {done} of {total} cells for regime {regime!r}: "
                    "finish it with {option} first"
                ).format(done=len(means), total=n_cells, regime=regime, option="--resume")
            )
        for metric in plan.spec.metrics:
            y = means[metric].to_numpy(dtype=float)
            if not np.all(np.isfinite(y)):
                raise SpecError(
                    _(
                        "metric {metric!r} is undefined in {n} cells of regime {regime!r}; "
                        "choose a metric defined in every run"
                    ).format(metric=metric, n=int((~np.isfinite(y)).sum()), regime=regime),
                    field="metrics",
                )
            if np.ptp(y) == 0.0:
                nan = float("nan")
                out.extend([regime, metric, n, nan, nan, nan, nan] for n in names)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=False,
                    num_resamples=200,
                    conf_level=0.95,
                    print_to_console=False,
                    seed=plan.spec.seed,
                )
            for j, n in enumerate(names):
                out.append(
                    [
                        regime,
                        metric,
                        n,
                        float(res["S1"][j]),
                        float(res["S1_conf"][j]),
                        float(res["ST"][j]),
                        float(res["ST_conf"][j]),
                    ]
                )
    return pd.DataFrame(out, columns=COLUMNS)


def analyze(plan: Plan, out: str | Path) -> pd.DataFrame:
    """Sobol indices of a finished sensitivity sweep in ``out``."""
    return sobol_indices(plan, load_results(out))


def plot_indices(indices: pd.DataFrame) -> Figure:
    """Bar chart of S1 and ST with their 95% intervals: one panel per metric and regime."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regimes = list(dict.fromkeys(indices["regime"]))
    metrics = list(dict.fromkeys(indices["metric"]))
    fig, axes = plt.subplots(
        len(regimes),
        len(metrics),
        figsize=(4.2 * len(metrics), 3.4 * len(regimes)),
        squeeze=False,
        sharey=True,
    )
    for r, regime in enumerate(regimes):
        for c, metric in enumerate(metrics):
            ax = axes[r][c]
            d = indices[(indices["regime"] == regime) & (indices["metric"] == metric)]
            x = np.arange(len(d))
            ax.bar(x - 0.2, d["S1"], 0.4, yerr=d["S1_conf"], capsize=3, label=_("S1 (first order)"))
            ax.bar(x + 0.2, d["ST"], 0.4, yerr=d["ST_conf"], capsize=3, label=_("ST (total)"))
            ax.set_xticks(x, list(d["parameter"]), rotation=35, ha="right", fontsize=8)
            ax.axhline(0.0, color="grey", lw=0.6)
            ax.set_title(f"{metric} ({regime})", fontsize=9)
    axes[0][0].set_ylabel(_("Sobol index"))
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_plot(indices: pd.DataFrame, path: Path) -> Path:
    """Save :func:`plot_indices` as a PNG."""
    import matplotlib.pyplot as plt

    fig = plot_indices(indices)
    save_figure(fig, path, dpi=120)
    plt.close(fig)
    return path
