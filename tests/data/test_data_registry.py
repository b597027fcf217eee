"""The registry: consistent with the schemas, with PROVENANCE.md, and with its own rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from collsec import data
from collsec.data.registry import Download
from collsec.data.schemas import SCHEMAS


def test_every_dataset_has_a_schema() -> None:
    assert set(data.load_registry().names()) == set(SCHEMAS)


def _provenance_hashes(folder: Path) -> dict[str, str]:
    # The last table row naming a file wins: in icb/ that is the full release's
    # summary table, after the extracts' table.
    text = (folder / "PROVENANCE.md").read_text()
    return dict(re.findall(r"^\| (\S+\.csv) \|.*\| ([0-9a-f]{64}) \|$", text, flags=re.M))


def test_hashes_match_provenance(cow_dir: Path) -> None:
    reg = data.load_registry()
    present = [e for e in reg.datasets.values() if (cow_dir.parent / e.folder).is_dir()]
    assert {e.folder for e in present} >= {"cow"}
    assert {e.file: e.sha256 for e in present} == {
        e.file: _provenance_hashes(cow_dir.parent / e.folder)[e.file] for e in present
    }


def test_icb_extract_hashes_match_provenance(cow_dir: Path) -> None:
    folder = cow_dir.parent / "icb"
    if not folder.is_dir():
        pytest.skip(f"ICB folder not found at {folder}")
    text = (folder / "PROVENANCE.md").read_text()
    first = dict(
        reversed(re.findall(r"^\| (\S+\.csv) \|.*\| ([0-9a-f]{64}) \|$", text, flags=re.M))
    )
    reg = data.load_registry()
    icb = [e for e in reg.datasets.values() if e.folder == "icb"]
    assert [e.name for e in icb] == ["icb1", "icb2", "icbdy"]
    assert {e.file: e.extract_sha256 for e in icb} == {e.file: first[e.file] for e in icb}


def test_alliances_have_no_url() -> None:
    reg = data.load_registry()
    ally = [reg[n] for n in reg.names() if n.startswith("alliances")]
    assert [(e.distribution, e.download, e.cite_as) for e in ally] == [
        ("user_supplied", None, "Gibler (2009)")
    ] * 2


def test_derived_files_name_their_source() -> None:
    reg = data.load_registry()
    derived = {n for n in reg.names() if reg[n].distribution == "derived"}
    assert derived == {"nmc_v7", "igo_league_un", "unga_year", "ties"}


def test_official_urls_are_on_correlatesofwar_org() -> None:
    reg = data.load_registry()
    urls = [
        e.download.url
        for e in reg.datasets.values()
        if e.download is not None and e.folder == "cow"
    ]
    assert urls
    assert all(u.startswith("https://correlatesofwar.org/wp-content/uploads/") for u in urls)


def test_download_rejects_archive_hash_for_bare_csv() -> None:
    with pytest.raises(ValueError, match="archive_sha256 is only for zips"):
        Download(url="https://example.org/a.csv", archive_sha256="0" * 64)


def test_invalid_registry_file(tmp_path: Path) -> None:
    bad = tmp_path / "registry.json"
    bad.write_text('{"datasets": {"x": {"file": "x.csv"}}}')
    with pytest.raises(data.DataError, match="invalid registry entry"):
        data.load_registry(bad)
