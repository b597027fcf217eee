"""Usable power and the League's threat against minor and great powers (O4, O5, C5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collsec.errors import CollsecError
from collsec.history.cases import Case, predict_case
from collsec.history.worlds import (
    HistoryParams,
    arms_shares,
    load_history_params,
    usable_capability,
)
from collsec.scenario import Parameters


def _caps() -> pd.DataFrame:
    """A populous agrarian state (0), an industrial one (1), one with no spending data (2)."""
    return pd.DataFrame(
        {
            "milex": pd.array([10.0, 30.0, pd.NA], dtype="Float64"),
            "milper": pd.array([1700.0, 300.0, 100.0], dtype="Float64"),
            "irst": pd.array([1.0, 20.0, 0.0], dtype="Float64"),
            "pec": pd.array([30.0, 40.0, 1.0], dtype="Float64"),
            "cinc": pd.array([0.12, 0.04, 0.01], dtype="Float64"),
        }
    )


def test_usable_capability_leaves_out_head_count() -> None:
    cap = usable_capability(_caps())
    # The agrarian state outweighs the industrial one on CINC, not on usable capability.
    assert cap[1] > cap[0]
    assert np.all(np.isfinite(cap))


def test_usable_arms_fall_back_to_personnel_without_spending() -> None:
    caps = _caps()
    params = Parameters()
    arms = arms_shares(caps, params, usable_capability(caps))
    a = params.arming
    assert np.all((arms >= a.arms_min) & (arms <= a.arms_max))
    # State 2 has no spending: its personnel share (0.05) over a tiny capability hits the cap.
    assert arms[2] == pytest.approx(a.arms_max)


def test_unknown_power_measure_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("power_measure: gdp\n", encoding="utf-8")
    with pytest.raises(CollsecError, match="power_measure"):
        load_history_params(path)


def _designating() -> HistoryParams:
    """The bundled set with voters that see aggression plainly (vote_bias 0.5), so
    that the League designates: the compliance mechanism is tested, not the
    calibrated vote bias (0.0 since issue 12)."""
    hp = load_history_params()
    return hp.with_(overrides={**hp.overrides, "params.response.vote_bias": 0.5})


def test_league_threat_makes_a_minor_power_comply(cow_dir: Path) -> None:
    # Greece (a minor power) designated by the League in 1925 withdraws before
    # the coalition art. 16 threatens (O5).
    case = Case(year=1925, org="league", aggressors=("350",), victim="355")
    pred = predict_case(case, data_dir=cow_dir, draws=300, hp=_designating())
    assert pred.p_designated > 0.8
    assert pred.p_reversed > 0.8


def test_league_threat_does_not_move_a_great_power(cow_dir: Path) -> None:
    # The same threat against Italy, a great power, in the same years is not credible (C5).
    case = Case(year=1925, org="league", aggressors=("325",), victim="350")
    pred = predict_case(case, data_dir=cow_dir, draws=300, hp=_designating())
    assert pred.p_designated > 0.5
    assert pred.p_reversed < 0.35
