"""Kill ``run``, ``compare``, ``validate`` and ``sweep`` at random moments (issue 13, delivery 2).

Each command is started again and again on one ``--out`` folder with a new
seed and killed with SIGKILL after a random delay (a seeded NumPy Generator
draws it, as a share of the command's own uninterrupted time). After every
kill the folder must hold the previous complete output (byte for byte), the
new complete output (byte for byte the same as a rerun with the kill's seed
gives), or be marked incomplete (:data:`collsec.atomic.INCOMPLETE`); every
file in it must open (Parquet reads, JSON and YAML parse, PNG loads); and the
rerun must succeed and leave no temporary file or staging folder behind. A
few runs are stopped with SIGINT instead (Ctrl-C): those must leave no
temporary file at all, at once.

A sweep is resumable rather than swapped: after each kill its manifest must
parse, every chunk must pass the chunk check, and ``--resume`` must go on; at
the end its rows must equal an in-process run of the same spec.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from matplotlib import image
from typer.testing import CliRunner

from collsec.atomic import INCOMPLETE, TEMP_SUFFIX
from collsec.cli import app
from collsec.experiments import InProcessExecutor, load_results, plan, run_sweep, spec_from_data
from collsec.experiments.store import MANIFEST, Expect, check_chunk, chunk_files

REPO = Path(__file__).resolve().parents[2]
COW = Path(os.environ.get("COLLSEC_DATA_DIR") or REPO.parent / "shared" / "data" / "cow")
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MPLBACKEND": "Agg"}

KILLS = {"run": 10, "compare": 10, "validate": 6, "sweep": 10}
"""SIGKILLs per command: 36 in all, 30 without the COW data."""
INTERRUPTS = (3, 7)
"""A SIGINT (Ctrl-C) instead of the next SIGKILL once this many kills are done."""

COMMANDS: dict[str, list[str]] = {
    "run": ["run", "default", "--reps", "2", "--years", "12"],
    "compare": ["compare", "default", "--reps", "2", "--years", "8"],
    "validate": ["validate", "--reps", "1", "--data-dir", str(COW)],
}


def _cli(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "collsec", *args],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _finish(proc: subprocess.Popen[bytes], timeout: float = 300) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=timeout)
    return proc.returncode, err.decode(errors="replace")


def _leftovers(out: Path) -> list[str]:
    """Temporary files and staging folders of ``out`` (inside it and beside it)."""
    near = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    inside = list(out.rglob("*")) if out.is_dir() else []
    return sorted(str(p) for p in near + inside if TEMP_SUFFIX in p.name)


def _opens(path: Path) -> None:
    """Fail unless ``path`` opens as what its name says."""
    try:
        _open(path)
    except Exception as err:  # any failure to open is the finding
        raise AssertionError(f"{path} does not open: {err!r}") from err


def _open(path: Path) -> None:
    if path.suffix == ".parquet":
        pq.read_table(path, page_checksum_verification=True)
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".yaml":
        yaml.safe_load(path.read_text(encoding="utf-8"))
    elif path.suffix == ".png":
        image.imread(path)
    else:
        raise AssertionError(f"unexpected file {path}")


def _fingerprint(out: Path) -> dict[str, str] | None:
    """Name to SHA-256 of every output file, after checking each opens; None if incomplete."""
    files = [p for p in out.iterdir() if TEMP_SUFFIX not in p.name] if out.is_dir() else []
    for p in files:
        if p.name != INCOMPLETE:
            _opens(p)
    if (out / INCOMPLETE).is_file():
        return None
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _kill_loop(
    name: str, args: list[str], tmp_path: Path, rng: np.random.Generator
) -> tuple[int, int]:
    """Kill ``args`` on one folder until :data:`KILLS` ``[name]``; return (kills, interrupts)."""
    out = tmp_path / name
    # Two uninterrupted runs, timed: the first of a process tree can be much
    # slower than the rest (numba's cache and the imports read from a cold
    # disk), and kills timed from it would land after most later runs end.
    full = float("inf")
    for _ in range(2):
        t0 = time.monotonic()
        rc, err = _finish(_cli([*args, "--seed", "1", "--out", str(out)]))
        full = min(full, time.monotonic() - t0)
        assert rc == 0, err
    old = _fingerprint(out)
    assert old, "an uninterrupted run left no complete output"
    kills = interrupts = 0
    seed = 1
    while kills < KILLS[name] or interrupts < len(INTERRUPTS):
        seed += 1
        assert seed < 4 * KILLS[name], f"{name} finished before most kills: delays too long"
        ctrl_c = interrupts < len(INTERRUPTS) and kills >= INTERRUPTS[interrupts]
        sig = signal.SIGINT if ctrl_c else signal.SIGKILL
        proc = _cli([*args, "--seed", str(seed), "--out", str(out)])
        time.sleep(float(rng.uniform(0.45, 1.0)) * full)  # mostly in the simulation or writing
        if proc.poll() is not None:  # finished first: no kill, but a rerun that worked
            rc, err = _finish(proc)
            assert rc == 0, err
            old = _fingerprint(out)
            continue
        proc.send_signal(sig)
        rc, err = _finish(proc)
        state = _fingerprint(out)
        if sig == signal.SIGINT:
            assert _leftovers(out) == [], f"Ctrl-C left temporary files ({name}, seed {seed})"
            interrupts += 1
        # The rerun runs in this process (the same command code, without a
        # second interpreter start): it must accept the folder and finish.
        res = CliRunner().invoke(app, [*args, "--seed", str(seed), "--out", str(out)])
        assert res.exit_code == 0, f"the rerun after a kill failed ({name}, seed {seed}): {res}"
        new = _fingerprint(out)
        assert new, "a rerun left the folder marked incomplete"
        assert state in (old, new, None), f"{name}, seed {seed}: the folder mixes two runs"
        assert _leftovers(out) == [], f"a rerun left temporary files ({name}, seed {seed})"
        if sig == signal.SIGKILL:
            kills += 1
        old = new
    return kills, interrupts


@pytest.mark.slow
@pytest.mark.parametrize("name", ["run", "compare", "validate"])
def test_kills_leave_old_new_or_incomplete_output(
    name: str, tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    if name == "validate" and not (COW / "Inter-StateWarData_v4.0.csv").is_file():
        pytest.skip(f"validate needs the COW data: none at {COW} (set COLLSEC_DATA_DIR)")
    rng = np.random.default_rng([13, list(KILLS).index(name)])
    kills, interrupts = _kill_loop(name, COMMANDS[name], tmp_path, rng)
    tally("kills survived", kills)
    tally("Ctrl-C interrupts cleaned", interrupts)


SWEEP = {
    "name": "kills",
    "design": {"kind": "grid", "points": 6},
    "replications": 2,
    "years": 60,
    "seed": 7,
    "chunk": {"cells": 1, "replications": 1},
}
"""Changes to the tiny sweep: 36 cells x 2 regimes x 2 replications = 144 rows in 72 chunks."""


def _check_sweep(out: Path, expect: Expect) -> None:
    json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for index, (_h, path) in chunk_files(out).items():
        check_chunk(path, index, expect)


@pytest.mark.slow
def test_sweep_kills_lose_and_repeat_nothing(
    tiny_spec: Callable[..., dict[str, Any]], tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    data = tiny_spec(**SWEEP)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    p = plan(spec_from_data(data))
    expect = Expect.of_plan(p)
    rng = np.random.default_rng([13, list(KILLS).index("sweep")])
    out = tmp_path / "sweep"
    args = ["sweep", str(spec), "--out", str(out), "--executor", "inline", "--resume"]
    kills = rounds = 0
    while kills < KILLS["sweep"]:
        before = (out / MANIFEST).stat().st_mtime_ns if (out / MANIFEST).exists() else 0
        proc = _cli(args)

        def accepted(before: int = before) -> bool:
            m = out / MANIFEST
            return m.exists() and m.stat().st_mtime_ns != before

        deadline = time.monotonic() + 120
        while not accepted() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the folder was accepted once the manifest is rewritten
        time.sleep(float(rng.uniform(0.0, 0.8)))
        if proc.poll() is not None:  # the sweep finished: check it and start another
            rc, err = _finish(proc)
            assert rc == 0, err
            pd.testing.assert_frame_equal(load_results(out), _reference(p, tmp_path))
            shutil.rmtree(out)
            rounds += 1
            continue
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _check_sweep(out, expect)
        kills += 1
    rc, err = _finish(_cli(args))
    assert rc == 0, err
    rows = load_results(out)
    assert not rows.duplicated(["cell", "regime", "replication"]).any()
    pd.testing.assert_frame_equal(rows, _reference(p, tmp_path))
    assert _leftovers(out) == []
    assert not list((out / "chunks").glob(f"*{TEMP_SUFFIX}"))
    tally("kills survived", kills)
    tally("sweep rows checked after kills", len(rows) * (rounds + 1))


_REF: dict[str, pd.DataFrame] = {}


def _reference(p: object, tmp_path: Path) -> pd.DataFrame:
    if "rows" not in _REF:
        ref = tmp_path / "reference"
        run_sweep(p, ref, InProcessExecutor())  # type: ignore[arg-type]
        _REF["rows"] = load_results(ref)
    return _REF["rows"]
