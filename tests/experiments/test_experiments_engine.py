"""The engine of a sweep's cells: ``collsec sweep --engine``, ``run_sweep(engine=...)``.

Issue 14 (item 5): a sweep can be told which engine to run, as ``collsec run
--engine``; the choice is validated before anything is written, settled once
for the whole sweep, and recorded in the manifest and the chunk files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from collsec import api
from collsec.cli import app
from collsec.errors import CollsecError
from collsec.experiments import load_results, plan, run_sweep, spec_from_data
from collsec.experiments import sweep as sweep_module
from collsec.experiments.store import ENGINE_KEY, chunk_files, read_manifest


def _two_cells(tiny_spec: Any) -> dict[str, Any]:
    """2 cells x 1 regime x 2 replications over 12 years."""
    return tiny_spec(
        parameters=[{"path": "params.response.free_riding", "low": 0.0, "high": 1.0}],
        regimes=["as_specified"],
        replications=2,
        chunk={"cells": 1},
    )


def _spy(monkeypatch: pytest.MonkeyPatch, engine: str | None = None) -> list[str]:
    """Record the engine each cell is asked for; optionally report another one as run."""
    asked: list[str] = []
    real = sweep_module.simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["engine"])
        res = real(*args, **kwargs)
        return res if engine is None else dataclasses.replace(res, engine=engine)

    monkeypatch.setattr(sweep_module, "simulate", spy)
    return asked


def test_sweep_with_engine_numpy_runs_and_records_it(
    tiny_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_two_cells(tiny_spec)), encoding="utf-8")
    out = tmp_path / "out"
    asked = _spy(monkeypatch)
    res = CliRunner().invoke(
        app, ["sweep", str(spec), "--out", str(out), "--executor", "inline", "--engine", "numpy"]
    )
    assert res.exit_code == 0, res.output
    assert asked == ["numpy", "numpy"]
    manifest = read_manifest(out)
    assert manifest is not None
    assert (manifest["engine"], manifest["engines"]) == ("numpy", ["numpy"])
    for _h, path in chunk_files(out).values():
        assert (pq.read_schema(path).metadata or {})[ENGINE_KEY] == b"numpy"
    rows = load_results(out)
    assert sorted(rows["cell"].unique()) == [0, 1]
    assert len(rows) == 4


def test_bad_engine_exits_2_naming_the_field(tiny_spec: Any, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_two_cells(tiny_spec)), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["sweep", str(spec), "--out", str(out), "--executor", "inline", "--engine", "fast"]
    )
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("error: engine: ")
    assert "'fast'" in res.stderr
    assert not out.exists()


def test_run_sweep_refuses_a_bad_engine_before_writing(tiny_spec: Any, tmp_path: Path) -> None:
    p = plan(spec_from_data(_two_cells(tiny_spec)))
    with pytest.raises(CollsecError, match="not 'fast'") as err:
        run_sweep(p, tmp_path / "out", engine="fast")
    assert err.value.field == "engine"
    assert not (tmp_path / "out").exists()


def test_auto_runs_the_whole_sweep_on_numpy_while_compiling(
    tiny_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cells do not switch engine when a background compilation ends half-way."""
    monkeypatch.setattr(api, "_auto_waits", lambda notify: True)
    asked = _spy(monkeypatch)
    report = run_sweep(plan(spec_from_data(_two_cells(tiny_spec))), tmp_path / "out")
    assert asked == ["numpy", "numpy"]
    assert (report.engine, report.engines) == ("numpy", {"numpy"})
    manifest = read_manifest(tmp_path / "out")
    assert manifest is not None
    assert (manifest["engine"], manifest["engines"]) == ("auto", ["numpy"])


def test_resume_on_another_engine_records_both(
    tiny_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = plan(spec_from_data(_two_cells(tiny_spec)))
    out = tmp_path / "out"
    run_sweep(p, out, engine="numpy")
    chunk_files(out)[1][1].unlink()
    _spy(monkeypatch, engine="compiled")  # the chunk run again reports the other engine
    report = run_sweep(p, out, engine="numpy", resume=True)
    assert report.chunks_run == 1
    manifest = read_manifest(out)
    assert manifest is not None
    assert manifest["engines"] == ["compiled", "numpy"]
    assert (pq.read_schema(chunk_files(out)[1][1]).metadata or {})[ENGINE_KEY] == b"compiled"
