"""Plots of a comparison: each returns a Figure with the expected axes and lines.

The plots bear on C10 (regimes side by side), C13 (survival of weak states)
and C14 (arms under self-help); here we check their structure and data, on a
tiny run of every regime.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import collsec
from collsec import plots
from collsec.i18n import _, set_language
from collsec.results import SimulationResult

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results() -> dict[str, SimulationResult]:
    """Every regime of the default scenario, 3 replications of 20 years."""
    return collsec.compare("default", replications=3, years=20, seed=1).results


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(None)


def test_metrics_over_time_has_four_panels_with_a_line_per_regime(
    results: dict[str, SimulationResult],
) -> None:
    fig = plots.metrics_over_time(results)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4
    assert [len(ax.lines) for ax in fig.axes] == [len(results)] * 4


def test_metrics_over_time_lines_are_yearly_means(results: dict[str, SimulationResult]) -> None:
    fig = plots.metrics_over_time(results)
    wars = fig.axes[0].lines[0]
    first = next(iter(results.values()))
    np.testing.assert_allclose(
        np.asarray(wars.get_ydata(), dtype=float), first.yearly["wars"].mean(axis=0)
    )
    assert np.asarray(wars.get_xdata()).shape == (20,)


def test_severity_ccdf_is_log_log_and_falls(results: dict[str, SimulationResult]) -> None:
    fig = plots.severity_ccdf(results)
    (ax,) = fig.axes
    fought = [k for k, r in results.items() if plots.war_severities(r).size]
    assert fought, "the tiny run should contain at least one war"
    assert len(ax.lines) == len(fought)
    assert ax.get_xscale() == "log"
    assert ax.get_yscale() == "log"
    for line in ax.lines:
        y = np.asarray(line.get_ydata(), dtype=float)
        assert y[0] == pytest.approx(1.0)
        assert np.all(np.diff(y) <= 0)
        assert np.all(y > 0)


def test_war_severities_leave_out_deterred_attacks(results: dict[str, SimulationResult]) -> None:
    res = results["self_help"]
    expected = res.crises.loc[res.crises["outcome"] != "deterred", "severity"]
    assert plots.war_severities(res).size == int((expected > 0).sum())


def test_survival_by_quartile_has_four_bars_per_regime(
    results: dict[str, SimulationResult],
) -> None:
    fig = plots.survival_by_quartile(results)
    (ax,) = fig.axes
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == len(results)
    for container in bars:
        heights = np.array([p.get_height() for p in container.patches])
        assert heights.shape == (4,)
        assert np.all((heights >= 0) & (heights <= 1))


def test_survival_bar_is_the_share_alive(results: dict[str, SimulationResult]) -> None:
    res = results["self_help"]
    assert res.final_alive is not None
    q = plots.capability_quartiles(res.world.capability)
    fig = plots.survival_by_quartile({"self_help": res})
    (bars,) = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
    heights = [p.get_height() for p in bars.patches]
    assert heights[0] == pytest.approx(res.final_alive[:, q == 0].mean())


def test_capability_quartiles_by_rank() -> None:
    q = plots.capability_quartiles(np.array([8.0, 1.0, 4.0, 2.0, 6.0, 3.0, 7.0, 5.0]))
    np.testing.assert_array_equal(q, [3, 0, 1, 0, 2, 1, 3, 2])


def test_arms_over_time_has_a_line_per_regime(results: dict[str, SimulationResult]) -> None:
    fig = plots.arms_over_time(results)
    (ax,) = fig.axes
    assert len(ax.lines) == len(results)
    np.testing.assert_allclose(
        np.asarray(ax.lines[0].get_ydata(), dtype=float),
        next(iter(results.values())).yearly["arms_share"].mean(axis=0),
    )


def test_a_run_without_yearly_records_says_no_data(results: dict[str, SimulationResult]) -> None:
    bare = {k: dataclasses.replace(r, yearly={}) for k, r in results.items()}
    fig = plots.arms_over_time(bare)
    assert not fig.axes[0].lines
    assert [t.get_text() for t in fig.axes[0].texts] == [_("no data")]


def test_titles_are_translated(results: dict[str, SimulationResult]) -> None:
    set_language("id")
    fig = plots.arms_over_time(results)
    assert fig.axes[0].get_title() == "Porsi persenjataan sepanjang waktu"


def test_save_all_writes_png_files(results: dict[str, SimulationResult], tmp_path: Path) -> None:
    paths = plots.save_all(results, tmp_path / "out")
    assert [p.name for p in paths] == list(plots.PLOT_FILES.values())
    for p in paths:
        assert p.read_bytes()[:8] == PNG_MAGIC


def test_no_pyplot_figures_are_left_open(results: dict[str, SimulationResult]) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.metrics_over_time(results)
    plots.severity_ccdf(results)
    assert plt.get_fignums() == before
    assert matplotlib.get_backend()  # no display needed: figures draw on Agg canvases


def test_comparison_plot_methods_return_figures() -> None:
    comparison = collsec.compare(
        "default", ["self_help", "collective_security"], replications=2, years=10, seed=2
    )
    for fig in (
        comparison.plot_metrics(),
        comparison.plot_severity(),
        comparison.plot_survival(),
        comparison.plot_arms(),
    ):
        assert isinstance(fig, Figure)
