"""The state-system network and the one-line chart summaries say what the data hold."""

from __future__ import annotations

import numpy as np
import pytest

from collsec.api import compare
from collsec.dashboard import network, runs, summaries
from collsec.plots import survival_by_quartile
from collsec.results import SimulationResult
from collsec.scenario import load_scenario


@pytest.fixture(scope="module")
def one() -> SimulationResult:
    sc = load_scenario("bipolar").replace(replications=4, horizon=40)
    return runs.one_replication(sc, "collective_defense", 2)


def test_one_replication_is_the_same_as_in_the_full_run(one: SimulationResult) -> None:
    sc = load_scenario("bipolar").replace(replications=4, horizon=40)
    full = compare(sc, ["collective_defense"], engine="numpy").results["collective_defense"]
    mine = full.crises[full.crises["replication"] == 2].reset_index(drop=True)
    theirs = one.crises.reset_index(drop=True)
    assert list(mine["year"]) == list(theirs["year"])
    assert list(mine["aggressor"]) == list(theirs["aggressor"])


def test_the_year_summary_counts_the_log(one: SimulationResult) -> None:
    c = one.crises
    year = int(c["year"].iloc[0])
    wars = int(((c["year"] == year) & (c["outcome"] != "deterred")).sum())
    deterred = int(((c["year"] == year) & (c["outcome"] == "deterred")).sum())
    line = network.year_summary(one, year)
    assert f"{wars} war(s) begun, {deterred} attack(s) deterred" in line


def test_the_network_draws_one_arrow_per_crisis_of_the_year(one: SimulationResult) -> None:
    c = one.crises
    year = int(c["year"].iloc[0])
    fig = network.network_figure(one, year)
    ax = fig.axes[0]
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == int((c["year"] == year).sum())
    assert ax.get_title() == f"The state system in year {year}"


def test_blocs_colour_their_members(one: SimulationResult) -> None:
    group, names = network.membership(one)
    assert names == ["western-bloc", "eastern-bloc"]
    assert set(np.unique(group)) <= {-1, 0, 1}
    assert (group >= 0).sum() > 0


def test_the_survival_line_is_what_the_bars_show() -> None:
    cmp = compare("default", ["self_help", "collective_security"], replications=6, years=30)
    line = summaries.survival_summary(cmp.results)
    fig = survival_by_quartile(cmp.results)
    heights = [p.get_height() for p in fig.axes[0].patches]
    # Bars are grouped by regime: the first bar of each regime is its weakest quartile.
    weakest = [heights[0], heights[4]]
    assert line == (
        "Weakest quarter of states alive at the end: "
        f"self-help {weakest[0]:.0%}; collective security {weakest[1]:.0%}."
    )
