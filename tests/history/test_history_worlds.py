"""Historical worlds from the COW data (issue 3, item 2; C4, C5, C9, C15)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from collsec.data import DataYearWarning
from collsec.errors import CollsecError
from collsec.history.worlds import historical_scenario, load_history_params, s_score
from collsec.scenario import CouncilRule, ExplicitWorld


def test_league_1935_members_and_great_powers(cow_dir: Path) -> None:
    sc = historical_scenario(1935, "league", data_dir=cow_dir)
    assert isinstance(sc.world, ExplicitWorld)
    codes = {s.code for s in sc.world.states}
    assert {"325", "530", "200", "220"} <= codes
    members = sc.arrangements[0].members
    assert isinstance(members, tuple)
    assert "2" not in members  # C5: the United States never joined the League
    assert {"325", "530", "200", "220"} <= set(members)
    gps = {s.code for s in sc.world.states if s.great_power}
    assert gps == {"2", "200", "220", "255", "325", "365", "740"}


def test_league_council_is_unanimity_of_the_council_parties_excluded(cow_dir: Path) -> None:
    rule = historical_scenario(1935, "league", data_dir=cow_dir).arrangements[0].decision_rule
    assert isinstance(rule, CouncilRule)
    assert rule.quota == rule.seats
    assert rule.veto
    assert not rule.parties_vote
    assert set(rule.permanent) == {"200", "220", "325", "365"}


def test_un_1950_council_seats_the_republic_of_china(cow_dir: Path) -> None:
    rule = historical_scenario(1950, "un", data_dir=cow_dir).arrangements[0].decision_rule
    assert isinstance(rule, CouncilRule)
    assert set(rule.permanent) == {"2", "200", "220", "365", "713"}
    assert (rule.seats, rule.quota, rule.veto, rule.parties_vote) == (11, 7, True, True)


def test_un_1990_council_seats_the_peoples_republic(cow_dir: Path) -> None:
    rule = historical_scenario(1990, "un", data_dir=cow_dir).arrangements[0].decision_rule
    assert isinstance(rule, CouncilRule)
    assert "710" in rule.permanent
    assert "713" not in rule.permanent
    assert (rule.seats, rule.quota) == (15, 9)


def test_arms_and_similarity_are_in_range(cow_dir: Path) -> None:
    sc = historical_scenario(1950, "un", data_dir=cow_dir)
    assert isinstance(sc.world, ExplicitWorld)
    a = sc.params.arming
    arms = np.array([s.arms for s in sc.world.states], dtype=float)
    assert ((arms >= a.arms_min) & (arms <= a.arms_max)).all()
    sim = np.array(sc.world.similarity)
    assert ((sim >= 0) & (sim <= 1)).all()
    assert sc.world.edges
    assert sc.world.alliances


def test_year_past_the_data_warns_and_is_recorded(cow_dir: Path) -> None:
    with pytest.warns(DataYearWarning):
        sc = historical_scenario(2022, "un", data_dir=cow_dir)
    assert "using 2012 for 2022" in sc.description


def test_un_did_not_exist_in_1930(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="did not exist in 1930"):
        historical_scenario(1930, "un", data_dir=cow_dir)


def test_league_did_not_exist_in_1950(cow_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(CollsecError, match="did not exist in 1950"):
            historical_scenario(1950, "league", data_dir=cow_dir)


def test_s_score_identical_and_opposite_portfolios() -> None:
    p = np.array([[3.0, 3.0, 0.0], [3.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    s = s_score(p)
    assert s[0, 1] == pytest.approx(1.0)
    assert s[0, 2] == pytest.approx(-1.0)
    assert np.allclose(s, s.T)


def test_league_did_not_exist_in_1919(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="did not exist in 1919"):
        historical_scenario(1919, "league", data_dir=cow_dir)


def test_capability_lag_reads_the_year_before_and_keeps_new_states(cow_dir: Path) -> None:
    """Case prediction weighs the balance before the crisis (docs/history.md): the
    crisis year's own figures carry its mobilisation (Kuwait's 1990 spending is 8.5
    times its 1989 figure). A state new to the system keeps its own year's figures."""
    hp = load_history_params()

    def caps(year: int, lag: int) -> dict[str, float]:
        sc = historical_scenario(year, "un", data_dir=cow_dir, hp=hp.with_(capability_lag=lag))
        assert isinstance(sc.world, ExplicitWorld)
        return {s.code: s.capability for s in sc.world.states}

    now, before = caps(1990, 0), caps(1990, 1)
    assert now["690"] > now["645"]  # Kuwait outspends Iraq in 1990 itself
    assert before["690"] < before["645"] / 2  # not in 1989
    # Croatia (344) enters the system in 1992: no 1991 figures, so it keeps 1992's.
    lagged = caps(1992, 1)
    assert lagged["344"] > min(lagged.values())  # not the floor of a state without figures
    assert lagged["344"] == pytest.approx(caps(1992, 0)["344"], rel=0.5)
