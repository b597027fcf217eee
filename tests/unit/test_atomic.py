"""Crash-safe writing (issue 13, item 7): atomic files and whole-folder swaps.

A kill is simulated by what it leaves behind (a staging folder or temporary
file of a process that no longer runs, a folder marked incomplete); Ctrl-C by
``KeyboardInterrupt`` raised inside the writer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from collsec import atomic
from collsec.atomic import INCOMPLETE, TEMP_SUFFIX, replace_into, staged_folder, write_text
from collsec.cli import is_collsec_folder, prepare_output


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if TEMP_SUFFIX in p.name)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    write_text(target, "old")

    def torn(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_into(target, torn)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_write_text_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "x.json"
    write_text(target, json.dumps({"n": 1}))
    write_text(target, json.dumps({"n": 2}))
    assert json.loads(target.read_text(encoding="utf-8")) == {"n": 2}
    assert _leftovers(tmp_path) == []


def test_a_temporary_of_a_killed_writer_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / f".x.parquet.{_dead_pid()}-abcd{TEMP_SUFFIX}"
    stale.write_bytes(b"PAR1 torn")
    assert atomic.remove_temporaries(tmp_path) == [stale]
    assert not stale.exists()


def test_the_folder_is_swapped_whole_stale_files_go_user_files_stay(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_folder(out, owned={"a.txt", "b.txt", "scenario.yaml"}) as stage:
        write_text(stage / "a.txt", "run 1")
        write_text(stage / "b.txt", "run 1")
        write_text(stage / "scenario.yaml", "seed: 1")
    (out / "notes.md").write_text("mine", encoding="utf-8")
    with staged_folder(out, owned={"a.txt", "b.txt", "scenario.yaml"}) as stage:
        write_text(stage / "a.txt", "run 2")
        write_text(stage / "scenario.yaml", "seed: 2")
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "notes.md", "scenario.yaml"]
    assert (out / "a.txt").read_text(encoding="utf-8") == "run 2"
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"
    assert _leftovers(tmp_path) == []


def test_an_interrupted_writer_leaves_the_old_folder_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_folder(out, owned={"a.txt"}) as stage:
        write_text(stage / "a.txt", "old")

    def interrupted() -> None:
        with staged_folder(out, owned={"a.txt"}) as stage:
            write_text(stage / "a.txt", "new")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert (out / "a.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_staging_folder_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    killed = tmp_path / f".out.collsec-stage-{_dead_pid()}-beef{TEMP_SUFFIX}"
    killed.mkdir()
    (killed / "a.txt").write_text("torn", encoding="utf-8")
    with staged_folder(out, owned={"a.txt"}) as stage:
        write_text(stage / "a.txt", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "a.txt").read_text(encoding="utf-8") == "whole"


def test_without_an_atomic_exchange_the_folder_is_marked_until_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_EXCHANGE", None)
    out = tmp_path / "out"
    out.mkdir()
    (out / "scenario.yaml").write_text("seed: 1", encoding="utf-8")
    (out / "old.png").write_text("old plot", encoding="utf-8")
    moves = []
    real_replace = atomic.os.replace

    def crash_on_second_move(src: object, dst: object) -> None:
        # Atomic file writes use os.replace too; count only moves from the stage into out.
        if ".collsec-stage-" in str(src) and Path(str(dst)).parent == out:
            moves.append(dst)
            if len(moves) == 2:
                raise KeyboardInterrupt  # killed half way through the moves
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", crash_on_second_move)
    owned = {"scenario.yaml", "old.png", "a.txt"}

    def write_run() -> None:
        with staged_folder(out, owned=owned) as stage:
            write_text(stage / "a.txt", "new")
            write_text(stage / "scenario.yaml", "seed: 2")

    with pytest.raises(KeyboardInterrupt):
        write_run()
    assert (out / INCOMPLETE).is_file(), "a half-moved folder must say it is incomplete"
    assert is_collsec_folder(out)
    assert prepare_output(out, "x") == out  # a rerun accepts it
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    write_run()
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "scenario.yaml"]
    assert (out / "scenario.yaml").read_text(encoding="utf-8") == "seed: 2"


def test_the_working_folder_is_filled_in_place_not_swapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "here"
    out.mkdir()
    write_text(out / "a.txt", "old")
    monkeypatch.chdir(out)
    inode = out.stat().st_ino
    with staged_folder(Path("."), owned={"a.txt"}) as stage:
        write_text(stage / "a.txt", "new")
    assert out.stat().st_ino == inode, "the working folder was swapped away"
    assert (out / "a.txt").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"]
    assert not (out / INCOMPLETE).exists()


def test_ctrl_c_while_run_writes_keeps_the_old_run_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from collsec.cli import app
    from collsec.results import Comparison

    out = tmp_path / "out"
    args = ["run", "default", "--reps", "1", "--years", "3", "--no-plots", "--out", str(out)]
    assert CliRunner().invoke(app, [*args, "--seed", "1"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_write = Comparison.write

    def write_then_ctrl_c(self: Comparison, folder: Path) -> list[Path]:
        real_write(self, folder)  # every file of the new run written, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(Comparison, "write", write_then_ctrl_c)
    res = CliRunner().invoke(app, [*args, "--seed", "2"])
    assert res.exit_code == 130, res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
