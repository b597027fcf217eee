"""Loaders of ICB, UNGA ideal points, TIES and UNSC vetoes; the GW-to-COW mapping.

The real files are read from ``<repo>/../shared/data/{icb,unga,ties,unsc}``
(skipped, with the reason, where absent); the malformed ones are small files
written to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from collsec import data
from collsec.data.gwcow import NO_COW, NON_STATE, RENUMBERED, gw_to_cow

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()


def _folder(name: str) -> Path:
    folder = SHARED / name
    if not folder.is_dir():
        pytest.skip(
            f"{name} data folder not found at {folder} (expected <repo>/../shared/data/{name})"
        )
    return folder


@pytest.fixture(scope="module")
def shared() -> Path:
    _folder("icb")
    return SHARED


@pytest.mark.parametrize(
    ("loader", "rows", "variant"),
    [
        (lambda d: data.load_icb("crisis", d), 433, "extract"),
        (lambda d: data.load_icb("actor", d), 952, "extract"),
        (lambda d: data.load_icb("dyadic", d), 1230, "extract"),
        (lambda d: data.load_unga("year", d), 11440, "release"),
        (lambda d: data.load_unga("session", d), 11238, "release"),
        (lambda d: data.load_ties(d), 1412, "release"),
        (lambda d: data.load_unsc_vetoes(d), 214, "release"),
    ],
)
def test_shared_files_load(shared: Path, loader, rows: int, variant: str) -> None:  # type: ignore[no-untyped-def]
    df = loader(shared)
    assert len(df) == rows
    assert df.attrs["collsec"]["variant"] == variant


def test_icb_reads_bom_and_day_codes(shared: Path) -> None:
    crises = data.load_icb("crisis", shared)
    assert list(crises.columns[:3]) == ["crisno", "crisname", "trigent"]
    # 66/77/88 are approximate days, read as unknown, never as a day 66.
    assert crises["datrig"].dropna().max() <= 31
    ethiopia = crises.set_index("crisno").loc[47]
    assert (ethiopia["globorg"], ethiopia["globactm"], ethiopia["globefct"]) == (5, 9, 4)


def test_icb_adds_cow_codes(shared: Path) -> None:
    actors = data.load_icb("actor", shared)
    gfr = actors[(actors["cracid"] == 260) & (actors["yrtrig"] > 1990)]
    assert len(gfr) > 0
    assert set(gfr["cow_cracid"]) == {255}
    assert set(actors.loc[actors["trigent"] == 996, "cow_trigent"].isna()) == {True}


def test_unga_session_reads_na(shared: Path) -> None:
    ses = data.load_unga("session", shared)
    # ChinaAgree is NA before the PRC took China's seat (session 26, 1971).
    assert ses.loc[ses["session"] < 26, "ChinaAgree"].isna().all()
    us55 = ses[(ses["ccode"] == 2) & (ses["session"] == 10)]["IdealPointAll"].iloc[0]
    assert abs(us55 - 1.987) < 0.001


def test_flat_and_subfolder_layouts_both_work(shared: Path, tmp_path: Path) -> None:
    for sub in ("cow", "icb", "unga", "ties", "unsc"):
        for f in (shared / sub).glob("*.csv"):
            os.symlink(f, tmp_path / f.name)
    assert [s.name for s in data.status(tmp_path) if not s.ok] == []
    assert len(data.load_icb("crisis", tmp_path)) == 433
    assert data.load_icb("crisis", shared).attrs["collsec"]["file"].endswith("icb/icb1v15.csv")


def test_status_says_extract(shared: Path) -> None:
    by_name = {s.name: s for s in data.status(shared)}
    assert by_name["icb1"].variant == "extract"
    assert "extract of the release" in by_name["icb1"].message
    assert by_name["ties"].variant == "release"


def test_release_and_extract_hashes_both_accepted() -> None:
    entry = data.load_registry()["icb1"]
    assert entry.variant(entry.sha256) == "release"
    assert entry.variant(str(entry.extract_sha256)) == "extract"
    assert entry.variant("0" * 64) is None


# --- malformed files -------------------------------------------------------


def _icb1_text(shared_dir: Path, lines: int) -> str:
    text = (shared_dir / "icb" / "icb1v15.csv").read_text(encoding="utf-8-sig")
    return "".join(text.splitlines(keepends=True)[:lines])


def test_missing_icb_file_names_it_and_says_where(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"sites\.duke\.edu/icbdata.*icb/") as info:
        data.load_icb("crisis", tmp_path)
    assert info.value.file == "icb1v15.csv"


def test_truncated_icb_file_fails_the_checksum(shared: Path, tmp_path: Path) -> None:
    (tmp_path / "icb1v15.csv").write_text(_icb1_text(shared, 20), encoding="utf-8")
    with pytest.raises(data.DataError, match="corrupt or a different release") as info:
        data.load_icb("crisis", tmp_path, use_cache=False)
    assert info.value.file is not None
    assert info.value.file.endswith("icb1v15.csv")


def test_icb_file_cut_mid_row_names_the_row(shared: Path, tmp_path: Path) -> None:
    text = _icb1_text(shared, 20)
    (tmp_path / "icb1v15.csv").write_text(text[: len(text) - 100], encoding="utf-8")
    with pytest.raises(data.DataError) as info:
        data.load_icb("crisis", tmp_path, verify=False, use_cache=False)
    assert info.value.row == 20


def test_wrong_columns_named(tmp_path: Path) -> None:
    (tmp_path / "TIESv4-1.csv").write_text("caseid,startyear\n1,1950\n")
    with pytest.raises(data.DataError, match=r"missing column\(s\) startmonth") as info:
        data.load_ties(tmp_path, verify=False, use_cache=False)
    assert info.value.file is not None
    assert info.value.file.endswith("TIESv4-1.csv")


def test_unknown_veto_member_rejected(shared: Path, tmp_path: Path) -> None:
    text = (shared / "unsc" / "unsc_vetoes_1946_sept2022.csv").read_text()
    (tmp_path / "unsc_vetoes_1946_sept2022.csv").write_text(
        text.replace("Middle East,USSR,", "Middle East,Prussia,", 1)
    )
    with pytest.raises(data.DataError, match="'Prussia' is not one of the codes") as info:
        data.load_unsc_vetoes(tmp_path, verify=False, use_cache=False)
    assert info.value.field == "member_veto1"


def test_unga_text_na_only_in_declared_columns(tmp_path: Path) -> None:
    head = "ccode,year,iso3c,countryname,idealpointfp,idealpointall,idealpointlegacy,"
    head += "nvotesfp,nvotesall,nvotesLegacy\n"
    (tmp_path / "IdealpointsJuly2025.csv").write_text(head + "2,1950,USA,US,NA,1,1,1,1,1\n")
    with pytest.raises(data.DataError, match="'NA' is not a number") as info:
        data.load_unga("year", tmp_path, verify=False, use_cache=False)
    assert (info.value.field, info.value.row) == ("idealpointfp", 2)


# --- Gleditsch-Ward to COW -------------------------------------------------


def test_gw_to_cow_exceptions() -> None:
    assert gw_to_cow(260, 1990) == 260
    assert gw_to_cow(260, 1991) == 255
    assert (gw_to_cow(678, 1962), gw_to_cow(678, 1994)) == (678, 679)
    assert gw_to_cow(340, 2008) == 345
    assert gw_to_cow(219, 1941) == 220
    assert gw_to_cow(972, 2000) == 955
    assert gw_to_cow(365, 1950) == 365
    assert gw_to_cow(671, 1924) is None
    assert gw_to_cow(996, 1950) is None
    assert not set(NO_COW) & set(RENUMBERED)


def test_every_icb_code_maps_to_a_cow_state_or_is_listed(shared: Path) -> None:
    cow = set(data.load_states(shared)["ccode"].astype(int))
    seen: set[int] = set()
    for level, cols in (
        ("crisis", ("trigent",)),
        ("actor", ("cracid", "trigent", "southv")),
        ("dyadic", ("statea", "stateb")),
    ):
        df = data.load_icb(level, shared)
        for col in cols:
            seen |= set(df[col].dropna().astype(int))
            mapped = set(df[f"cow_{col}"].dropna().astype(int))
            assert mapped <= cow, (level, col, sorted(mapped - cow))
            lost = set(df.loc[df[f"cow_{col}"].isna() & df[col].notna(), col].astype(int))
            assert lost <= set(NO_COW) | set(NON_STATE), (level, col, sorted(lost))
    # The renumberings this data needs are exercised by it.
    assert {260, 678, 219, 671, 672} <= seen
