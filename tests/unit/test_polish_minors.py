"""Small wording fixes: a missing scenario file, one replication, the data group's help."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from collsec.cli import app
from collsec.errors import ScenarioError, UnknownNameError
from collsec.scenario import load_scenario


@pytest.mark.parametrize("name", ["/tmp/nowhere/missing.yaml", "missing.toml", "sub/x"])
def test_a_missing_path_is_a_file_not_found(name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(name)
    assert not isinstance(info.value, UnknownNameError)
    assert info.value.render() == f"{name}: file not found"


def test_an_unknown_bare_name_lists_the_bundled_ones() -> None:
    with pytest.raises(UnknownNameError, match=r"not one of .*default"):
        load_scenario("nosuch")


def test_one_replication_is_singular(tmp_path: Path) -> None:
    args = ["run", "default", "--reps", "1", "--years", "2", "--engine", "numpy", "--no-plots"]
    shown = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o")], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "1 replication × 2 years" in shown.output
    assert "1 replications" not in shown.output


def test_the_data_group_names_every_source() -> None:
    shown = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert "COW, ICB, UNGA, TIES and UNSC" in shown.output


def test_a_scenario_without_arrangement_says_it_runs_self_help(tmp_path: Path) -> None:
    empty = tmp_path / "e.json"
    empty.write_text("{}", encoding="utf-8")
    args = ["run", str(empty), "--reps", "1", "--years", "2", "--engine", "numpy", "--no-plots"]
    shown = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o")], terminal_width=300)
    assert shown.exit_code == 0, shown.output
    assert "unnamed has no arrangement" in shown.output
    assert "(self-help)" in shown.output
    bundled = ["run", "default", "--reps", "1", "--years", "2", "--engine", "numpy", "--no-plots"]
    shown = CliRunner().invoke(app, [*bundled, "--out", str(tmp_path / "d")], terminal_width=300)
    assert "no arrangement" not in shown.output
