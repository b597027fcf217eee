"""Hostile but realistic input on every command: one ``error:`` line, exit 2, no traceback.

Issue 13, items 1, 2, 4, 5, 8, 9 and 11: each test below failed (a traceback,
or a wrong input accepted with exit 0) before the fix it names.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collsec import cli
from collsec.errors import CollsecError, ScenarioError
from collsec.scenario import load_scenario, scenario_from_data
from collsec.textformats import MAX_DEPTH, check_shape, parse_structured

DEEP = 5000


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLLSEC_LANG": "en", "COLUMNS": "200"})


def refused(res: object, *words: str) -> None:
    """Exit 2, one ``error:`` line naming every word, and no traceback anywhere."""
    code = res.exit_code
    out = res.output
    assert code == 2, out
    assert "Traceback" not in out
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    err = res.stderr
    assert err.startswith("error:"), err
    for w in words:
        assert w in err, (w, err)


# --------------------------------------------------------------------------- item 1


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".yaml", "a: " + "[" * DEEP + "]" * DEEP + "\n"),
        (".yaml", "".join(" " * k + "k:\n" for k in range(DEEP)) + " " * DEEP + "k: 1\n"),
        (".json", "[" * DEEP + "]" * DEEP),
        (".json", '{"a":' * DEEP + "1" + "}" * DEEP),
        (".toml", "a = " + "[" * DEEP + "]" * DEEP + "\n"),
        (".toml", "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n"),
    ],
)
def test_a_deeply_nested_file_is_refused_cleanly(
    runner: CliRunner, tmp_path: Path, suffix: str, text: str
) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    refused(runner.invoke(cli.app, ["scenario", "validate", str(path)]), "deep.", "nested")
    refused(runner.invoke(cli.app, ["run", str(path)]), "nested")


def test_nesting_at_the_bound_passes_the_shape_check_and_one_more_level_does_not() -> None:
    ok: object = 1
    for _ in range(MAX_DEPTH):
        ok = [ok]
    assert check_shape(ok, "x") is ok
    with pytest.raises(CollsecError, match="nested more than"):
        check_shape([ok], "x")


def test_a_yaml_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for k in range(1, 9):
        ref = ", ".join([f"*a{k - 1}"] * 10)
        lines.append(f"a{k}: &a{k} [{ref}]")
    with pytest.raises(ScenarioError, match="more than"):
        parse_structured("\n".join(lines), ".yaml", "bomb.yaml", ScenarioError)


def test_a_huge_integer_literal_is_a_clean_error() -> None:
    with pytest.raises(ScenarioError, match="not valid YAML"):
        parse_structured("horizon: " + "9" * 5000, ".yaml", "big.yaml", ScenarioError)


# --------------------------------------------------------------------------- item 2


@pytest.mark.parametrize(
    ("command", "option", "value", "bound"),
    [
        ("run", "--reps", "10000001", "10000000"),
        ("run", "--years", "100001", "100000"),
        ("compare", "--reps", "10000001", "10000000"),
        ("compare", "--years", "100001", "100000"),
    ],
)
def test_a_run_setting_beyond_the_schema_names_the_option_and_the_bound(
    runner: CliRunner, command: str, option: str, value: str, bound: str
) -> None:
    args = [command, "default", option, value]
    if command == "run":
        args.append("--no-plots")
    refused(runner.invoke(cli.app, args), option, bound)


def test_validate_and_case_bound_their_counts(runner: CliRunner) -> None:
    refused(runner.invoke(cli.app, ["validate", "--reps", "100000000"]), "--reps", "10000")
    refused(runner.invoke(cli.app, ["validate", "--reps", "1", "--seed", "-4"]), "--seed")
    args = ["case", "--org", "un", "--year", "1950", "--aggressor", "731", "--victim", "732"]
    refused(runner.invoke(cli.app, [*args, "--draws", "1000000000"]), "--draws", "100000")


# --------------------------------------------------------------------------- item 8, 11


def test_an_empty_toml_file_is_refused_as_an_empty_yaml_file_is(
    runner: CliRunner, tmp_path: Path
) -> None:
    for name in ("empty.toml", "empty.yaml", "comments.toml"):
        path = tmp_path / name
        path.write_text("# nothing\n" if name.startswith("comments") else "", encoding="utf-8")
        refused(runner.invoke(cli.app, ["scenario", "validate", str(path)]), name, "empty")


@pytest.mark.parametrize(
    ("yaml_text", "field", "reason"),
    [
        ("params:\n  aggression:\n    opportunity: .nan\n", "opportunity", "NaN is not a number"),
        ("params:\n  war:\n    loss_rate: .inf\n", "loss_rate", "not a finite number"),
        ("world:\n  kind: generated\n  n_states: true\n", "n_states", "not a whole number"),
        ("horizon: false\n", "horizon", "not a whole number"),
        ("params:\n  growth:\n    mean: true\n", "mean", "boolean (true/false) is not a number"),
    ],
)
def test_nan_infinity_and_booleans_are_not_numbers(
    runner: CliRunner, tmp_path: Path, yaml_text: str, field: str, reason: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    res = runner.invoke(cli.app, ["scenario", "validate", str(path)])
    refused(res, field, reason)
    assert "should be" not in res.stderr  # not a misleading bound


def test_booleans_are_refused_inside_number_lists_but_switches_still_take_them() -> None:
    states = [
        {"code": "A", "capability": 1.0, "interests": [True, 0.0]},
        {"code": "B", "capability": 1.0, "interests": [0.0, 0.0]},
    ]
    data = {"world": {"kind": "explicit", "states": states, "edges": [["A", "B"]]}}
    with pytest.raises(ScenarioError, match="interests: a boolean"):
        scenario_from_data(data)
    sc = scenario_from_data({"params": {"response": {"find_when_needed": True}}})
    assert sc.params.response.find_when_needed is True
    assert math.isclose(load_scenario("default").params.growth.mean, 0.01)


# --------------------------------------------------------------------------- items 5, 9


def test_run_and_compare_refuse_an_unwritable_out_before_simulating(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_simulation(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before checking the output folder")

    monkeypatch.setattr(cli, "api_simulate", no_simulation)
    monkeypatch.setattr(cli, "api_compare", no_simulation)
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for command in ("run", "compare"):
        for out in (afile / "sub", afile / "sub" / "deeper"):
            res = runner.invoke(cli.app, [command, "default", "--reps", "2", "--out", str(out)])
            refused(res, "cannot write", "afile")


def test_check_writable_leaves_nothing_behind(tmp_path: Path) -> None:
    cli.check_writable(tmp_path / "new" / "folder")
    assert list(tmp_path.iterdir()) == []


def test_validate_out_is_checked_as_run_and_compare_check_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.md").write_text("precious", encoding="utf-8")
    refused(runner.invoke(cli.app, ["validate", "--out", str(afile)]), "not a folder")
    refused(runner.invoke(cli.app, ["validate", "--out", str(afile / "sub")]), "cannot write")
    refused(runner.invoke(cli.app, ["validate", "--out", str(mine)]), "not written by collsec")
    assert (mine / "chapter1.md").read_text(encoding="utf-8") == "precious"


# --------------------------------------------------------------------------- item 11: data status


def test_data_status_exits_2_for_a_missing_folder_or_corrupt_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "cache"))  # no download cache
    refused(
        runner.invoke(cli.app, ["data", "status", "--data-dir", str(tmp_path / "nope")]),
        "no such folder",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    for extra in ([], ["--json"]):
        res = runner.invoke(cli.app, ["data", "status", "--data-dir", str(empty), *extra])
        refused(res, "not usable", "missing")


# --------------------------------------------------------------------------- sweeps


def test_a_sweep_too_large_to_list_is_refused_before_any_cell_is_built(
    runner: CliRunner, tmp_path: Path
) -> None:
    spec = tmp_path / "huge.yaml"
    text = (Path(cli.__file__).parent / "experiments" / "examples" / "sweep.yaml").read_text()
    spec.write_text(text.replace("points: 3", "points: 10000"), encoding="utf-8")
    res = runner.invoke(cli.app, ["sweep", str(spec), "--out", str(tmp_path / "out")])
    refused(res, "design.points", "cells")
    chunky = tmp_path / "chunky.yaml"
    chunky.write_text(
        text.replace("replications: 20", "replications: 10000000").replace(
            "  cells: 1", "  cells: 1\n  replications: 1"
        ),
        encoding="utf-8",
    )
    res = runner.invoke(cli.app, ["sweep", str(chunky), "--out", str(tmp_path / "out2")])
    refused(res, "chunk", "chunks")


def test_the_real_entry_point_refuses_a_run_beyond_the_machine_at_once(tmp_path: Path) -> None:
    """``python -m collsec``: 10^7 replications x 10^5 years end in one line, exit 2."""
    src = Path(cli.__file__).resolve().parents[1]
    env = {**os.environ, "COLLSEC_LANG": "en", "PYTHONPATH": str(src)}
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "collsec",
            "run",
            "default",
            "--reps",
            "10000000",
            "--years",
            "100000",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("error: 10000000 replications x 100000 years")
    assert "--force" in res.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("capability", [1e-300, 1e300, 0.0])
def test_a_capability_float64_cannot_carry_is_refused(capability: float) -> None:
    states = [{"code": "A", "capability": capability}, {"code": "B", "capability": 1.0}]
    data = {"world": {"kind": "explicit", "states": states, "edges": [["A", "B"]]}}
    with pytest.raises(ScenarioError, match=r"world.states\[0\].capability"):
        scenario_from_data(data)
