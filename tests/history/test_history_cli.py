"""The commands: case, cases evaluate (the development book and bad books), validate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collsec.history.evaluate import (
    OUT_OF_SAMPLE,
    evaluate_book,
    read_case_book,
)
from collsec.history.icb import icb_case_book, write_icb_book

REPO = Path(__file__).resolve().parents[2]

MEASURED_OVERALL = 0.45
"""Honest measured overall accuracy on the development book (11 of 24 = 0.458).
Since issue 12 the labels follow the probabilities calibrated on the ICB record
to 1999, where findings and measures are rare, and the 0.85 target on these
eight rows is retired (docs/history.md); 0.792 was the accuracy-tuned
simulation's in-sample figure."""


def test_cases_evaluate_development_book_installed_command(cow_dir: Path, case_book: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLLSEC_DATA_DIR=str(cow_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "collsec", "cases", "evaluate", str(case_book), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["cases"]) == 8
    assert set(out["cases"][0]) >= {"id", "predicted", "recorded", "correct"}
    assert set(out["accuracy"]) == {"designated", "action", "reversed", "overall"}
    assert out["accuracy"]["overall"] >= MEASURED_OVERALL


def _book(tmp_path: Path, header: str, row: str) -> Path:
    p = tmp_path / "book.csv"
    p.write_text(header + "\n" + row + "\n", encoding="utf-8")
    return p


HEADER = "id,year,organization,aggressors,victim,absent,designated,action,reversed"


def test_book_with_a_missing_column_exits_2(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    p = _book(tmp_path, HEADER.replace(",action", ""), "x,1935,league,325,530,,yes,no")
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(p), "--data-dir", str(cow_dir)])
    assert r.exit_code == 2
    assert "action" in r.output
    assert "missing column" in r.output


def test_book_with_a_bad_value_names_row_and_field(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    p = _book(tmp_path, HEADER, "x,1935,league,325,530,,yes,bombing,no")
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(p), "--data-dir", str(cow_dir)])
    assert r.exit_code == 2
    assert ":2: action" in r.output
    assert "'bombing'" in r.output


def test_book_naming_an_organisation_before_it_existed(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    p = _book(tmp_path, HEADER, "x,1930,un,325,530,,yes,none,no")
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(p), "--data-dir", str(cow_dir)])
    assert r.exit_code == 2
    assert ":2:" in r.output
    assert "did not exist" in r.output


def test_case_command_json(cow_dir: Path, history_app: typer.Typer) -> None:
    r = CliRunner().invoke(
        history_app,
        [
            "case",
            "--org",
            "un",
            "--year",
            "1950",
            "--aggressor",
            "731",
            "--victim",
            "732",
            "--absent",
            "365",
            "--draws",
            "300",
            "--data-dir",
            str(cow_dir),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    # The label follows the calibrated probability, which the simulated share feeds.
    p = out["probabilities"]["designated"]
    assert out["calibrated"] is True
    assert out["predicted"]["designated"] == ("yes" if p >= 0.5 else "no")
    assert set(out["probabilities"]["action"]) == {"none", "sanctions", "military"}
    assert 0.0 <= out["simulated"]["designated"] <= 1.0
    assert "Brier skill" in out["trust"]
    assert "O1" in out["diagnosis"]


def test_case_command_tables(cow_dir: Path, history_app: typer.Typer) -> None:
    r = CliRunner().invoke(
        history_app,
        [
            "case",
            "--org",
            "league",
            "--year",
            "1935",
            "--aggressor",
            "325",
            "--victim",
            "530",
            "--add-member",
            "2",
            "--draws",
            "200",
            "--data-dir",
            str(cow_dir),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Diagnosis" in r.stdout
    assert "The vote" in r.stdout
    assert "The coalition" in r.stdout


def test_case_command_unknown_state_exits_2(cow_dir: Path, history_app: typer.Typer) -> None:
    r = CliRunner().invoke(
        history_app,
        [
            "case",
            "--org",
            "league",
            "--year",
            "1935",
            "--aggressor",
            "9999",
            "--victim",
            "530",
            "--data-dir",
            str(cow_dir),
        ],
    )
    assert r.exit_code == 2
    assert "unknown state code" in r.output


def test_validate_command_json_and_plot(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    r = CliRunner().invoke(
        history_app,
        ["validate", "--reps", "3", "--data-dir", str(cow_dir), "--out", str(tmp_path), "--json"],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert abs(out["severity_exponent"]["record"]["alpha"] - 1.5) < 0.1
    assert len(out["runs"]) == 2
    assert (tmp_path / "severity_ccdf.png").exists()


KOREA = "korea,1950,un,731,732,365,yes,military,partial"


def test_evaluate_with_a_params_file_and_the_baseline(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    """--params swaps the global parameter set; the JSON carries the book's baseline."""
    book = _book(tmp_path, HEADER, KOREA + "\n" + KOREA.replace("korea", "korea-again"))
    # A parameter file that switches the probability model off (it is layered
    # over the bundled set, so it must say so) gives the simulated shares:
    # voters who see aggression plainly (vote bias 0.5) name North Korea.
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "draws: 200\nprobability_model: {}\noverrides:\n  params.response.vote_bias: 0.5\n",
        encoding="utf-8",
    )
    bundled = CliRunner().invoke(
        history_app,
        [
            "cases",
            "evaluate",
            str(book),
            "--data-dir",
            str(cow_dir),
            "--params",
            str(plain),
            "--json",
        ],
    )
    assert bundled.exit_code == 0, bundled.output
    out = json.loads(bundled.stdout)
    assert out["model"]["variant"] == "simulated shares"
    assert out["cases"][0]["predicted"]["designated"] == "yes"
    # Both rows record the same labels, so the baseline predicts them and is right.
    assert out["baseline"]["labels"] == {
        "designated": "yes",
        "action": "military",
        "reversed": "partial",
    }
    assert out["baseline"]["accuracy"]["overall"] == 1.0
    # A vote bias of -1 leaves no member willing to name the aggressor.
    params = tmp_path / "params.yaml"
    params.write_text(
        "draws: 200\noverrides:\n  params.response.vote_bias: -1.0\n", encoding="utf-8"
    )
    args = ["cases", "evaluate", str(book), "--data-dir", str(cow_dir), "--params", str(params)]
    swapped = CliRunner().invoke(history_app, [*args, "--json"])
    assert swapped.exit_code == 0, swapped.output
    assert json.loads(swapped.stdout)["cases"][0]["predicted"]["designated"] == "no"


def test_a_bad_params_file_exits_2_naming_file_and_field(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    book = _book(tmp_path, HEADER, KOREA)
    params = tmp_path / "params.yaml"
    params.write_text("capability_lag: 99\n", encoding="utf-8")
    r = CliRunner().invoke(
        history_app,
        ["cases", "evaluate", str(book), "--data-dir", str(cow_dir), "--params", str(params)],
    )
    assert r.exit_code == 2
    assert "params.yaml" in r.output
    assert "capability_lag" in r.output


@pytest.mark.slow
def test_the_time_split_printed_by_case_is_current(cow_dir: Path, tmp_path: Path) -> None:
    """The time split `collsec case` prints (OUT_OF_SAMPLE, trust_sentence) is
    what the bundled parameters give on the ICB book to 1999, fitted to 1979 and
    scored from 1980, so it cannot go stale (about two minutes)."""
    shared = cow_dir.parent
    if not (shared / "icb" / "icb1v15.csv").exists():
        pytest.skip(f"ICB data not found in {shared / 'icb'}")
    book = tmp_path / "icb.csv"
    icb = icb_case_book(shared, first=1920, last=1999)
    write_icb_book(icb, book)
    rows = read_case_book(book)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = evaluate_book(
            rows,
            data_dir=cow_dir,
            train_to=OUT_OF_SAMPLE["train_to"],
            test_from=OUT_OF_SAMPLE["test_from"],
        )
    assert res["split"]["scored_rows"] == OUT_OF_SAMPLE["cases"]
    for outcome in ("designated", "action"):
        assert res["scores"][outcome]["brier_skill"] == pytest.approx(
            OUT_OF_SAMPLE["brier_skill"][outcome], abs=5e-4
        )
        assert res["baselines"]["logistic"]["scores"][outcome]["brier_skill"] == pytest.approx(
            OUT_OF_SAMPLE["logistic_skill"][outcome], abs=5e-4
        )


def test_case_takes_a_params_file(tmp_path: Path, cow_dir: Path, history_app: typer.Typer) -> None:
    """--params swaps the parameter set of one prediction too; a bad file exits 2."""
    args = ["case", "--org", "un", "--year", "1950", "--aggressor", "731", "--victim", "732"]
    args += ["--absent", "365", "--data-dir", str(cow_dir)]
    params = tmp_path / "params.yaml"
    params.write_text(
        "draws: 200\noverrides:\n  params.response.vote_bias: -1.0\n", encoding="utf-8"
    )
    r = CliRunner().invoke(history_app, [*args, "--params", str(params), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["predicted"]["designated"] == "no"
    params.write_text("power_measure: lumens\n", encoding="utf-8")
    r = CliRunner().invoke(history_app, [*args, "--params", str(params)])
    assert r.exit_code == 2
    assert "power_measure" in r.output
    assert "'lumens'" in r.output
