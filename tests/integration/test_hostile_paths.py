"""Hostile paths and queries found by the QA walkthrough (issue 13): exit 2, a named reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from collsec.cli import app


def _refused(args: list[str], *words: str) -> str:
    res = CliRunner().invoke(app, args)
    text = res.output + (res.stderr or "")
    assert res.exit_code == 2, text
    assert "Traceback" not in text
    for w in words:
        assert w in text, text
    return text


def test_data_fetch_into_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("mine", encoding="utf-8")
    _refused(["data", "fetch", "--dest", str(blocker / "sub")], "cannot write the downloads")
    _refused(["data", "fetch", "--dest", str(blocker)], "cannot write the downloads")
    assert blocker.read_text(encoding="utf-8") == "mine"


def _spec(tmp_path: Path, tiny_spec: Any) -> Path:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec()), encoding="utf-8")
    return spec


def test_sweep_into_a_folder_that_cannot_be_made(tmp_path: Path, tiny_spec: Any) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("mine", encoding="utf-8")
    _refused(
        ["sweep", str(_spec(tmp_path, tiny_spec)), "--out", str(blocker / "sub")],
        "cannot write the sweep",
    )


@pytest.mark.parametrize("sql", ["", " ; ", "SET threads = 1"])
def test_query_that_is_empty_or_returns_no_table(tmp_path: Path, tiny_spec: Any, sql: str) -> None:
    out = tmp_path / "sweep"
    res = CliRunner().invoke(app, ["sweep", str(_spec(tmp_path, tiny_spec)), "--out", str(out)])
    assert res.exit_code == 0, res.output
    _refused(["query", str(out), sql], "SQL")
