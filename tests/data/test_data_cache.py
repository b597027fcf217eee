"""The Parquet cache: reused when the source is unchanged, rebuilt when it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from collsec import data

MAJORS = (
    "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    "USA,2,1898,8,13,2016,12,31,2016\n"
    "UKG,200,1816,1,1,2016,12,31,2016\n"
)


def test_second_load_reads_parquet(cow_dir: Path, fresh_cache: Path) -> None:
    first = data.load_wars(cow_dir)
    second = data.load_wars(cow_dir)
    assert (first.attrs["collsec"]["from_cache"], second.attrs["collsec"]["from_cache"]) == (
        False,
        True,
    )
    assert len(list((fresh_cache / "parquet").glob("wars-*.parquet"))) == 1


def test_cached_table_equals_parsed_table(cow_dir: Path, fresh_cache: Path) -> None:
    parsed = data.load_alliances("member", cow_dir)
    cached = data.load_alliances("member", cow_dir)
    pd.testing.assert_frame_equal(parsed, cached)


def test_changed_source_invalidates_cache(tmp_path: Path, fresh_cache: Path) -> None:
    src = tmp_path / "majors2016.csv"
    src.write_text(MAJORS)
    data.load_majors(tmp_path, verify=False)
    src.write_text(MAJORS + "FRN,220,1816,1,1,1940,6,22,2016\n")
    changed = data.load_majors(tmp_path, verify=False)
    assert (changed.attrs["collsec"]["from_cache"], len(changed)) == (False, 3)


def test_cache_disabled(tmp_path: Path, fresh_cache: Path) -> None:
    (tmp_path / "majors2016.csv").write_text(MAJORS)
    data.load_majors(tmp_path, verify=False, use_cache=False)
    assert not (fresh_cache / "parquet").exists()


def test_corrupt_cache_file_is_rebuilt(tmp_path: Path, fresh_cache: Path) -> None:
    (tmp_path / "majors2016.csv").write_text(MAJORS)
    data.load_majors(tmp_path, verify=False)
    (cached,) = (fresh_cache / "parquet").glob("majors-*.parquet")
    cached.write_bytes(b"not parquet")
    again = data.load_majors(tmp_path, verify=False)
    assert (again.attrs["collsec"]["from_cache"], len(again)) == (False, 2)


def test_download_cache_is_searched_after_folder(tmp_path: Path, fresh_cache: Path) -> None:
    downloads = data.download_dir()
    downloads.mkdir(parents=True)
    (downloads / "majors2016.csv").write_text(MAJORS)
    shutil.rmtree(tmp_path / "empty", ignore_errors=True)
    (tmp_path / "empty").mkdir()
    majors = data.load_majors(tmp_path / "empty", verify=False)
    assert majors.attrs["collsec"]["source"] == "cache"
