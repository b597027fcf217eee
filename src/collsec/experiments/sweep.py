"""Run a sweep: cells x regimes x replications, in chunks, on any executor.

Each chunk is a picklable :class:`ChunkTask` run by the module-level
:func:`run_chunk`. A cell's seed is fixed in the plan before anything is
dispatched and replication ``k`` always draws from child ``(1, k)`` of that
seed (:mod:`collsec.seeds`), so a chunk of replications 10-19 gives the same
numbers as the same replications inside a run of 0-99, and the rows do not
depend on the executor, the worker count or the completion order.

Every cell runs on the engine the sweep was given (``auto``, ``numpy`` or
``compiled``, as ``collsec run --engine``), settled once before dispatch
(:func:`collsec.api.settle_engine`), so the rows of one sweep do not switch
engine when a background compilation ends half-way. The two engines agree in
distribution; the same bits only where NumPy's ``exp``/``log`` are the C
library's (:func:`collsec.fast.numpy_uses_own_math`). The manifest and every
chunk file record the engines that ran.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.api import Notify, check_engine, settle_engine, simulate
from collsec.experiments import store
from collsec.experiments.executors import Executor, InProcessExecutor
from collsec.experiments.spec import Plan, apply_overrides, level_label
from collsec.results import SUMMARY_METRICS


@dataclass(frozen=True)
class CellConfig:
    """What a worker needs to run one cell (plain, picklable data)."""

    index: int
    seed: int
    overrides: dict[str, Any]
    columns: dict[str, Any]
    labels: dict[str, str]


@dataclass(frozen=True)
class ChunkTask:
    """One task: cells of one chunk, every regime, a range of replications."""

    chunk: int
    base: dict[str, Any]
    cells: tuple[CellConfig, ...]
    regimes: tuple[str, ...]
    first_replication: int
    replications: int
    columns: tuple[str, ...]
    engine: str = "auto"
    """``auto``, ``numpy`` or ``compiled`` (:func:`collsec.api.simulate`)."""


def run_chunk(task: ChunkTask) -> pd.DataFrame:
    """Run one chunk; return its rows, one per (cell, regime, replication).

    Parameters
    ----------
    task
        The chunk's cells, regimes and replication range.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell, regime, replication, cell_seed``, the varied inputs
        (and ``<input>_label`` for discrete ones), then every summary metric.
        ``attrs["engines"]`` lists the engines that ran (``numpy``, ``compiled``).
    """
    frames = []
    engines: set[str] = set()
    # A sweep keeps summary metrics only: no crisis log or per-year output
    # (they change no number, and without them the compiled engine can run).
    base = {
        **task.base,
        "output": {**task.base.get("output", {}), "crises": False, "yearly": False},
    }
    for cell in task.cells:
        sc = apply_overrides(base, cell.overrides, source=f"cell {cell.index}")
        for regime in task.regimes:
            res = simulate(
                sc,
                regime,
                seed=cell.seed,
                replications=task.replications,
                first_replication=task.first_replication,
                engine=task.engine,
            )
            engines.add(res.engine)
            n = len(res.replications)
            data: dict[str, Any] = {
                "cell": np.full(n, cell.index, dtype=np.int64),
                "regime": [regime] * n,
                "replication": res.replications.astype(np.int64),
                "cell_seed": np.full(n, cell.seed, dtype=np.int64),
            }
            for col in task.columns:
                data[col] = [cell.columns[col]] * n
                if col in cell.labels:
                    data[f"{col}_label"] = [cell.labels[col]] * n
            for m in SUMMARY_METRICS:
                data[m] = np.asarray(res.per_replication[m], dtype=float)
            frames.append(pd.DataFrame(data))
    rows = pd.concat(frames, ignore_index=True)
    rows.attrs["engines"] = sorted(engines)
    return rows


def chunk_tasks(plan: Plan, skip: set[int] | None = None, engine: str = "auto") -> list[ChunkTask]:
    """The tasks of every chunk not in ``skip``, in chunk order, run on ``engine``."""
    skip = skip or set()
    levels = {p.column: p.levels for p in plan.spec.parameters if p.levels is not None}
    tasks = []
    for ch in plan.chunks:
        if ch.index in skip:
            continue
        cells = []
        for i in ch.cells:
            c = plan.cells[i]
            labels = {col: level_label(lv[c.columns[col]]) for col, lv in levels.items()}
            cells.append(CellConfig(c.index, c.seed, c.overrides, c.columns, labels))
        tasks.append(
            ChunkTask(
                chunk=ch.index,
                base=plan.base,
                cells=tuple(cells),
                regimes=plan.spec.regimes,
                first_replication=ch.first_replication,
                replications=ch.replications,
                columns=tuple(plan.columns),
                engine=engine,
            )
        )
    return tasks


@dataclass
class SweepReport:
    """What a call of :func:`run_sweep` did."""

    out: Path
    chunks_total: int
    chunks_before: int
    chunks_run: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    engine: str = "auto"
    """The engine the cells were asked for, once settled (``auto`` while compiling: ``numpy``)."""
    engines: set[str] = field(default_factory=set)
    """The engines that ran this call's chunks (``numpy``, ``compiled``)."""
    written: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, Path, str]] = field(default_factory=list)
    """Bad chunks moved aside on resume (and run again): (file, moved to, reason)."""

    @property
    def complete(self) -> bool:
        """Every chunk of the sweep is on disk."""
        return self.chunks_before + self.chunks_run == self.chunks_total


OnChunk = Callable[[int, int], None]
"""Called with (chunk index, rows) after each chunk is written."""


def run_sweep(
    plan: Plan,
    out: str | Path,
    executor: Executor | None = None,
    *,
    resume: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_chunk: OnChunk | None = None,
    engine: str = "auto",
    notify: Notify | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``.

    Parameters
    ----------
    plan
        The resolved sweep (:func:`collsec.experiments.spec.plan`).
    out
        The output folder.
    executor
        Where tasks run (default: in this process).
    resume
        Run only the chunks not yet in ``out``; a chunk that fails its check
        (:func:`collsec.experiments.store.check_chunk`) is moved into
        ``rejected/`` and run again.
    on_start
        Called once with (chunks to run, rows to write).
    on_chunk
        Called with (chunk index, rows) after each chunk is on disk.
    engine
        ``auto`` (default), ``numpy`` or ``compiled``, for every cell, as in
        :func:`collsec.api.simulate`. ``auto`` runs the whole sweep on NumPy
        while the compiled engine is still compiling (see
        :func:`collsec.api.settle_engine`); once compiled, each cell runs on
        the compiled engine where it implements the cell's rules and states.
        Recorded in the manifest (``engine``, and ``engines``: those that ran).
    notify
        Called with a one-line note (the compiled engine compiling in the background).

    Returns
    -------
    SweepReport
        ``interrupted`` is true when Ctrl-C stopped it; finished chunks are kept.

    Raises
    ------
    SweepFolderError
        If ``out`` holds a different sweep, or this one without ``resume``.
    CollsecError
        For an unknown engine, or ``compiled`` without numba (field ``engine``);
        from a worker, ``compiled`` for a cell it cannot run.
    """
    out = Path(out)
    scenario = plan.base_scenario()
    check_engine(engine, scenario)
    previous = store.read_manifest(out) if resume and out.is_dir() else None
    rejected = store.set_aside_bad_chunks(out, plan) if resume and out.is_dir() else []
    done = store.prepare(out, plan, resume)
    settled = settle_engine(engine, notify)
    # The engines of the chunks already on disk, as the manifest of the run before says.
    ran: set[str] = set()
    if done and previous is not None and previous.get("spec_hash") == plan.hash:
        ran.update(str(e) for e in previous.get("engines") or [])

    def record() -> dict[str, Any]:
        return {"engine": engine, "engines": sorted(ran | report.engines)}

    tasks = chunk_tasks(plan, done, settled)
    report = SweepReport(out, len(plan.chunks), len(done), rejected=rejected, engine=settled)
    store.write_manifest(out, plan, done, "running", record())
    rows_per = len(plan.spec.regimes)
    if on_start is not None:
        on_start(len(tasks), sum(len(t.cells) * t.replications * rows_per for t in tasks))
    executor = executor or InProcessExecutor()
    t0 = time.perf_counter()
    try:
        for i, rows in executor.map(run_chunk, tasks):
            idx = tasks[i].chunk
            engines = [str(e) for e in rows.attrs.pop("engines", [])]
            report.engines.update(engines)
            report.written.append(store.write_chunk(out, plan, idx, rows, scenario, engines))
            done.add(idx)
            store.write_manifest(out, plan, done, "running", record())
            report.chunks_run += 1
            report.rows_written += len(rows)
            if on_chunk is not None:
                on_chunk(idx, len(rows))
    except KeyboardInterrupt:
        report.interrupted = True
    report.seconds = time.perf_counter() - t0
    status = "complete" if report.complete else ("interrupted" if report.interrupted else "partial")
    store.write_manifest(out, plan, done, status, record())
    return report
