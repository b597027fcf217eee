"""The state system as a network, one year of one replication at a time.

Nodes are states at their map positions, sized by capability in that year
and coloured by the arrangement they belong to (the run's arrangements at
the start; states in several take the first); edges join contiguous states
(grey) and allied states (dashed). The year's crises are marked: an attack
as an arrow from aggressor to victim (solid for a war, dotted when it was
deterred), a state that died that year as a cross, dead states in outline.
Drawn with matplotlib on the Agg canvas, like :mod:`collsec.plots`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from collsec.arrangements import arrangements_for_regime
from collsec.i18n import _
from collsec.plots import PALETTE
from collsec.results import SimulationResult

NONE_COLOUR = "#BBBBBB"


def membership(result: SimulationResult) -> tuple[np.ndarray, list[str]]:
    """Index of each state's first arrangement (-1 for none) and the arrangements' names."""
    arrs = arrangements_for_regime(result.scenario, result.world, result.regime)
    group = np.full(result.world.n, -1, dtype=np.int64)
    for k in range(len(arrs) - 1, -1, -1):
        group[arrs[k].members] = k
    return group, [a.name for a in arrs]


def year_events(result: SimulationResult, year: int) -> Any:
    """The crises of ``year`` in the replication's log."""
    c = result.crises
    if not len(c):
        return c
    return c[c["year"] == year]


def network_figure(result: SimulationResult, year: int) -> Figure:
    """The state system of ``result``'s one replication in ``year``.

    ``result`` must hold per-state detail (``output.states``) of one replication
    (:func:`collsec.dashboard.runs.one_replication`).
    """
    w = result.world
    cap = np.asarray(result.states["cap"][0, year], dtype=float)
    alive = np.asarray(result.states["alive"][0, year], dtype=bool)
    was_alive = (
        np.asarray(result.states["alive"][0, year - 1], dtype=bool)
        if year > 0
        else np.ones(w.n, dtype=bool)
    )
    group, names = membership(result)
    fig = Figure(figsize=(7, 5.6))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.13, 0.96, 0.8))
    pos = np.asarray(w.positions, dtype=float)
    ii, jj = np.nonzero(np.triu(w.adjacency, 1))
    for i, j in zip(ii, jj, strict=True):
        ax.plot(pos[[i, j], 0], pos[[i, j], 1], color="#DDDDDD", linewidth=0.6, zorder=1)
    ai, aj = np.nonzero(np.triu(np.asarray(w.ties) > 0, 1))
    for i, j in zip(ai, aj, strict=True):
        ax.plot(pos[[i, j], 0], pos[[i, j], 1], color="#777777", linestyle="--", lw=0.8, zorder=1)
    share = cap / max(cap[alive].sum(), 1e-300) if alive.any() else cap
    size = 20 + 2500 * np.sqrt(np.maximum(share, 0))
    colours = [NONE_COLOUR if g < 0 else PALETTE[(3 + g) % len(PALETTE)] for g in group]
    ax.scatter(
        pos[alive, 0],
        pos[alive, 1],
        s=size[alive],
        c=[colours[i] for i in np.flatnonzero(alive)],
        edgecolors="black",
        linewidths=[1.6 if g else 0.4 for g in w.great_power[alive]],
        zorder=3,
    )
    dead = ~alive
    ax.scatter(pos[dead, 0], pos[dead, 1], s=30, facecolors="none", edgecolors="#999999", zorder=2)
    died = was_alive & ~alive
    ax.scatter(pos[died, 0], pos[died, 1], s=160, marker="x", color=PALETTE[1], lw=2.5, zorder=5)
    ev = year_events(result, year)
    for _k, row in ev.iterrows() if len(ev) else []:
        a, v = w.index[row["aggressor"]], w.index[row["victim"]]
        fought = row["outcome"] != "deterred"
        ax.annotate(
            "",
            xy=pos[v],
            xytext=pos[a],
            arrowprops={
                "arrowstyle": "-|>",
                "color": PALETTE[1] if fought else PALETTE[5],
                "lw": 2.0 if fought else 1.2,
                "linestyle": "-" if fought else ":",
            },
            zorder=4,
        )
    for i in np.flatnonzero(w.great_power & alive):
        ax.annotate(w.codes[i], pos[i], fontsize=7, ha="center", va="center", zorder=6)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(_("The state system in year {year}").format(year=year))
    handles = [
        Line2D([], [], marker="o", ls="", color=PALETTE[(3 + k) % len(PALETTE)], label=n)
        for k, n in enumerate(names)
    ]
    handles += [
        Line2D([], [], marker="o", ls="", color=NONE_COLOUR, label=_("in no arrangement")),
        Line2D([], [], color=PALETTE[1], lw=2, label=_("war")),
        Line2D([], [], color=PALETTE[5], lw=1.2, ls=":", label=_("deterred attack")),
        Line2D([], [], marker="x", ls="", color=PALETTE[1], label=_("state eliminated")),
        Line2D([], [], color="#777777", ls="--", label=_("alliance")),
    ]
    fig.legend(handles=handles, loc="lower center", ncols=3, fontsize=8, frameon=False)
    return fig


def year_summary(result: SimulationResult, year: int) -> str:
    """One line in words of what the network shows in ``year``."""
    alive = int(np.asarray(result.states["alive"][0, year]).sum())
    ev = year_events(result, year)
    wars = int((ev["outcome"] != "deterred").sum()) if len(ev) else 0
    deterred = int((ev["outcome"] == "deterred").sum()) if len(ev) else 0
    prev = result.states["alive"][0, year - 1] if year > 0 else result.states["alive"][0, 0]
    died = int((np.asarray(prev) & ~np.asarray(result.states["alive"][0, year])).sum())
    return _(
        "Year {year}: {alive} states alive, {wars} war(s) begun, {deterred} attack(s) "
        "deterred, {died} state(s) eliminated."
    ).format(year=year, alive=alive, wars=wars, deterred=deterred, died=died)
