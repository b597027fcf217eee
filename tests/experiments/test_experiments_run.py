"""Sweeps: identical rows on every executor, resumable after SIGKILL, refusal of other sweeps.

STYLE.md: "one worker and many workers agree bit for bit"; issue 5: a sweep
killed half way and resumed gives exactly the rows of an uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from collsec.experiments import (
    InProcessExecutor,
    ProcessExecutor,
    load_results,
    plan,
    run_sweep,
    spec_from_data,
    to_xarray,
)
from collsec.experiments.store import SweepFolderError, chunk_files, read_manifest
from collsec.results import SUMMARY_METRICS

REPO = Path(__file__).resolve().parents[2]
KEY = ["cell", "regime", "replication"]


def test_rows_have_inputs_seeds_and_every_metric(tiny_spec, tmp_path: Path) -> None:
    p = plan(spec_from_data(tiny_spec()))
    report = run_sweep(p, tmp_path / "out")
    assert report.complete
    df = load_results(tmp_path / "out")
    assert len(df) == 4 * 2 * 3
    assert not df.duplicated(KEY).any()
    assert {"obligation", "params_response_free_riding", "cell_seed", *SUMMARY_METRICS} <= set(
        df.columns
    )
    assert read_manifest(tmp_path / "out")["status"] == "complete"


def test_chunking_replications_does_not_change_numbers(tiny_spec, tmp_path: Path) -> None:
    a = run_sweep(plan(spec_from_data(tiny_spec())), tmp_path / "a")
    b = run_sweep(plan(spec_from_data(tiny_spec(chunk={"cells": 3}))), tmp_path / "b")
    assert a.complete
    assert b.complete
    pd.testing.assert_frame_equal(load_results(tmp_path / "a"), load_results(tmp_path / "b"))


def test_same_rows_in_process_in_a_pool_and_on_dask(tiny_spec, tmp_path: Path) -> None:
    p = plan(spec_from_data(tiny_spec()))
    run_sweep(p, tmp_path / "inline", InProcessExecutor())
    run_sweep(p, tmp_path / "pool", ProcessExecutor(2))
    ref = load_results(tmp_path / "inline")
    pd.testing.assert_frame_equal(ref, load_results(tmp_path / "pool"))
    pytest.importorskip("distributed", reason="dask.distributed is not installed")
    from collsec.experiments import DaskExecutor

    with DaskExecutor(workers=2, processes=False) as ex:
        run_sweep(p, tmp_path / "dask", ex)
    pd.testing.assert_frame_equal(ref, load_results(tmp_path / "dask"))


def test_xarray_view_is_the_mean_over_replications(tiny_spec, tmp_path: Path) -> None:
    p = plan(spec_from_data(tiny_spec()))
    run_sweep(p, tmp_path / "out")
    ds = to_xarray(tmp_path / "out")
    assert dict(ds.sizes) == {"obligation": 2, "params_response_free_riding": 2, "regime": 2}
    df = load_results(tmp_path / "out")
    sel = df[(df.obligation == 0.9) & (df.params_response_free_riding == 1.0)]
    sel = sel[sel.regime == "as_specified"]
    got = ds["arms_share"].sel(
        obligation=0.9, params_response_free_riding=1.0, regime="as_specified"
    )
    assert float(got) == pytest.approx(sel["arms_share"].mean(), rel=1e-12)


def test_a_folder_holding_another_sweep_is_refused_untouched(tiny_spec, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(plan(spec_from_data(tiny_spec())), out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    with pytest.raises(SweepFolderError, match="different sweep"):
        run_sweep(plan(spec_from_data(tiny_spec(seed=99))), out, resume=True)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_the_same_sweep_again_needs_resume(tiny_spec, tmp_path: Path) -> None:
    p = plan(spec_from_data(tiny_spec()))
    run_sweep(p, tmp_path / "out")
    with pytest.raises(SweepFolderError, match="--resume"):
        run_sweep(p, tmp_path / "out")


def test_resume_after_sigkill_loses_and_repeats_no_row(tiny_spec, tmp_path: Path) -> None:
    # 16 cells of about a tenth of a second each, one chunk per cell and replication pair.
    data = tiny_spec(
        design={"kind": "grid", "points": 4},
        years=40,
        replications=4,
        chunk={"cells": 1, "replications": 2},
    )
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "collsec",
            "sweep",
            str(spec_file),
            "--out",
            str(out),
            "--executor",
            "inline",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    p = plan(spec_from_data(data))
    deadline = time.monotonic() + 60
    try:
        while len(chunk_files(out)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    kept = len(chunk_files(out))
    assert 3 <= kept < len(p.chunks), "the sweep finished before it could be killed"
    report = run_sweep(p, out, resume=True)
    assert report.complete
    assert report.chunks_before == kept
    assert report.chunks_run == len(p.chunks) - kept
    run_sweep(p, tmp_path / "whole")
    resumed = load_results(out)
    assert not resumed.duplicated(KEY).any()
    pd.testing.assert_frame_equal(resumed, load_results(tmp_path / "whole"))
    assert read_manifest(out)["cells_done"] == len(p.cells)
