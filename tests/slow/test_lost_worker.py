"""A real Dask cluster loses a worker mid-sweep; the sweep still gives every row once.

Issue 13, delivery 3: a scheduler and two worker processes on 127.0.0.1
(``distributed``'s own command-line entry points, no nanny, so a killed worker
stays dead), ``collsec sweep --scheduler``, SIGKILL to the worker that is
running tasks once some chunks are on disk. The sweep must finish (Dask runs
the lost tasks again on the other worker) with rows identical to an in-process
run of the same spec: none lost, none duplicated.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from collsec.experiments import InProcessExecutor, load_results, plan, run_sweep, spec_from_data
from collsec.experiments.store import chunk_files

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[2]
KEY = ["cell", "regime", "replication"]

GRID_POINTS, REPLICATIONS, YEARS = 5, 4, 60
"""The tiny sweep made longer: 25 cells x 2 regimes x 4 replications = 200 rows in 50 chunks."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def cluster() -> Iterator[tuple[str, dict[str, subprocess.Popen[bytes]]]]:
    """A scheduler and two nanny-less workers, named w0 and w1; all stopped afterwards."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MPLBACKEND": "Agg"}
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    workers: dict[str, subprocess.Popen[bytes]] = {}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                 "--port", str(port), "--no-dashboard", "--no-show"],
                env=env, **quiet,
            )
        )  # fmt: skip
        _wait_for(lambda: _port_open(port), 60, "the scheduler's port")
        for name in ("w0", "w1"):
            workers[name] = subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--no-nanny",
                 "--nthreads", "1", "--host", "127.0.0.1", "--name", name, "--no-dashboard"],
                env=env, **quiet,
            )  # fmt: skip
            procs.append(workers[name])
        with distributed.Client(address, timeout="30s") as client:
            _wait_for(
                lambda: len(client.scheduler_info()["workers"]) == 2, 120, "two workers to register"
            )
        yield address, workers
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=30)


@pytest.mark.slow
def test_a_sweep_survives_a_lost_worker(cluster, tiny_spec, tmp_path: Path, tally) -> None:
    address, workers = cluster
    grid = {"kind": "grid", "points": GRID_POINTS}
    data = tiny_spec(name="lost-worker", design=grid, replications=REPLICATIONS, years=YEARS)
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    p = plan(spec_from_data(data))
    out = tmp_path / "cluster"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    sweep = subprocess.Popen(
        [sys.executable, "-m", "collsec", "sweep", str(spec_file), "--out", str(out),
         "--scheduler", address],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(
            lambda: len(chunk_files(out)) >= 3 or sweep.poll() is not None,
            300,
            "three chunks on disk",
        )
        with distributed.Client(address, timeout="30s") as client:
            names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
            busy = client.processing()
            victim = max(names, key=lambda a: len(busy.get(a, ())))
            in_flight = len(busy.get(victim, ()))
            done_at_kill = len(chunk_files(out))
            workers[names[victim]].send_signal(signal.SIGKILL)
        assert sweep.poll() is None, "the sweep finished before a worker could be lost"
        assert in_flight >= 1, "the killed worker held no task: nothing was lost"
        assert done_at_kill < len(p.chunks)
        output, _ = sweep.communicate(timeout=600)
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    assert sweep.returncode == 0, output.decode(errors="replace")
    assert workers[names[victim]].wait(timeout=30) == -signal.SIGKILL

    rows = load_results(out)
    reference = tmp_path / "inline"
    run_sweep(p, reference, InProcessExecutor())
    expected = load_results(reference)
    assert not rows.duplicated(KEY).any()
    assert len(rows) == len(p.cells) * len(p.spec.regimes) * p.replications
    pd.testing.assert_frame_equal(rows, expected)
    print(f"killed {names[victim]} with {in_flight} task(s) in flight, {done_at_kill} chunks done")
    tally("rows checked after a lost worker", len(rows))
