"""fetch and status through the real pooch code path, against a local HTTP server."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from collsec import data
from collsec.data.registry import DatasetEntry, Download, Registry

MAJORS = (
    b"stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    b"USA,2,1898,8,13,2016,12,31,2016\n"
    b"UKG,200,1816,1,1,2016,12,31,2016\n"
)


def _sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def _registry(download: Download, sha256: str = _sha(MAJORS)) -> Registry:
    entry = DatasetEntry(
        name="majors",
        title="State System Membership: major powers",
        file="majors2016.csv",
        version="2016",
        sha256=sha256,
        first_year=1816,
        last_year=2016,
        distribution="download",
        download=download,
        homepage="https://correlatesofwar.org/data-sets/state-system-membership/",
        citation="Correlates of War Project. 2017.",
        cite_as="Correlates of War Project (2017)",
        citation_key="cow2017states",
    )
    return Registry(datasets={"majors": entry})


def test_fetch_bare_csv(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "majors2016.csv").write_bytes(MAJORS)
    reg = _registry(Download(url=f"{base}/majors2016.csv"))
    got = data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    assert got == {"majors": tmp_path / "dl" / "majors2016.csv"}


def test_fetched_file_loads(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "majors2016.csv").write_bytes(MAJORS)
    reg = _registry(Download(url=f"{base}/majors2016.csv"))
    data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    majors = data.load("majors", tmp_path / "dl", registry=reg)
    assert majors["stateabb"].tolist() == ["USA", "UKG"]


def test_fetch_defaults_to_download_cache(http_server: tuple[Path, str], fresh_cache: Path) -> None:
    root, base = http_server
    (root / "majors2016.csv").write_bytes(MAJORS)
    reg = _registry(Download(url=f"{base}/majors2016.csv"))
    got = data.fetch(progress=False, registry=reg)
    assert got["majors"] == fresh_cache / "downloads" / "majors2016.csv"


def test_fetch_bare_csv_checksum_mismatch(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "majors2016.csv").write_bytes(MAJORS + b"FRN,220,1816,1,1,1940,6,22,2016\n")
    reg = _registry(Download(url=f"{base}/majors2016.csv"))
    with pytest.raises(data.DataError, match=r"checksum mismatch downloading http://127\.0\.0\.1"):
        data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)


def test_fetch_member_of_zip(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "Release.zip").write_bytes(_zip({"Release/majors2016.csv": MAJORS, "README": b"x"}))
    reg = _registry(Download(url=f"{base}/Release.zip", member=("Release/majors2016.csv",)))
    got = data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    assert got["majors"].read_bytes() == MAJORS


def test_fetch_nested_zip_member_by_base_name(
    http_server: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = http_server
    inner = _zip({"majors2016.csv": MAJORS})
    (root / "Docs.zip").write_bytes(_zip({"Docs-6/Inner.zip": inner}))
    reg = _registry(Download(url=f"{base}/Docs.zip", member=("Inner.zip", "majors2016.csv")))
    got = data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    assert got["majors"].read_bytes() == MAJORS


def test_fetch_zip_with_known_archive_hash(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    blob = _zip({"majors2016.csv": MAJORS})
    (root / "Release.zip").write_bytes(blob)
    url = f"{base}/Release.zip"
    reg = _registry(Download(url=url, member=("majors2016.csv",), archive_sha256=_sha(blob)))
    got = data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    assert got["majors"].is_file()


def test_fetch_zip_member_checksum_mismatch(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "Release.zip").write_bytes(_zip({"majors2016.csv": MAJORS + b"\n"}))
    reg = _registry(Download(url=f"{base}/Release.zip", member=("majors2016.csv",)))
    with pytest.raises(data.DataError, match=r"checksum mismatch: majors2016\.csv extracted"):
        data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)


def test_fetch_zip_member_mismatch_leaves_no_file(
    http_server: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = http_server
    (root / "Release.zip").write_bytes(_zip({"majors2016.csv": MAJORS + b"\n"}))
    reg = _registry(Download(url=f"{base}/Release.zip", member=("majors2016.csv",)))
    with pytest.raises(data.DataError):
        data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)
    assert not (tmp_path / "dl" / "majors2016.csv").exists()


def test_fetch_zip_without_member(http_server: tuple[Path, str], tmp_path: Path) -> None:
    root, base = http_server
    (root / "Release.zip").write_bytes(_zip({"other.csv": MAJORS}))
    reg = _registry(Download(url=f"{base}/Release.zip", member=("majors2016.csv",)))
    with pytest.raises(data.DataError, match=r"0 members named 'majors2016\.csv'"):
        data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)


def test_fetch_unreachable_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    reg = _registry(Download(url="http://127.0.0.1:9/majors2016.csv"))
    with pytest.raises(data.DataError, match="could not download"):
        data.fetch(["majors"], dest=tmp_path / "dl", progress=False, registry=reg)


def test_fetch_refuses_alliances() -> None:
    with pytest.raises(data.DataError, match=r"never fetches.*Gibler \(2009\)"):
        data.fetch(["alliances_member_yearly"], progress=False)


def test_fetch_refuses_derived() -> None:
    with pytest.raises(data.DataError, match="derived file with no official download"):
        data.fetch(["nmc_v7"], progress=False)


def test_status_real_folder_all_ok(cow_dir: Path) -> None:
    # shared/data holds each data set in its own subfolder (cow/, icb/, ...).
    report = data.status(cow_dir.parent)
    assert [(s.name, s.ok, s.source) for s in report if not s.ok or s.source != "folder"] == []


def test_status_lists_every_dataset(cow_dir: Path) -> None:
    names = [s.name for s in data.status(cow_dir)]
    assert names == data.load_registry().names()


def test_status_empty_folder(tmp_path: Path) -> None:
    by_name = {s.name: s for s in data.status(tmp_path)}
    assert not any(s.present for s in by_name.values())
    assert "collsec data fetch" in by_name["wars"].message
    assert "Gibler (2009)" in by_name["alliances_member"].message
    assert "derived file" in by_name["igo_league_un"].message


def test_status_flags_changed_file(tmp_path: Path) -> None:
    (tmp_path / "majors2016.csv").write_bytes(MAJORS)
    majors = next(s for s in data.status(tmp_path) if s.name == "majors")
    assert (majors.present, majors.ok, majors.sha256_actual) == (True, False, _sha(MAJORS))
