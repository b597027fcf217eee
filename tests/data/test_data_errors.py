"""Error paths on small malformed files: each names the file, row, column and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from collsec import data
from collsec.errors import CollsecError

HEADER = "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
GOOD = "USA,2,1898,8,13,2016,12,31,2016\n"


def _majors(folder: Path, body: str, header: str = HEADER) -> Path:
    path = folder / "majors2016.csv"
    path.write_text(header + body)
    return path


def test_data_error_is_a_collsec_error() -> None:
    assert issubclass(data.DataError, CollsecError)


def test_missing_file_says_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"collsec data fetch.*COLLSEC_DATA_DIR"):
        data.load_majors(tmp_path)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(data.DataError) as info:
        data.load_majors(tmp_path)
    assert info.value.file == "majors2016.csv"


def test_missing_alliance_file_cites_gibler(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"Gibler \(2009\)"):
        data.load_alliances("member_yearly", tmp_path)


def test_missing_alliance_file_is_never_fetched(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match="never fetches"):
        data.load_alliances("member", tmp_path)


def test_missing_derived_file_says_supply_from_folder(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"derived file.*--data-dir"):
        data.load_igo_league_un(tmp_path)


def test_bad_checksum(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD)
    with pytest.raises(data.DataError, match=r"sha256 is [0-9a-f]{64}, expected 5ac2f4d1"):
        data.load_majors(tmp_path)


def test_bad_checksum_says_how_to_fix(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD)
    with pytest.raises(data.DataError, match="collsec data fetch"):
        data.load_majors(tmp_path)


def test_missing_column(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD.replace(",2,", ","), header=HEADER.replace(",ccode", ""))
    with pytest.raises(data.DataError) as info:
        data.load_majors(tmp_path, verify=False)
    assert (info.value.field, "missing column" in str(info.value)) == ("ccode", True)


def test_non_numeric_value_names_row_and_column(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD + "UKG,abc,1816,1,1,2016,12,31,2016\n")
    with pytest.raises(data.DataError) as info:
        data.load_majors(tmp_path, verify=False)
    err = info.value
    assert (err.field, err.row, err.file) == ("ccode", 3, str(tmp_path / "majors2016.csv"))


def test_non_numeric_value_message(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD + "UKG,abc,1816,1,1,2016,12,31,2016\n")
    with pytest.raises(
        data.DataError, match=r"majors2016\.csv:3: ccode: value 'abc' is not a number"
    ):
        data.load_majors(tmp_path, verify=False)


def test_out_of_range_value(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD + "UKG,200,1816,13,1,2016,12,31,2016\n")
    with pytest.raises(data.DataError, match=r":3: stmonth: value '13' is above the maximum 12"):
        data.load_majors(tmp_path, verify=False)


def test_value_not_an_allowed_code(tmp_path: Path) -> None:
    (tmp_path / "igo_v3_ln_un_state_year.csv").write_text(
        "ccode,year,stateabb,igo_state,lon,un\n2,1935,USA,usa,0,-1\n2,1936,USA,usa,7,-1\n"
    )
    with pytest.raises(data.DataError, match=r":3: lon: value '7' is not one of the codes"):
        data.load_igo_league_un(tmp_path, verify=False)


def test_missing_required_value(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD + "UKG,,1816,1,1,2016,12,31,2016\n")
    with pytest.raises(data.DataError, match=r":3: ccode: .* may not be empty"):
        data.load_majors(tmp_path, verify=False)


def test_duplicate_key(tmp_path: Path) -> None:
    _majors(tmp_path, GOOD + GOOD)
    with pytest.raises(data.DataError, match=r"duplicate row for \(ccode=2, styear=1898\)"):
        data.load_majors(tmp_path, verify=False)


def test_missing_code_becomes_na(tmp_path: Path) -> None:
    (tmp_path / "NMC-60-abridged.csv").write_text(
        "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"
        "ETH,530,1935,-9,250,0,12,12000,-9,0.0043,2021\n"
    )
    nmc = data.load_nmc("6.0", tmp_path, verify=False)
    assert nmc[["milex", "upop"]].isna().all(axis=None)


def test_unknown_dataset() -> None:
    with pytest.raises(data.DataError, match="unknown data set 'nope'"):
        data.load("nope")
