"""The convenience queries against the real folder: the 1935 crisis and beyond."""

from __future__ import annotations

from pathlib import Path

import pytest

from collsec import data


def test_majors_1935(cow_dir: Path) -> None:
    majors = data.major_powers(1935, data_dir=cow_dir)
    assert majors["stateabb"].tolist() == ["USA", "UKG", "FRN", "GMY", "ITA", "RUS", "JPN"]


def test_system_members_1935_includes_ethiopia(cow_dir: Path) -> None:
    members = data.system_members(1935, data_dir=cow_dir)
    assert 530 in set(members["ccode"])


def test_system_members_1937_excludes_ethiopia(cow_dir: Path) -> None:
    members = data.system_members(1937, data_dir=cow_dir)
    assert 530 not in set(members["ccode"])


def test_capabilities_1935_italy_about_12_times_ethiopia(cow_dir: Path) -> None:
    cap = data.capabilities(1935, data_dir=cow_dir).set_index("stateabb")
    assert cap.loc["ITA", "cinc"] / cap.loc["ETH", "cinc"] == pytest.approx(12, abs=0.1)
    assert cap.attrs["nmc_version"] == "6.0"


def test_capabilities_after_2016_use_v7(cow_dir: Path) -> None:
    cap = data.capabilities(2020, data_dir=cow_dir)
    assert (cap.attrs["nmc_version"], cap.attrs["year"], len(cap) > 150) == ("7.0", 2020, True)


def test_italy_league_member_1919_to_1937(cow_dir: Path) -> None:
    years = [
        y
        for y in range(1919, 1946)
        if 325 in set(data.league_members(y, data_dir=cow_dir)["ccode"])
    ]
    assert years == list(range(1919, 1938))


def test_usa_never_league_member(cow_dir: Path) -> None:
    igo = data.load_igo_league_un(cow_dir)
    assert not (igo.loc[igo["ccode"] == 2, "lon"] == 1).any()


def test_ussr_un_member_1950(cow_dir: Path) -> None:
    assert 365 in set(data.un_members(1950, data_dir=cow_dir)["ccode"])


def test_italy_not_un_member_before_1955(cow_dir: Path) -> None:
    assert 325 not in set(data.un_members(1954, data_dir=cow_dir)["ccode"])


def test_italy_ethiopia_not_contiguous_1935(cow_dir: Path) -> None:
    con = data.contiguity(1935, data_dir=cow_dir)
    pairs = set(zip(con["ccode1"], con["ccode2"], strict=True))
    assert (325, 530) not in pairs


def test_italy_neighbours_1935(cow_dir: Path) -> None:
    con = data.contiguity(1935, data_dir=cow_dir)
    ita = con[(con["ccode1"] == 325) | (con["ccode2"] == 325)]
    got = {
        (a if b == "ITA" else b): t
        for a, b, t in ita[["stateabb1", "stateabb2", "conttype"]].itertuples(index=False)
    }
    assert got == {"FRN": 1, "SWZ": 1, "AUS": 1, "YUG": 1, "SPN": 5, "ALB": 4, "GRC": 4}


def test_contiguity_land_only(cow_dir: Path) -> None:
    con = data.contiguity(1935, max_type=1, data_dir=cow_dir)
    assert set(con["conttype"]) == {1}


def test_contiguity_bad_max_type(cow_dir: Path) -> None:
    with pytest.raises(data.DataError, match="max_type"):
        data.contiguity(1935, max_type=6, data_dir=cow_dir)


def test_alliance_ties_1935(cow_dir: Path) -> None:
    ties = data.alliance_ties(1935, data_dir=cow_dir)
    assert (ties["ccode1"] < ties["ccode2"]).all()
    eth = ties[(ties["ccode1"] == 530) | (ties["ccode2"] == 530)]
    assert eth[["nonaggression", "defense"]].any().to_dict() == {
        "nonaggression": True,
        "defense": False,
    }


def test_alliance_members_1935_italy(cow_dir: Path) -> None:
    members = data.alliance_members(1935, data_dir=cow_dir)
    assert members.loc[members["ccode"] == 325, "alliance_id"].nunique() == 9


def test_wars_participants(cow_dir: Path) -> None:
    w = data.wars(data_dir=cow_dir)
    ita = w[(w["war_num"] == 127) & (w["ccode"] == 325)].iloc[0]
    assert (len(w), ita["start_year"], ita["side"], bool(ita["initiator"])) == (337, 1935, 1, True)


def test_war_battle_deaths(cow_dir: Path) -> None:
    per_war = data.war_battle_deaths(data_dir=cow_dir).set_index("war_num")
    assert (len(per_war), per_war.loc[127, "battle_deaths"]) == (95, 20000)


def test_state_names_unique(cow_dir: Path) -> None:
    names = data.state_names(data_dir=cow_dir).set_index("ccode")
    assert (names.index.is_unique, names.loc[530, "stateabb"]) == (True, "ETH")


def test_year_after_end_warns_and_uses_last(cow_dir: Path) -> None:
    with pytest.warns(data.DataYearWarning, match="ends in 2014"):
        un = data.un_members(2020, data_dir=cow_dir)
    assert (un.attrs["year"], un.attrs["year_requested"]) == (2014, 2020)


def test_year_before_start_raises(cow_dir: Path) -> None:
    with pytest.raises(data.DataError, match="before the first year"):
        data.major_powers(1800, data_dir=cow_dir)
