"""The description of a historical world names the data years it used (C4, C9)."""

from __future__ import annotations

from pathlib import Path

from collsec.history.worlds import historical_scenario, load_history_params


def test_description_names_the_capability_year_used(cow_dir: Path) -> None:
    # The bundled parameters lag capabilities one year: the 1934 figures for 1935.
    hp = load_history_params()
    sc = historical_scenario(1935, "league", data_dir=cow_dir, hp=hp)
    assert "capabilities None" not in sc.description
    assert f"capabilities {1935 - hp.capability_lag}" in sc.description
