"""The ``collsec`` command line, through the real entry point (``python -m collsec``).

Covers issue 2, item 5 and its bad-input section: the JSON of ``compare`` (C10:
the four regimes side by side), the scenario round trip, the output folder,
and every kind of bad input giving one ``error:`` line, exit code 2 and no
traceback. Fast checks use typer's ``CliRunner`` on :data:`collsec.cli.app`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from collsec import __version__, cli
from collsec.plots import PLOT_FILES
from collsec.scenario import REGIMES, parameter_table

SRC = Path(cli.__file__).resolve().parents[1]
REQUIRED_METRICS = (
    "war_rate",
    "deterred_rate",
    "reversed_share",
    "state_deaths",
    "weak_survival",
    "arms_share",
    "designation_rate",
    "participation_rate",
)
SMALL = ("--reps", "4", "--years", "20")


def collsec(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m collsec ARGS`` in ``cwd``, in English, and capture its output."""
    env = {**os.environ, "COLLSEC_LANG": "en", "COLUMNS": "120"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "collsec", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_user_error(proc: Any, *needles: str) -> None:
    """Exit 2, one ``error:`` line on stderr naming every needle, no traceback."""
    stderr = proc.stderr
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = [ln for ln in stderr.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_LANG", "en")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture(scope="module")
def compare_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    """One small ``compare --json`` run through the real entry point."""
    cwd = tmp_path_factory.mktemp("compare")
    out = cwd / "results"
    proc = collsec("compare", *SMALL, "--seed", "5", "--json", "--out", str(out), cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), out, proc.stderr


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# ---------------------------------------------------------------- compare and run


def test_compare_json_is_one_object_with_every_regime_and_metric(
    compare_json: tuple[dict[str, Any], Path, str],
) -> None:
    data, _out, _err = compare_json
    assert {"scenario", "replications", "years", "seed", "regimes"} <= set(data)
    assert (data["replications"], data["years"], data["seed"]) == (4, 20, 5)
    assert list(data["regimes"]) == list(REGIMES)
    for regime in REGIMES:
        for metric in REQUIRED_METRICS:
            assert set(data["regimes"][regime][metric]) == {"mean", "low", "high"}


def test_compare_progress_and_messages_go_to_stderr(
    compare_json: tuple[dict[str, Any], Path, str],
) -> None:
    _data, out, stderr = compare_json
    assert str(out) in stderr


def test_output_folder_holds_tables_scenario_and_plots(
    compare_json: tuple[dict[str, Any], Path, str],
) -> None:
    _data, out, _err = compare_json
    names = {p.name for p in out.iterdir()}
    assert {"replications.parquet", "yearly.parquet", "summary.parquet", "scenario.yaml"} <= names
    assert set(PLOT_FILES.values()) <= names
    for name in PLOT_FILES.values():
        assert (out / name).stat().st_size > 0


def test_scenario_show_round_trips_through_validate_and_run(tmp_path: Path) -> None:
    shown = collsec("scenario", "show", "default", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    file = tmp_path / "mine.yaml"
    file.write_text(shown.stdout, encoding="utf-8")
    checked = CliRunner().invoke(cli.app, ["scenario", "validate", str(file)])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("OK ")
    ran = collsec(
        "run", str(file), "--reps", "2", "--years", "10", "--json", "--no-plots", cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr
    assert list(json.loads(ran.stdout)["regimes"]) == ["as_specified"]


def test_default_output_folder_is_new_and_named(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default folder is relative to the current folder
    args = ["run", "default", "--regime", "self_help", "--reps", "2", "--years", "5", "--no-plots"]
    first = runner.invoke(cli.app, args)
    second = runner.invoke(cli.app, args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    folders = sorted((tmp_path / "collsec-output").iterdir())
    assert len(folders) == 2  # a second run in the same second gets its own folder
    assert all(f.name.startswith("default-") for f in folders)
    assert folders[0].name in first.stderr


def test_compare_table_lists_metrics_and_regimes(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(
        cli.app,
        [
            "compare",
            "--reps",
            "2",
            "--years",
            "5",
            "--regimes",
            "self_help,collective_security",
            "--no-plots",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert res.exit_code == 0, res.output
    for text in ("war_rate", "weak_survival", "self-help", "collective security"):
        assert text in res.stdout


# ---------------------------------------------------------------- bad input


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nparams: [unclosed\nhorizon: 3\n", encoding="utf-8")
    assert_user_error(collsec("run", str(bad), cwd=tmp_path), "broken.yaml:", "YAML")


def test_invalid_field_names_the_file_and_dotted_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("params:\n  aggression:\n    opportunity: 7\n", encoding="utf-8")
    proc = collsec("compare", str(bad), *SMALL, cwd=tmp_path)
    assert_user_error(proc, "bad.yaml", "params.aggression.opportunity")


class _Invoked:
    """A CliRunner result seen as a finished process (returncode, stderr)."""

    def __init__(self, *args: str) -> None:
        res = CliRunner().invoke(cli.app, list(args))
        self.returncode = res.exit_code
        self.stderr = res.stderr
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception


def test_unknown_scenario() -> None:
    assert_user_error(_Invoked("compare", "atlantis"), "atlantis")


def test_unknown_regime() -> None:
    assert_user_error(_Invoked("run", "default", "--regime", "anarchy"), "--regime", "anarchy")


def test_zero_replications(tmp_path: Path) -> None:
    # Through the real entry point: the guard and main() give exit 2, no traceback.
    assert_user_error(collsec("compare", "--reps", "0", cwd=tmp_path), "--reps")


def test_bad_inputs_write_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (
        ["compare", "--years", "-3"],
        ["compare", "--regimes", "self_help,nope"],
        ["compare", "--seed", "-1"],
        ["params", "--group", "nope"],
    ):
        res = runner.invoke(cli.app, args)
        assert res.exit_code == 2, (args, res.output)
        assert res.stderr.startswith("error: "), args
    assert not (tmp_path / "collsec-output").exists()


def test_validate_reports_the_problem(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("horizon: 0\n", encoding="utf-8")
    res = runner.invoke(cli.app, ["scenario", "validate", str(bad)])
    assert res.exit_code == 2
    assert "horizon" in res.stderr


def test_usage_errors_keep_typer_exit_code(runner: CliRunner) -> None:
    res = runner.invoke(cli.app, ["compare", "--no-such-option"])
    assert res.exit_code == 2


def test_refuses_to_overwrite_a_folder_not_written_by_collsec(
    runner: CliRunner, tmp_path: Path
) -> None:
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.md").write_text("precious", encoding="utf-8")
    res = runner.invoke(cli.app, ["compare", *SMALL, "--no-plots", "--out", str(mine)])
    assert res.exit_code == 2
    assert str(mine) in res.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["chapter1.md"]


def test_rewrites_a_collsec_folder_named_with_out(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "again"
    args = ["run", "default", "--reps", "2", "--years", "5", "--out", str(out)]
    assert runner.invoke(cli.app, args).exit_code == 0
    assert (out / PLOT_FILES["arms_over_time"]).is_file()
    res = runner.invoke(cli.app, [*args, "--no-plots"])
    assert res.exit_code == 0, res.output
    # Plots of the earlier run would not describe this one: they are removed.
    assert not (out / PLOT_FILES["arms_over_time"]).exists()
    assert (out / "scenario.yaml").is_file()


def test_refuses_a_file_as_output_folder(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")
    res = runner.invoke(cli.app, ["compare", *SMALL, "--out", str(target)])
    assert res.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------- other commands


def test_scenario_list_names_every_bundled_scenario(runner: CliRunner) -> None:
    res = runner.invoke(cli.app, ["scenario", "list"])
    assert res.exit_code == 0
    for name in ("default", "bipolar", "interwar", "un-charter"):
        assert name in res.stdout


def test_params_lists_the_schema(runner: CliRunner) -> None:
    res = runner.invoke(cli.app, ["params", "--group", "aggression"])
    assert res.exit_code == 0, res.output
    paths = [r["path"] for r in parameter_table() if r["path"].startswith("params.aggression.")]
    assert paths
    for path in paths:
        assert path in res.stdout
    assert "params.growth.mean" not in res.stdout


def test_version(runner: CliRunner) -> None:
    res = runner.invoke(cli.app, ["version"])
    assert res.stdout.strip() == f"collsec {__version__}"


def test_interrupt_exits_130(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "api_simulate", interrupt)
    res = runner.invoke(cli.app, ["run", "default", *SMALL])
    assert res.exit_code == 130
    assert "interrupted" in res.stderr


def test_extension_modules_that_do_not_exist_are_skipped() -> None:
    import typer

    target = typer.Typer()
    assert cli.register_extensions(target, ["collsec.no_such_package.commands"]) == []


def test_extension_modules_with_a_broken_import_surface(tmp_path: Path) -> None:
    import typer

    pkg = tmp_path / "broken_ext"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "commands.py").write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
            cli.register_extensions(typer.Typer(), ["broken_ext.commands"])
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("broken_ext", None)


def test_no_arguments_runs_compare_default(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_execute(sc: Any, regimes: list[str], **kwargs: Any) -> None:
        seen.update(name=sc.name, regimes=regimes, **kwargs)

    monkeypatch.setattr(cli, "_execute", fake_execute)
    res = runner.invoke(cli.app, [])
    assert res.exit_code == 0, res.output
    assert seen["name"] == "default"
    assert seen["regimes"] == list(REGIMES)
    assert (seen["single"], seen["out"], seen["as_json"], seen["plots"]) == (
        False,
        None,
        False,
        True,
    )


def test_params_shows_a_switch_as_true_or_false(runner: CliRunner) -> None:
    res = runner.invoke(cli.app, ["params", "--group", "response"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if "find_when_needed" in x)
    assert "false" in line
    assert "true | false" in line
    assert "[, ]" not in res.stdout
