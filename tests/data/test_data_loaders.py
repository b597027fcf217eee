"""Each loader against the real COW folder: row counts, dtypes, spot values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from collsec import data


def test_nmc_v6_rows_and_1935_values(cow_dir: Path) -> None:
    nmc = data.load_nmc("6.0", cow_dir)
    assert len(nmc) == 15951
    y = nmc[nmc["year"] == 1935].set_index("stateabb")
    assert y.loc["ITA", "cinc"] == pytest.approx(0.0512, abs=5e-5)
    assert y.loc["ETH", "cinc"] == pytest.approx(0.00428, abs=5e-6)
    assert pd.isna(y.loc["ETH", "milex"])  # -9 in the file


def test_nmc_dtypes_are_declared(cow_dir: Path) -> None:
    nmc = data.load_nmc("6.0", cow_dir)
    assert nmc.dtypes.astype(str).to_dict() == {
        "stateabb": "string",
        "ccode": "Int64",
        "year": "Int64",
        "milex": "Float64",
        "milper": "Float64",
        "irst": "Float64",
        "pec": "Float64",
        "tpop": "Float64",
        "upop": "Float64",
        "cinc": "Float64",
        "version": "Int64",
    }


def test_nmc_v7_reaches_2022(cow_dir: Path) -> None:
    nmc = data.load_nmc("7.0", cow_dir)
    assert (len(nmc), int(nmc["year"].max())) == (17121, 2022)


def test_state_system_files(cow_dir: Path) -> None:
    states = data.load_states(cow_dir)
    system = data.load_system(cow_dir)
    majors = data.load_majors(cow_dir)
    assert (len(states), len(system), len(majors)) == (243, 15951, 14)
    eth = states[states["stateabb"] == "ETH"]
    assert eth["styear"].tolist() == [1898, 1941]


def test_alliances_member_yearly_and_spells(cow_dir: Path) -> None:
    yearly = data.load_alliances("member_yearly", cow_dir)
    spells = data.load_alliances("member", cow_dir)
    assert (len(yearly), yearly["version4id"].nunique(), len(spells)) == (21315, 414, 1221)
    assert (yearly["ss_type"] == "Type I: Defense Pact").sum() == 13274


def test_alliances_1935_counts(cow_dir: Path) -> None:
    y = data.load_alliances("member_yearly", cow_dir)
    y = y[y["year"] == 1935]
    counts = y.groupby("ccode")["version4id"].nunique()
    assert (counts[325], counts[530], counts[220]) == (9, 1, 12)


def test_contiguity_keeps_min_type_per_dyad_year(cow_dir: Path) -> None:
    con = data.load_contiguity(cow_dir)
    assert len(con) == 82440  # 82498 rows less 58 within-year type changes
    nth_frn = con[(con["state1no"] == 210) & (con["state2no"] == 220) & (con["year"] == 1830)]
    assert nth_frn["conttype"].tolist() == [1]


def test_contiguity_master(cow_dir: Path) -> None:
    assert len(data.load_contiguity_master(cow_dir)) == 847


def test_igo_extract_codes(cow_dir: Path) -> None:
    igo = data.load_igo_league_un(cow_dir)
    assert len(igo) == 15557
    assert igo["lon"].value_counts().to_dict() == {-1: 13889, 1: 1276, 0: 392}


def test_wars_cr_only_file(cow_dir: Path) -> None:
    wars = data.load_wars(cow_dir)
    assert (len(wars), wars["WarNum"].nunique()) == (337, 95)


def test_wars_ethiopia_1935(cow_dir: Path) -> None:
    w = data.load_wars(cow_dir)
    eth = w[w["WarNum"] == 127].set_index("ccode")
    assert eth.loc[325, ["Side", "Initiator", "BatDeath"]].tolist() == [1, 1, 4000]
    assert eth.loc[530, ["Side", "BatDeath"]].tolist() == [2, 16000]
    assert pd.isna(eth.loc[325, "StartYear2"])  # -8, not applicable


def test_midb_rows_and_walwal(cow_dir: Path) -> None:
    midb = data.load_midb(cow_dir)
    assert (len(midb), midb["dispnum"].nunique()) == (5883, 2436)
    walwal = midb[midb["dispnum"] == 111].set_index("stabb")
    assert bool(walwal.loc["ETH", "sidea"]) is True
    assert walwal.loc["ITA", "revtype1"] == 1


def test_loader_records_provenance(cow_dir: Path) -> None:
    meta = data.load_majors(cow_dir).attrs["collsec"]
    assert (meta["dataset"], meta["version"], meta["source"]) == ("majors", "2016", "folder")


def test_env_var_names_the_folder(cow_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_DATA_DIR", str(cow_dir))
    assert len(data.load_majors()) == 14


def test_resolve_data_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLLSEC_DATA_DIR", str(tmp_path / "env"))
    explicit = data.resolve_data_dir(tmp_path / "arg")
    from_env = data.resolve_data_dir()
    monkeypatch.delenv("COLLSEC_DATA_DIR")
    assert (explicit, from_env, data.resolve_data_dir()) == (
        tmp_path / "arg",
        tmp_path / "env",
        data.download_dir(),
    )
