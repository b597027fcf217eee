"""Intervals (collsec.results): one method, the percentile bootstrap, inside each metric's range.

The issue's examples: a normal interval gave a military share of 0.0023 in
[-0.0022, 0.0067] and a weakest-quartile survival reaching 1.01. Here every
interval of a tiny run, and of arbitrary values, stays inside the range.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import collsec
from collsec.results import bootstrap_indices, interval_of_mean, mean_interval

SHARES = (
    "reversed_share",
    "weak_survival",
    "arms_share",
    "designation_rate",
    "participation_rate",
    "military_share",
    "sanctions_share",
    "mean_severity",
)
NON_NEGATIVE = ("war_rate", "deterred_rate", "state_deaths", "weak_deaths", "coalition_size")


@pytest.fixture(scope="module")
def tiny() -> collsec.Comparison:
    return collsec.compare("interwar", replications=5, years=15, seed=11, engine="numpy")


def test_every_interval_of_a_tiny_run_stays_in_its_metrics_range(
    tiny: collsec.Comparison,
) -> None:
    summary = tiny.summary().dropna(subset=["mean"])
    assert len(summary)
    for _i, row in summary.iterrows():
        assert row["low"] <= row["mean"] <= row["high"], row.to_dict()
        assert row["low"] >= 0.0, row.to_dict()
        if row["metric"] in SHARES:
            assert row["high"] <= 1.0, row.to_dict()
    assert set(summary["metric"]) <= set(SHARES) | set(NON_NEGATIVE)


def test_the_normal_interval_would_have_left_the_range() -> None:
    # A rare share, as in the issue: zero in most replications.
    values = np.array([0.0] * 9 + [0.05])
    _m, lo, _hi = mean_interval(values)
    assert lo < 0  # what the summary used to show
    m, lo, hi = interval_of_mean(values, bootstrap_indices(values.size, 3))
    assert 0.0 <= lo <= m <= hi <= 0.05


def test_intervals_repeat_and_are_the_same_for_every_regime(tiny: collsec.Comparison) -> None:
    again = collsec.compare("interwar", replications=5, years=15, seed=11, engine="numpy")
    assert tiny.summary().equals(again.summary())
    first, *rest = tiny.results.values()
    for r in rest:
        assert np.array_equal(first.bootstrap(), r.bootstrap())


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, st.integers(1, 25), elements=st.floats(0.0, 1.0)),
    st.integers(0, 2**32),
)
def test_a_share_interval_stays_in_zero_one(values: np.ndarray, seed: int) -> None:
    m, lo, hi = interval_of_mean(values, bootstrap_indices(values.size, seed, resamples=200))
    assert 0.0 <= lo <= m <= hi <= 1.0
    # Inside the values' own span too (up to rounding in the last bit of a mean).
    assert values.min() - 1e-12 <= lo
    assert hi <= values.max() + 1e-12


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, st.integers(1, 25), elements=st.floats(0.0, 50.0) | st.just(np.nan)),
    st.integers(0, 2**32),
)
def test_a_count_interval_stays_at_or_above_zero(values: np.ndarray, seed: int) -> None:
    m, lo, hi = interval_of_mean(values, bootstrap_indices(values.size, seed, resamples=200))
    if not np.isfinite(values).any():
        assert np.isnan(m)
        assert np.isnan(lo)
        assert np.isnan(hi)
        return
    assert 0.0 <= lo <= m <= hi
