"""Experiments at scale: sweeps, Sobol sensitivity, executors, resumable storage.

>>> from collsec.experiments import load_spec, plan
>>> p = plan(load_spec("sweep"))
>>> len(p.cells) > 0
True
"""

from __future__ import annotations

from collsec.experiments.executors import (
    DaskExecutor,
    Executor,
    ExecutorError,
    InProcessExecutor,
    ProcessExecutor,
    make_executor,
)
from collsec.experiments.spec import (
    Plan,
    SpecError,
    SweepSpec,
    load_spec,
    parse_path,
    plan,
    spec_from_data,
)
from collsec.experiments.store import SweepFolderError, load_results, query, to_xarray
from collsec.experiments.sweep import SweepReport, run_chunk, run_sweep

__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "InProcessExecutor",
    "Plan",
    "ProcessExecutor",
    "SpecError",
    "SweepFolderError",
    "SweepReport",
    "SweepSpec",
    "load_results",
    "load_spec",
    "make_executor",
    "parse_path",
    "plan",
    "query",
    "run_chunk",
    "run_sweep",
    "spec_from_data",
    "to_xarray",
]
