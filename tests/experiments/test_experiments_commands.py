"""The sweep, query and sensitivity commands: exit codes, DuckDB over the results."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from collsec.experiments.commands import register

HERE = Path(__file__).resolve().parent


@pytest.fixture
def app() -> typer.Typer:
    """The main app if it exists, else a fresh app with only these commands."""
    try:
        from collsec.cli import app as main_app
    except ImportError:
        main_app = typer.Typer()
        register(main_app)

        @main_app.command("noop")
        def noop() -> None:
            """Typer needs two commands to keep subcommand names."""

    return main_app


def test_sweep_then_query_through_duckdb(app, tiny_spec, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec()), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(app, ["sweep", str(spec), "--out", str(out), "--executor", "inline"])
    assert res.exit_code == 0, res.output
    sql = "SELECT regime, count(*) AS n FROM results GROUP BY regime ORDER BY regime"
    res = runner.invoke(app, ["query", str(out), sql, "--csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines() == ["regime,n", "as_specified,12", "self_help,12"]


def test_bad_sql_exits_2(app, tiny_spec, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec()), encoding="utf-8")
    runner = CliRunner()
    runner.invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "o"), "--executor", "inline"])
    res = runner.invoke(app, ["query", str(tmp_path / "o"), "SELECT nope FROM results"])
    assert res.exit_code == 2


def test_other_sweep_in_the_folder_exits_2(app, tiny_spec, tmp_path: Path) -> None:
    runner = CliRunner()
    for seed, code in ((1, 0), (2, 2)):
        spec = tmp_path / f"spec{seed}.yaml"
        spec.write_text(yaml.safe_dump(tiny_spec(seed=seed)), encoding="utf-8")
        res = runner.invoke(
            app,
            ["sweep", str(spec), "--out", str(tmp_path / "o"), "--executor", "inline", "--resume"],
        )
        assert res.exit_code == code, res.output


def test_unreachable_scheduler_exits_2(app, tiny_spec, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="dask.distributed is not installed")
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec()), encoding="utf-8")
    res = CliRunner().invoke(
        app, ["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert res.exit_code == 2


def test_sensitivity_prints_indices_and_saves_a_plot(app, tmp_path: Path) -> None:
    out = tmp_path / "sens"
    res = CliRunner().invoke(
        app,
        ["sensitivity", str(HERE / "sobol_spec.yaml"), "--out", str(out), "--executor", "inline"],
    )
    assert res.exit_code == 0, res.output
    assert "Sobol indices of war_rate" in res.stdout
    assert (out / "sobol_indices.png").stat().st_size > 0
    assert (out / "sobol_indices.csv").is_file()
    # sobol_spec.yaml has 8 base samples: one line says so, with the number to use.
    warned = [line for line in res.stderr.splitlines() if "base samples" in line]
    assert warned == [
        "only 8 base samples (design.samples): Sobol indices this few are mostly noise; "
        "use at least 512"
    ]


def test_sensitivity_warns_about_few_samples_in_indonesian(app, tmp_path: Path) -> None:
    from collsec.i18n import set_language

    args = ["sensitivity", str(HERE / "sobol_spec.yaml"), "--out", str(tmp_path / "s")]
    set_language("id")
    try:
        res = CliRunner().invoke(app, [*args, "--executor", "inline"], terminal_width=250)
    finally:
        set_language(None)
    assert res.exit_code == 0, res.output
    assert "hanya 8 sampel dasar (design.samples)" in res.stderr
    assert "gunakan setidaknya 512" in res.stderr
    assert "base samples" not in res.stderr


def test_sweep_ends_with_what_it_shows(app, tiny_spec, tmp_path: Path) -> None:
    """The sweep's findings, from collsec.findings (issue 11; QA 13)."""
    spec = tmp_path / "spec.yaml"
    data = tiny_spec(regimes=["self_help", "collective_security"], replications=12)
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    res = CliRunner().invoke(
        app, ["sweep", str(spec), "--out", str(tmp_path / "o"), "--executor", "inline"]
    )
    assert res.exit_code == 0, res.output
    assert "What this run shows" in res.stdout
    assert "C13" in res.stdout
    assert "C14" in res.stdout
