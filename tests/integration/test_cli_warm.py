"""``collsec warm``: compile the compiled engine now, in the foreground (issue 14, item 2).

Each branch of the command through typer's ``CliRunner``, without a real
compilation: numba's presence, the readiness check and the compile itself
(:func:`collsec.fast.cache.warm`) are replaced, while the lock logic of
:mod:`collsec.fast.cache` runs for real on a lock file in a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import collsec
from collsec import api, cli, fast
from collsec.fast import cache


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """numba's cache folder (and so the lock file) in a temporary folder."""
    monkeypatch.setattr(cache, "_cache_dir", lambda: tmp_path)
    monkeypatch.setattr(fast, "HAVE_NUMBA", True)
    return tmp_path


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[bool]:
    """The engine is not compiled; each call of the compile records whether the lock was held."""
    calls: list[bool] = []

    def fake_warm() -> None:
        calls.append(cache.warming())

    monkeypatch.setattr(fast, "is_ready", lambda: False)
    monkeypatch.setattr(cache, "warm", fake_warm)
    return calls


def test_without_numba_one_error_line_says_how_to_install(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    monkeypatch.setattr(fast, "HAVE_NUMBA", False)
    monkeypatch.setattr(cache, "warm", lambda: pytest.fail("compiled without numba"))
    res = runner.invoke(cli.app, ["warm"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1, res.stderr
    assert 'pip install "collsec[fast]"' in lines[0]
    assert res.stdout == ""


def test_ready_says_so_and_compiles_nothing(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    monkeypatch.setattr(fast, "is_ready", lambda: True)
    monkeypatch.setattr(cache, "warm", lambda: pytest.fail("compiled an engine that was ready"))
    res = runner.invoke(cli.app, ["warm"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"The compiled engine is ready (cached in {folder})."


def test_not_ready_compiles_once_under_the_lock_and_lets_go(
    runner: CliRunner, compiles: list[bool], folder: Path
) -> None:
    res = runner.invoke(cli.app, ["warm"])
    assert res.exit_code == 0, res.output
    assert compiles == [True]  # once, holding the lock a background start would see
    assert not cache.warming()  # and let go of it
    line = res.stdout.strip()
    assert line.startswith("The compiled engine is ready: compiled in ")
    assert line.endswith(f" s, cached in {folder}.")


def test_a_background_compilation_is_waited_for_not_repeated(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, compiles: list[bool], folder: Path
) -> None:
    lock_path = cache._lock_path()
    assert lock_path is not None
    held = cache._try_lock(lock_path)  # the background process, compiling
    assert held is not None
    polls: list[float] = []

    def background_finishes(seconds: float) -> None:
        assert compiles == []  # nothing compiled here while the other one holds the lock
        polls.append(seconds)
        if len(polls) == 3:
            held.close()

    monkeypatch.setattr(cache.time, "sleep", background_finishes)
    res = runner.invoke(cli.app, ["warm"])
    assert res.exit_code == 0, res.output
    assert len(polls) == 3
    assert compiles == [True]  # then loaded what it cached, under the lock
    assert "waiting for it rather than compiling twice" in res.stderr
    assert "the background compilation finished after" in res.stdout
    assert f"cached in {folder}." in res.stdout


def test_json_after_compiling(runner: CliRunner, compiles: list[bool], folder: Path) -> None:
    res = runner.invoke(cli.app, ["warm", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"engine", "ready", "seconds", "cache"}
    assert (data["engine"], data["ready"], data["cache"]) == ("compiled", True, str(folder))
    assert isinstance(data["seconds"], float)
    assert data["seconds"] >= 0
    assert compiles == [True]


def test_json_when_ready(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setattr(fast, "is_ready", lambda: True)
    monkeypatch.setattr(cache, "warm", lambda: pytest.fail("compiled an engine that was ready"))
    res = runner.invoke(cli.app, ["warm", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert (data["engine"], data["ready"], data["cache"]) == ("compiled", True, str(folder))


def test_in_indonesian(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("COLLSEC_LANG", "id")
    monkeypatch.setattr(fast, "is_ready", lambda: True)
    monkeypatch.setattr(cache, "warm", lambda: pytest.fail("compiled an engine that was ready"))
    res = runner.invoke(cli.app, ["warm"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"Mesin compiled sudah siap (tersimpan di cache {folder})."


def test_the_first_run_note_names_collsec_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    notes: list[str] = []
    started: list[Any] = []
    monkeypatch.setattr(api, "_numba_installed", lambda: True)
    monkeypatch.setattr(fast, "is_ready", lambda: False)
    monkeypatch.setattr(fast, "start_background_warm", lambda: started.append(1) or True)
    r = collsec.simulate("default", replications=1, years=2, seed=1, notify=notes.append)
    assert r.engine == "numpy"
    assert started == [1]
    assert len(notes) == 1
    assert "background" in notes[0]
    assert "`collsec warm`" in notes[0]
