"""Bad chunks and a read-only query (issue 13, items 6 and 10).

A chunk truncated, emptied, corrupted or brought from another sweep is named
by ``query`` (exit 2, no traceback) and run again by ``sweep --resume``, which
then gives exactly the rows of an untouched sweep. ``query`` sees the view
``results`` and nothing else: no file is read or written through it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from collsec.cli import app
from collsec.experiments import InProcessExecutor, load_results, plan, run_sweep, spec_from_data
from collsec.experiments.store import SPEC_HASH_KEY, BadChunkError, chunk_files, query
from collsec.storage import write_table

KEY = ["cell", "regime", "replication"]


_REFERENCE: dict[str, tuple[Path, pd.DataFrame]] = {}


@pytest.fixture
def reference(
    tiny_spec: Callable[..., dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, pd.DataFrame]:
    """One untouched tiny sweep (made once; each test copies its folder) and its rows."""
    if "ref" not in _REFERENCE:
        out = tmp_path_factory.mktemp("ref") / "sweep"
        run_sweep(plan(spec_from_data(tiny_spec())), out, InProcessExecutor())
        _REFERENCE["ref"] = (out, load_results(out))
    return _REFERENCE["ref"]


def _other_sweep(tiny_spec: Callable[..., dict[str, Any]], where: Path) -> Path:
    """A chunk file of the same sweep with another seed."""
    run_sweep(plan(spec_from_data(tiny_spec(seed=99))), where, InProcessExecutor())
    return sorted(chunk_files(where).items())[0][1][1]


def _copy(reference: tuple[Path, pd.DataFrame], tmp_path: Path) -> Path:
    out = tmp_path / "sweep"
    shutil.copytree(reference[0], out)
    return out


def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _flip(p: Path) -> None:
    # One of the last bytes of the largest column's pages, past any page
    # header: caught by the page checksum. (A fixed share of the file's length
    # can land in the footer, whose layout moves with the metadata, such as
    # the engine each chunk records, and some footer bytes are read as text.)
    meta = pq.ParquetFile(p).metadata.row_group(0)
    col = max((meta.column(i) for i in range(meta.num_columns)),
              key=lambda c: c.total_compressed_size)  # fmt: skip
    end = (col.dictionary_page_offset or col.data_page_offset) + col.total_compressed_size
    data = bytearray(p.read_bytes())
    data[end - 4] ^= 0xFF
    p.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "emptied": _empty,
    "corrupted": _flip,
    "from another sweep": lambda p: None,  # done in the test (needs the spec)
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_query_names_a_bad_chunk_and_resume_runs_it_again(
    damage: str, reference: tuple[Path, pd.DataFrame], tiny_spec: Any, tmp_path: Path
) -> None:
    out = _copy(reference, tmp_path)
    bad = chunk_files(out)[2][1]
    DAMAGE[damage](bad)
    if damage == "from another sweep":
        # renamed to this sweep's name: only its metadata tells
        shutil.copyfile(_other_sweep(tiny_spec, tmp_path / "other"), bad)
    res = CliRunner().invoke(app, ["query", str(out), "SELECT count(*) FROM results"])
    assert res.exit_code == 2, res.output
    assert bad.name in res.output
    assert "--resume" in res.output
    assert "Traceback" not in res.output
    with pytest.raises(BadChunkError):
        load_results(out)

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec()), encoding="utf-8")
    res = CliRunner().invoke(
        app, ["sweep", str(spec), "--out", str(out), "--executor", "inline", "--resume"]
    )
    assert res.exit_code == 0, res.output
    assert bad.name in res.output
    assert "rejected" in res.output
    assert [p.name.split(".parquet")[0] for p in (out / "rejected").iterdir()] == [
        bad.name.split(".parquet")[0]
    ]
    rows = load_results(out)
    assert not rows.duplicated(KEY).any()
    pd.testing.assert_frame_equal(rows, reference[1])


def test_a_chunk_of_another_sweep_under_its_own_name_is_refused_by_query(
    reference: tuple[Path, pd.DataFrame], tiny_spec: Any, tmp_path: Path
) -> None:
    out = _copy(reference, tmp_path)
    stray = _other_sweep(tiny_spec, tmp_path / "other")
    shutil.copy(stray, out / "chunks" / stray.name)
    res = CliRunner().invoke(app, ["query", str(out), "SELECT count(*) FROM results"])
    assert res.exit_code == 2, res.output
    assert stray.name in res.output
    assert "another sweep" in res.output


def test_a_chunk_missing_rows_is_refused(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    out = _copy(reference, tmp_path)
    path = chunk_files(out)[0][1]
    table = pq.read_table(path)
    short = table.slice(0, table.num_rows - 1)
    write_table(short.to_pandas(), path, extra=dict(table.schema.metadata.items()))
    with pytest.raises(BadChunkError, match="rows where the manifest expects"):
        query(out, "SELECT 1 FROM results")


def test_query_reads_all_rows_of_a_sound_sweep(reference: tuple[Path, pd.DataFrame]) -> None:
    df = query(reference[0], "SELECT count(*) AS n, count(DISTINCT cell) AS cells FROM results")
    assert (int(df["n"][0]), int(df["cells"][0])) == (len(reference[1]), 4)


@pytest.mark.parametrize(
    "sql",
    [
        "COPY results TO '{dir}/leak.csv'",
        "COPY (SELECT 1) TO '{dir}/leak.parquet' (FORMAT parquet)",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "ATTACH '{dir}/leak.duckdb' AS leak",
        "EXPORT DATABASE '{dir}/leak'",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ],
)
def test_query_is_read_only(sql: str, reference: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["query", str(reference[0]), sql.format(dir=tmp_path)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert list(tmp_path.iterdir()) == []


def test_a_refused_file_access_says_why(reference: tuple[Path, pd.DataFrame]) -> None:
    res = CliRunner().invoke(
        app, ["query", str(reference[0]), "SELECT * FROM read_csv_auto('/etc/passwd')"]
    )
    assert res.exit_code == 2
    assert "only read the view 'results'" in " ".join(res.output.split())


def test_a_chunk_written_before_chunks_carried_the_hash_is_read_by_its_name(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    out = _copy(reference, tmp_path)
    for _index, (_h, path) in chunk_files(out).items():
        table = pq.read_table(path)
        meta = {k: v for k, v in table.schema.metadata.items() if k != SPEC_HASH_KEY}
        pq.write_table(table.replace_schema_metadata(meta), path)
    pd.testing.assert_frame_equal(load_results(out), reference[1])
