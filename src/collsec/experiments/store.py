"""Resumable sweep storage: chunk files, a manifest, and read access.

A sweep folder holds

* ``chunks/chunk-<index>-<spec hash>.parquet``: one file per finished task,
  written by :func:`collsec.storage.write_table` (temporary name, then
  ``os.replace``), so a chunk file is either complete or absent, and each
  embeds the base scenario and the package version;
* ``manifest.json``: the spec, its hash, the package version, the cell seeds
  and the chunks done, also written atomically.

The chunk files are the truth: the list of chunks done is rebuilt from them
whenever a sweep starts or resumes, so a run killed between writing a chunk
and updating the manifest loses nothing and repeats nothing. The spec hash in
every file name lets a folder be checked even if its manifest was lost.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from collsec.errors import CollsecError
from collsec.i18n import _
from collsec.storage import write_table

if TYPE_CHECKING:
    import xarray

    from collsec.experiments.spec import Plan
    from collsec.scenario import Scenario

CHUNK_DIR = "chunks"
MANIFEST = "manifest.json"
_CHUNK = re.compile(r"chunk-(\d+)-([0-9a-f]+)\.parquet")


class SweepFolderError(CollsecError):
    """An output folder that cannot take this sweep, or does not hold a sweep."""


def chunk_path(out: Path, index: int, spec_hash: str) -> Path:
    """Path of chunk ``index`` of the sweep with ``spec_hash``."""
    return out / CHUNK_DIR / f"chunk-{index:06d}-{spec_hash}.parquet"


def chunk_files(out: Path) -> dict[int, tuple[str, Path]]:
    """Chunk index to (spec hash, path) of every complete chunk file in ``out``."""
    folder = out / CHUNK_DIR
    found: dict[int, tuple[str, Path]] = {}
    if folder.is_dir():
        for p in folder.iterdir():
            m = _CHUNK.fullmatch(p.name)
            if m:
                found[int(m.group(1))] = (m.group(2), p)
    return found


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of ``out``, or ``None`` if it has none.

    Raises
    ------
    SweepFolderError
        If the manifest exists but is not readable JSON.
    """
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SweepFolderError(
            _("unreadable manifest: {reason}").format(reason=err), source=str(path)
        ) from None
    return data


def write_manifest(out: Path, plan: Plan, done: set[int], status: str) -> Path:
    """Write ``manifest.json`` atomically (temporary file, then rename)."""
    data = plan.manifest()
    data["status"] = status
    data["chunks_done"] = _ranges(sorted(done))
    pending = {c for ch in plan.chunks if ch.index not in done for c in ch.cells}
    data["cells_done"] = len(plan.cells) - len(pending)
    path = out / MANIFEST
    tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _ranges(ids: list[int]) -> list[list[int]]:
    """Compress sorted ids into inclusive ranges ``[[first, last], ...]``."""
    out: list[list[int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def prepare(out: Path, plan: Plan, resume: bool) -> set[int]:
    """Check that ``out`` can take this sweep; return the chunks already done.

    Parameters
    ----------
    out
        The output folder (created if missing).
    plan
        The resolved sweep.
    resume
        Continue a sweep this folder already holds.

    Returns
    -------
    set of int
        Indices of the chunks already written (empty for a new sweep).

    Raises
    ------
    SweepFolderError
        If the folder holds a different sweep (its spec hash differs), holds
        this sweep but ``resume`` was not asked, or holds other files.
    """
    h = plan.hash
    if out.exists() and not out.is_dir():
        raise SweepFolderError(_("exists and is not a folder"), source=str(out))
    manifest = read_manifest(out) if out.exists() else None
    files = chunk_files(out)
    hashes = {fh for fh, _path in files.values()}
    if manifest is not None:
        hashes.add(str(manifest.get("spec_hash")))
    other = sorted(hashes - {h})
    if other:
        raise SweepFolderError(
            _(
                "holds a different sweep (spec hash {other}, this spec {this}); "
                "nothing was overwritten: choose another {option} folder"
            ).format(other=other[0], this=h, option="--out"),
            source=str(out),
        )
    if manifest is None and not files and out.exists():
        extra = [p.name for p in out.iterdir() if not p.name.startswith(".")]
        if extra:
            raise SweepFolderError(
                _(
                    "is not empty and holds no sweep ({file}, ...): choose an empty or new folder"
                ).format(file=extra[0]),
                source=str(out),
            )
    if (manifest is not None or files) and not resume:
        raise SweepFolderError(
            _(
                "already holds this sweep ({done} of {total} chunks done): "
                "add {option} to finish it"
            ).format(done=len(files), total=len(plan.chunks), option="--resume"),
            source=str(out),
        )
    (out / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
    # A run killed while writing leaves a temporary file, never a partial chunk.
    for p in (out / CHUNK_DIR).glob(".chunk-*.tmp"):
        p.unlink(missing_ok=True)
    done = {i for i in files if i < len(plan.chunks)}
    write_manifest(out, plan, done, "running")
    return done


def write_chunk(out: Path, plan: Plan, index: int, rows: pd.DataFrame, scenario: Scenario) -> Path:
    """Write one finished chunk atomically, with the base scenario embedded."""
    return write_table(rows, chunk_path(out, index, plan.hash), scenario)


# --------------------------------------------------------------------------- reading


def _require(out: Path) -> tuple[dict[str, Any] | None, list[Path]]:
    out = Path(out)
    files = [p for _i, (_h, p) in sorted(chunk_files(out).items())]
    manifest = read_manifest(out) if out.is_dir() else None
    if manifest is None and not files:
        raise SweepFolderError(
            _("holds no sweep results (no manifest, no chunk files)"), source=str(out)
        )
    return manifest, files


def load_results(out: str | Path) -> pd.DataFrame:
    """Every row of a sweep, ordered by cell, regime and replication.

    Parameters
    ----------
    out
        The sweep's output folder.

    Returns
    -------
    pandas.DataFrame
        One row per (cell, regime, replication): ``cell``, ``regime``,
        ``replication``, ``cell_seed``, the varied inputs and the summary metrics.

    Raises
    ------
    SweepFolderError
        If the folder holds no sweep.
    """
    _manifest, files = _require(Path(out))
    if not files:
        return pd.DataFrame(columns=["cell", "regime", "replication", "cell_seed"])
    df = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
    return df.sort_values(["cell", "regime", "replication"], kind="stable").reset_index(drop=True)


def to_xarray(out: str | Path) -> xarray.Dataset:
    """The sweep's metrics, mean over replications, on the swept dimensions.

    A grid design gives one dimension per varied input plus ``regime``; other
    designs (random, lhs, sobol) are not grids, so they give dimensions
    ``cell`` and ``regime`` with each input as a coordinate along ``cell``.

    Raises
    ------
    SweepFolderError
        If the folder holds no sweep.
    """
    from collsec.results import SUMMARY_METRICS

    manifest, _files = _require(Path(out))
    df = load_results(out)
    params = list((manifest or {}).get("parameters", []))
    metrics = [m for m in SUMMARY_METRICS if m in df.columns]
    means = df.groupby(["cell", "regime"], sort=True)[metrics].mean()
    inputs = df.groupby("cell", sort=True)[params].first()
    if (manifest or {}).get("design") == "grid" and params:
        wide = means.join(inputs, on="cell").reset_index().drop(columns="cell")
        return wide.set_index([*params, "regime"]).to_xarray()
    ds = means.to_xarray()
    for p in params:
        ds = ds.assign_coords({p: ("cell", inputs[p].to_numpy())})
    return ds


def query(out: str | Path, sql: str) -> pd.DataFrame:
    """Run DuckDB SQL over a sweep's rows, exposed as the view ``results``.

    Examples
    --------
    ``query(out, "SELECT regime, avg(war_rate) FROM results GROUP BY regime")``

    Raises
    ------
    SweepFolderError
        If the folder holds no chunk files.
    CollsecError
        If DuckDB rejects the SQL.
    """
    import duckdb

    _manifest, files = _require(Path(out))
    if not files:
        raise SweepFolderError(_("holds no finished chunks yet"), source=str(out))
    con = duckdb.connect()
    try:
        listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
        con.execute(
            f"CREATE VIEW results AS SELECT * FROM read_parquet([{listing}], union_by_name=true)"
        )
        try:
            return con.execute(sql).df()
        except duckdb.Error as err:
            first = str(err).splitlines()[0]
            raise CollsecError(
                _("the query failed: {reason}").format(reason=first), field="SQL"
            ) from None
    finally:
        con.close()
