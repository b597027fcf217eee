"""Resumable sweep storage: chunk files, a manifest, and read access.

A sweep folder holds

* ``chunks/chunk-<index>-<spec hash>.parquet``: one file per finished task,
  written by :func:`collsec.storage.write_table` (temporary name, then
  ``os.replace``), so a chunk file is either complete or absent, and each
  embeds the base scenario and the package version;
* ``manifest.json``: the spec, its hash, the package version, the cell seeds,
  the chunks done and the engine asked for and those that ran, also written
  atomically.

The chunk files are the truth: the list of chunks done is rebuilt from them
whenever a sweep starts or resumes, so a run killed between writing a chunk
and updating the manifest loses nothing and repeats nothing. The spec hash in
every file name lets a folder be checked even if its manifest was lost.

Every chunk is checked before it is read (:func:`check_chunk`): a readable
Parquet file (page checksums verified), the expected columns, this sweep's
spec hash in its metadata, and the row count the manifest expects. ``query``
and :func:`load_results` refuse a folder with a bad chunk, naming the file;
``--resume`` moves a bad chunk into ``rejected/`` and runs its cells again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from collsec import atomic
from collsec.errors import CollsecError
from collsec.i18n import _
from collsec.results import SUMMARY_METRICS
from collsec.storage import write_table

if TYPE_CHECKING:
    import xarray

    from collsec.experiments.spec import Plan
    from collsec.scenario import Scenario

CHUNK_DIR = "chunks"
MANIFEST = "manifest.json"
REJECTED_DIR = "rejected"
SPEC_HASH_KEY = b"collsec.spec_hash"
ENGINE_KEY = b"collsec.engine"
KEY_COLUMNS = ("cell", "regime", "replication", "cell_seed")
_CHUNK = re.compile(r"chunk-(\d+)-([0-9a-f]+)\.parquet")


class SweepFolderError(CollsecError):
    """An output folder that cannot take this sweep, or does not hold a sweep."""


def chunk_path(out: Path, index: int, spec_hash: str) -> Path:
    """Path of chunk ``index`` of the sweep with ``spec_hash``."""
    return out / CHUNK_DIR / f"chunk-{index:06d}-{spec_hash}.parquet"


def all_chunk_files(out: Path) -> list[tuple[int, str, Path]]:
    """(index, spec hash, path) of every chunk file in ``out``, by name, whatever its sweep."""
    folder = out / CHUNK_DIR
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _CHUNK.fullmatch(p.name)
            if m:
                found.append((int(m.group(1)), m.group(2), p))
    return sorted(found)


def chunk_files(out: Path) -> dict[int, tuple[str, Path]]:
    """Chunk index to (spec hash, path) of every complete chunk file in ``out``."""
    return {i: (h, p) for i, h, p in all_chunk_files(out)}


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


def write_manifest(
    out: Path, plan: Plan, done: set[int], status: str, run: dict[str, Any] | None = None
) -> Path:
    """Write ``manifest.json`` atomically (temporary file, then rename).

    ``run`` adds what the run did, not what it computes (the engine asked for
    and the engines that ran).
    """
    data = plan.manifest()
    data.update(run or {})
    data["status"] = status
    data["chunks_done"] = _ranges(sorted(done))
    pending = {c for ch in plan.chunks if ch.index not in done for c in ch.cells}
    data["cells_done"] = len(plan.cells) - len(pending)
    data["chunk_rows"] = [expected_rows(plan, ch.index) for ch in plan.chunks]
    return atomic.write_text(out / MANIFEST, json.dumps(data, indent=1))


def expected_rows(plan: Plan, index: int) -> int:
    """Rows of chunk ``index``: its cells x regimes x replications."""
    ch = plan.chunks[index]
    return len(ch.cells) * len(plan.spec.regimes) * ch.replications


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
    hashes = {fh for _i, fh, _path in all_chunk_files(out)}
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
    try:
        (out / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepFolderError(
            _("cannot write the sweep here: {reason}").format(reason=err.strerror or err),
            source=str(out),
        ) from None
    # A run killed while writing leaves a temporary file, never a partial chunk.
    atomic.remove_temporaries(out / CHUNK_DIR)
    atomic.remove_temporaries(out)
    done = {i for i in files if i < len(plan.chunks)}
    write_manifest(out, plan, done, "running")
    return done


def write_chunk(
    out: Path,
    plan: Plan,
    index: int,
    rows: pd.DataFrame,
    scenario: Scenario,
    engines: list[str] | None = None,
) -> Path:
    """Write one finished chunk atomically, with the base scenario and spec hash embedded.

    ``engines``, the engines that ran the chunk, are embedded too (comma-separated).
    """
    extra = {SPEC_HASH_KEY: plan.hash.encode()}
    if engines:
        extra[ENGINE_KEY] = ",".join(engines).encode()
    return write_table(rows, chunk_path(out, index, plan.hash), scenario, extra)


# --------------------------------------------------------------------------- checking


class BadChunkError(SweepFolderError):
    """A chunk file that cannot be read, or does not belong to this sweep."""


@dataclass(frozen=True)
class Expect:
    """What every chunk of one sweep must have."""

    spec_hash: str
    columns: tuple[str, ...]
    rows: tuple[int, ...] | None
    """Rows per chunk index, when the manifest says."""

    @classmethod
    def of_plan(cls, plan: Plan) -> Expect:
        """The expectations of ``plan``."""
        rows = tuple(expected_rows(plan, ch.index) for ch in plan.chunks)
        return cls(plan.hash, (*KEY_COLUMNS, *plan.columns, *SUMMARY_METRICS), rows)

    @classmethod
    def of_folder(cls, out: Path, manifest: dict[str, Any] | None) -> Expect:
        """The expectations read from the manifest, else from the chunk file names.

        Raises
        ------
        BadChunkError
            With no manifest, if the chunk file names carry different spec hashes.
        """
        if manifest is not None and manifest.get("spec_hash"):
            params = tuple(str(c) for c in manifest.get("parameters", []))
            rows = manifest.get("chunk_rows")
            return cls(
                str(manifest["spec_hash"]),
                (*KEY_COLUMNS, *params, *SUMMARY_METRICS),
                tuple(int(r) for r in rows) if isinstance(rows, list) else None,
            )
        counts: dict[str, list[Path]] = {}
        for _i, fh, path in all_chunk_files(out):
            counts.setdefault(fh, []).append(path)
        if len(counts) > 1:
            # The hash most files carry is the sweep's; name a file of another.
            major = max(counts, key=lambda k: len(counts[k]))
            odd = next(p for k, ps in sorted(counts.items()) if k != major for p in ps)
            raise BadChunkError(
                _(
                    "belongs to another sweep (spec hash {other}, the others {this}); "
                    "move it out of {folder}"
                ).format(other=odd.name.split("-")[-1].split(".")[0], this=major, folder=CHUNK_DIR),
                source=str(odd),
            )
        only = next(iter(counts), "")
        return cls(only, KEY_COLUMNS, None)


def check_chunk(path: Path, index: int, expect: Expect) -> pa.Table:
    """Read chunk ``index`` at ``path`` and check it; return its rows.

    Raises
    ------
    BadChunkError
        If the file is not readable Parquet (truncated, empty, a bad page
        checksum), lacks an expected column, carries another sweep's spec
        hash, or holds other than the rows the manifest expects.
    """
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, page_checksum_verification=True)
    except (OSError, pa.ArrowException) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise BadChunkError(
            _("is not a readable chunk ({reason})").format(reason=reason), source=str(path)
        ) from None
    meta = table.schema.metadata or {}
    if SPEC_HASH_KEY in meta:
        found = meta[SPEC_HASH_KEY].decode(errors="replace")
    else:  # written before chunks carried the hash: its file name is all there is
        m = _CHUNK.fullmatch(path.name)
        found = m.group(2) if m else ""
    if found != expect.spec_hash:
        raise BadChunkError(
            _(
                "belongs to another sweep (spec hash {other}, this sweep {this}); "
                "move it out of {folder}"
            ).format(other=found or "?", this=expect.spec_hash, folder=CHUNK_DIR),
            source=str(path),
        )
    missing = [c for c in expect.columns if c not in table.column_names]
    if missing:
        raise BadChunkError(
            _("lacks the column {column!r}").format(column=missing[0]), source=str(path)
        )
    if expect.rows is not None:
        want = expect.rows[index] if index < len(expect.rows) else None
        if want is None:
            raise BadChunkError(
                _("is chunk {index}, but the sweep has {n} chunks").format(
                    index=index, n=len(expect.rows)
                ),
                source=str(path),
            )
        if table.num_rows != want:
            raise BadChunkError(
                _("holds {rows} rows where the manifest expects {want}").format(
                    rows=table.num_rows, want=want
                ),
                source=str(path),
            )
    return table


def set_aside_bad_chunks(out: Path, plan: Plan) -> list[tuple[Path, Path, str]]:
    """Move every chunk of ``out`` that fails :func:`check_chunk` into ``rejected/``.

    Chunks whose file name carries another spec hash are left where they are
    (:func:`prepare` refuses the folder: it may be the wrong ``--out``).

    Returns
    -------
    list of (original path, new path, reason)
    """
    expect = Expect.of_plan(plan)
    moved = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for index, (fh, path) in sorted(chunk_files(out).items()):
        if fh != plan.hash:
            continue
        try:
            check_chunk(path, index, expect)
        except BadChunkError as err:
            target = out / REJECTED_DIR / f"{path.name}.{stamp}.bad"
            target.parent.mkdir(exist_ok=True)
            path.replace(target)
            moved.append((path, target, err.message))
    return moved


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


def checked_tables(out: Path) -> list[pa.Table]:
    """Every chunk of ``out``, read and checked (:func:`check_chunk`), in chunk order.

    Raises
    ------
    SweepFolderError
        If the folder holds no sweep.
    BadChunkError
        Naming the first bad chunk, and how to run it again.
    """
    manifest, _files = _require(out)
    expect = Expect.of_folder(out, manifest)
    tables = []
    for index, _fh, path in all_chunk_files(out):
        try:
            tables.append(check_chunk(path, index, expect))
        except BadChunkError as err:
            hint = _("run it again with: collsec sweep SPEC --out {out} --resume").format(out=out)
            raise BadChunkError(f"{err.message}; {hint}", source=err.source) from None
    return tables


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
    tables = checked_tables(Path(out))
    if not tables:
        return pd.DataFrame(columns=list(KEY_COLUMNS))
    df = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
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

    The query is read-only: the checked rows are loaded into an in-memory
    database, then DuckDB's access to files is switched off and its settings
    locked, so ``COPY ... TO``, ``read_csv('/etc/passwd')``, ``ATTACH`` or
    ``INSTALL`` are refused; ``results`` is all the SQL sees.

    Examples
    --------
    ``query(out, "SELECT regime, avg(war_rate) FROM results GROUP BY regime")``

    Raises
    ------
    SweepFolderError
        If the folder holds no chunk files, or a chunk is bad (named).
    CollsecError
        If DuckDB rejects the SQL, or it reaches outside ``results``.
    """
    import duckdb

    tables = checked_tables(Path(out))
    if not tables:
        raise SweepFolderError(_("holds no finished chunks yet"), source=str(out))
    rows = pa.concat_tables(tables, promote_options="default")
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        con.register("_chunks", rows)
        con.execute("CREATE TABLE _rows AS SELECT * FROM _chunks")
        con.unregister("_chunks")
        con.execute("CREATE VIEW results AS SELECT * FROM _rows")
        con.execute("SET python_enable_replacements = false")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        if not sql.strip().strip(";").strip():
            raise CollsecError(_("is empty: give one SELECT over the view 'results'"), field="SQL")
        try:
            cur = con.execute(sql)
            if cur is None or cur.description is None:
                raise CollsecError(
                    _("returned no table: give one SELECT over the view 'results'"),
                    field="SQL",
                )
            return cur.df()
        except duckdb.PermissionException as err:
            raise CollsecError(
                _(
                    "the query may only read the view 'results' "
                    "(no files, no extensions, no other databases): {reason}"
                ).format(reason=str(err).splitlines()[0]),
                field="SQL",
            ) from None
        except duckdb.Error as err:
            first = str(err).splitlines()[0]
            raise CollsecError(
                _("the query failed: {reason}").format(reason=first), field="SQL"
            ) from None
    finally:
        con.close()
